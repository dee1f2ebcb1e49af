"""Stage benchmark (Python side): PyTorch fp32 `generate` on the merged model (the guide's speedups are
against it) and onnxruntime-genai on each exported variant, on the same prompt token ids, one engine at a
time in a child process of its own; plus the machine's measured read bandwidth for the roofline.

The TypeScript engine's figures are measured by the TypeScript worker on the same prompts file and the
two halves are put together there (activities/benchmark.ts), refusing to mix hosts.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from temporalio import activity

from .contracts import BenchmarkInput, BenchmarkOutput, BenchResult, HostInfo
from .errors import InvalidSpec, ModelNotFound
from .formatting import case_prompt
from .heartbeat import beat, cancelled
from .paths import atomic_write_json, inside, read_jsonl, require_run_dir

HERE = Path(__file__).resolve().parents[1]
SKIP_OPS = {"Gather", "GatherBlockQuantized"}  # an embedding lookup reads one row per token, not the table
ONNX_ELEMENT_BYTES = {1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2, 21: 1, 22: 1}


def host_info(threads: int) -> HostInfo:
    """What machine the figures belong to: host name, CPU model, logical CPUs and threads used."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return HostInfo(hostname=socket.gethostname(), cpu_model=model, logical_cpus=os.cpu_count() or 0, threads=threads)


def folder_bytes(folder: str) -> int:
    """Bytes on disk of the model files in a folder (ONNX graph and weights, or safetensors)."""
    return sum(f.stat().st_size for f in Path(folder).iterdir()
               if f.is_file() and (f.suffix in (".onnx", ".safetensors") or f.name.endswith(".onnx.data")))


def onnx_bytes_read_per_token(folder: str) -> int:
    """Bytes of the initializers a decode step reads: every weight feeding a node other than an embedding
    lookup (a tied output head counts once, through its MatMul)."""
    import onnx

    graph = onnx.load(str(Path(folder) / "model.onnx"), load_external_data=False).graph
    sizes = {}
    for init in graph.initializer:
        n = 1
        for d in init.dims:
            n *= d
        sizes[init.name] = n * ONNX_ELEMENT_BYTES.get(init.data_type, 4)
    read: set[str] = set()
    for node in graph.node:
        if node.op_type not in SKIP_OPS:
            read.update(i for i in node.input if i in sizes)
    return sum(sizes[name] for name in read)


def write_prompts(inp: BenchmarkInput, out_dir: Path) -> Path:
    """The prompts every engine runs, as token ids from the merged model's tokenizer (the predict stage's
    prompt text), with the run settings: the one input all engines share."""
    from transformers import AutoTokenizer

    cases = read_jsonl(inp.cases_path, "cases_path")[: inp.num_prompts]
    if not cases:
        raise InvalidSpec("no cases to benchmark", {"cases_path": inp.cases_path})
    tok = AutoTokenizer.from_pretrained(inp.merged_dir)
    ids = [tok(case_prompt(tok, c, inp.record_format), add_special_tokens=inp.record_format == "text")["input_ids"] for c in cases]
    path = out_dir / "bench-prompts.json"
    atomic_write_json(path, {"threads": inp.threads, "new_tokens": inp.new_tokens, "warmup_runs": inp.warmup_runs,
                             "runs": inp.runs, "prompts": ids})
    return path


def run_child(mode: str, model_dir: str, prompts: Path, out: Path, threads: int, label: str) -> dict[str, Any]:
    """One child process (argument array, no shell); heartbeats while it runs, killed on cancellation."""
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "PYTHONPATH": str(HERE), "TOKENIZERS_PARALLELISM": "false"}
    out.unlink(missing_ok=True)
    proc = subprocess.Popen([sys.executable, "-m", "activities.bench_child", mode, model_dir, str(prompts), str(out)],
                            cwd=HERE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    started = time.monotonic()
    while proc.poll() is None:
        if cancelled():
            proc.kill()
            proc.wait()
            from temporalio.exceptions import CancelledError

            raise CancelledError("benchmark cancelled")
        beat({"engine": label, "elapsed_s": round(time.monotonic() - started, 1)})
        time.sleep(1.0)
    err = proc.stderr.read() if proc.stderr else ""
    if proc.returncode != 0 or not out.is_file():
        raise RuntimeError(f"benchmark of {label} failed (exit {proc.returncode}): {err.strip()[-2000:]}")
    return json.loads(out.read_text())


def to_result(raw: dict[str, Any], variant: str, disk: int, per_token: int, bandwidth: float) -> BenchResult:
    """A child's figures plus size and the roofline fraction: decode tokens/s against the bandwidth's bound."""
    decode = raw.get("decode_tokens_per_s")
    roof = decode * per_token / bandwidth if decode and per_token and bandwidth else None
    return BenchResult(
        engine=raw["engine"], variant=variant, requests=raw["requests"], new_tokens=raw["new_tokens"],
        min_tokens_produced=raw["min_tokens_produced"], load_s=raw["load_s"], latency_ms_p50=raw["latency_ms_p50"],
        latency_ms_p95=raw["latency_ms_p95"], ttft_ms_p50=raw["ttft_ms_p50"], prefill_tokens_per_s=raw["prefill_tokens_per_s"],
        decode_tokens_per_s=decode, peak_rss_bytes=raw["peak_rss_bytes"], bytes_on_disk=disk,
        bytes_read_per_token=per_token, roofline_fraction=round(roof, 4) if roof is not None else None)


def run_benchmark(inp: BenchmarkInput) -> BenchmarkOutput:
    """Benchmark logic without the activity wrapper; threads 0 means one per logical CPU."""
    from dataclasses import replace

    require_run_dir(inp.run_dir)
    if inp.threads < 0 or inp.new_tokens < 2 or inp.num_prompts < 1 or inp.runs < 1 or inp.warmup_runs < 0:
        raise InvalidSpec("benchmark settings out of range (threads >= 0, new_tokens >= 2, num_prompts >= 1, runs >= 1, warmup_runs >= 0)",
                          {"threads": inp.threads, "new_tokens": inp.new_tokens, "num_prompts": inp.num_prompts, "runs": inp.runs})
    inp = replace(inp, threads=inp.threads or os.cpu_count() or 1)
    out_dir = inside(inp.run_dir, inp.out_dir, "out_dir")
    out_dir.mkdir(parents=True, exist_ok=True)
    if not (Path(inp.merged_dir) / "config.json").is_file():
        raise ModelNotFound(f"merged model not found: {inp.merged_dir}", {"merged_dir": inp.merged_dir})
    for v in inp.variants:
        if not (Path(v.path) / "genai_config.json").is_file():
            raise ModelNotFound(f"variant {v.name}: no genai_config.json in {v.path}", {"variant": v.name, "path": v.path})
    prompts = write_prompts(inp, out_dir)
    bandwidth = run_child("bandwidth", "-", prompts, out_dir / "bench-bandwidth.json", inp.threads, "bandwidth")["bytes_per_s"]
    results: list[BenchResult] = []
    if inp.pytorch:
        raw = run_child("pytorch", inp.merged_dir, prompts, out_dir / "bench-pytorch.json", inp.threads, "pytorch fp32")
        results.append(to_result(raw, "fp32", folder_bytes(inp.merged_dir), raw["bytes_read_per_token"], bandwidth))
    for v in inp.variants:
        raw = run_child("ort-genai", v.path, prompts, out_dir / f"bench-ort-genai-{v.name}.json", inp.threads, f"ort-genai {v.name}")
        results.append(to_result(raw, v.name, folder_bytes(v.path), onnx_bytes_read_per_token(v.path), bandwidth))
    output = BenchmarkOutput(host=host_info(inp.threads), read_bandwidth_bytes_per_s=round(bandwidth), prompts_path=str(prompts),
                             results=results, results_path=str(out_dir / "benchmark-python.json"))
    from dataclasses import asdict

    atomic_write_json(Path(output.results_path), asdict(output))
    return output


@activity.defn(name="benchmark_python")
def benchmark_python(inp: BenchmarkInput) -> BenchmarkOutput:
    """Activity: time PyTorch fp32 and onnxruntime-genai on the same prompts; see the module's docstring."""
    return run_benchmark(inp)


def main(argv: list[str]) -> int:
    """`python -m activities.benchmark` (scripts/bench-inference.ts): the Python half on an existing run
    folder, settings as one JSON object (BenchmarkInput's fields); prints BenchmarkOutput as JSON."""
    import argparse
    from dataclasses import asdict

    from .contracts import BenchVariant

    parser = argparse.ArgumentParser(prog="python -m activities.benchmark")
    parser.add_argument("settings", help="BenchmarkInput as JSON")
    raw = json.loads(parser.parse_args(argv).settings)
    raw["variants"] = [BenchVariant(**v) for v in raw.get("variants", [])]
    print(json.dumps(asdict(run_benchmark(BenchmarkInput(**raw)))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
