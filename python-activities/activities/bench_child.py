"""One engine's timed generation, in a process of its own so that its peak resident memory is its own.

Run by the benchmark stage as `python -m activities.bench_child ENGINE MODEL_DIR PROMPTS_JSON OUT_JSON`
with ENGINE `pytorch` (transformers generate, float32) or `ort-genai` (onnxruntime-genai's Python API).
Every engine gets the same prompt token ids and generates exactly `new_tokens` tokens greedily (end of
sequence suppressed), so that the timings compare like with like.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

Timed = tuple[float, list[float]]  # (start, time after each new token)


def time_pytorch(model_dir: str, threads: int) -> Callable[[list[int], int], Timed]:
    """A generate() call on the merged Hugging Face model; a StoppingCriteria notes each token's time."""
    import torch
    from transformers import AutoModelForCausalLM

    torch.set_num_threads(threads)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()

    def run(ids: list[int], new_tokens: int) -> Timed:
        stamps: list[float] = []

        def note(input_ids: Any, scores: Any, **kw: Any) -> Any:
            stamps.append(time.perf_counter())
            return torch.zeros(input_ids.shape[0], dtype=torch.bool)

        x = torch.tensor([ids])
        t0 = time.perf_counter()
        with torch.no_grad():
            model.generate(x, attention_mask=torch.ones_like(x), max_new_tokens=new_tokens, min_new_tokens=new_tokens,
                           do_sample=False, temperature=None, top_p=None, top_k=None, stopping_criteria=[note],
                           pad_token_id=model.config.eos_token_id if model.config.pad_token_id is None else model.config.pad_token_id)
        return t0, stamps

    return run


def threaded_copy(model_dir: str, threads: int) -> str:
    """A folder of links to the variant's files with genai_config.json asking for `threads` intra-op
    threads: the variant folder itself is never modified."""
    tmp = Path(tempfile.mkdtemp(prefix="tooltune-genai-"))
    for f in Path(model_dir).iterdir():
        if f.name != "genai_config.json":
            os.symlink(f.resolve(), tmp / f.name)
    config = json.loads((Path(model_dir) / "genai_config.json").read_text())
    config["model"]["decoder"].setdefault("session_options", {})["intra_op_num_threads"] = threads
    config["model"]["decoder"]["session_options"]["inter_op_num_threads"] = 1
    (tmp / "genai_config.json").write_text(json.dumps(config, indent=2))
    return str(tmp)


def time_genai(model_dir: str, threads: int) -> Callable[[list[int], int], Timed]:
    """onnxruntime-genai's Generator loop on an exported variant folder."""
    import onnxruntime_genai as og

    folder = threaded_copy(model_dir, threads)
    model = og.Model(folder)
    shutil.rmtree(folder, ignore_errors=True)

    def run(ids: list[int], new_tokens: int) -> Timed:
        params = og.GeneratorParams(model)
        total = len(ids) + new_tokens
        params.set_search_options(max_length=total, min_length=total, do_sample=False)
        stamps: list[float] = []
        t0 = time.perf_counter()
        gen = og.Generator(model, params)
        gen.append_tokens(ids)
        while not gen.is_done():
            gen.generate_next_token()
            stamps.append(time.perf_counter())
        return t0, stamps

    return run


ENGINES = {"pytorch": time_pytorch, "ort-genai": time_genai}


def linear_weight_bytes(model_dir: str) -> int:
    """Bytes of every Linear layer's parameters (the output head included, tied or not): what one decode
    step of the PyTorch model must read from memory."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(AutoConfig.from_pretrained(model_dir), dtype=torch.float32)
    return sum(p.numel() * 4 for m in model.modules() if isinstance(m, torch.nn.Linear) for p in m.parameters(recurse=False))


def read_bandwidth(threads: int, megabytes: int = 512, repeats: int = 7) -> dict[str, Any]:
    """Sequential read bandwidth of this machine with `threads` threads: the best of several sums over a
    buffer far larger than the caches (bytes read / seconds)."""
    import torch

    torch.set_num_threads(threads)
    x = torch.ones(megabytes * (1 << 20) // 4, dtype=torch.float32)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        float(x.sum())
        best = min(best, time.perf_counter() - t0)
    return {"bytes_per_s": x.numel() * 4 / best, "buffer_bytes": x.numel() * 4, "threads": threads}


def peak_rss_kb() -> int:
    """This process's peak resident memory: VmHWM from /proc/self/status (reset by exec), not getrusage's
    ru_maxrss, which Linux carries over from the worker process that forked this one."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of a non-empty list."""
    s = sorted(values)
    k = (len(s) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def measure(engine: str, model_dir: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Warm-up then timed runs over the prompts; per request latency, time to first token, prefill and
    decode rates. Decode excludes the first token, which carries the prompt's prefill."""
    t_load = time.perf_counter()
    run = ENGINES[engine](model_dir, int(spec["threads"]))
    load_s = time.perf_counter() - t_load
    prompts: list[list[int]] = spec["prompts"]
    n = int(spec["new_tokens"])
    for i in range(int(spec["warmup_runs"])):
        run(prompts[i % len(prompts)], n)
    latency, ttft, prefill_tps, decode_tps, produced = [], [], [], [], []
    for r in range(int(spec["runs"])):
        for ids in prompts:
            t0, stamps = run(ids, n)
            produced.append(len(stamps))
            latency.append((stamps[-1] - t0) * 1000)
            ttft.append((stamps[0] - t0) * 1000)
            prefill_tps.append(len(ids) / (stamps[0] - t0))
            if len(stamps) > 1:
                decode_tps.append((len(stamps) - 1) / (stamps[-1] - stamps[0]))
    peak_kb = peak_rss_kb()
    return {
        "engine": engine, "requests": len(latency), "new_tokens": n, "min_tokens_produced": min(produced),
        "load_s": round(load_s, 3),
        "latency_ms_p50": round(percentile(latency, 50), 2), "latency_ms_p95": round(percentile(latency, 95), 2),
        "ttft_ms_p50": round(percentile(ttft, 50), 2), "prefill_tokens_per_s": round(percentile(prefill_tps, 50), 2),
        "decode_tokens_per_s": round(percentile(decode_tps, 50), 2) if decode_tps else None,
        "peak_rss_bytes": peak_kb * 1024,
    }


def main(argv: list[str]) -> int:
    """CLI of the child process; writes its JSON result to OUT_JSON (atomically) and exits 0, or exits 2
    with the error on stderr."""
    if len(argv) != 4 or argv[0] not in (*ENGINES, "bandwidth"):
        print(f"usage: python -m activities.bench_child {'|'.join(ENGINES)}|bandwidth MODEL_DIR PROMPTS_JSON OUT_JSON", file=sys.stderr)
        return 2
    engine, model_dir, prompts_path, out_path = argv
    spec = json.loads(Path(prompts_path).read_text())
    if engine == "bandwidth":
        result = read_bandwidth(int(spec["threads"]))
    else:
        result = measure(engine, model_dir, spec)
        if engine == "pytorch":
            result["bytes_read_per_token"] = linear_weight_bytes(model_dir)
    tmp = Path(out_path).with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=2))
    os.replace(tmp, out_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
