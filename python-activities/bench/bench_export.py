"""ONNX export and quantization settings side by side: build time, size, top-1 agreement with fp32, decode speed.

Builds the fp32 reference with the export activity (checked against PyTorch), then each candidate setting with
the quantize activity (the onnxruntime-genai builder's MatMulNBits), plus onnxruntime's dynamic INT8 quantization
of the fp32 graph (MatMulInteger) for comparison. Decode speed: the plain onnxruntime KV-cache greedy loop of
activities/onnx_check.py, --new-tokens tokens after a validation prompt, median of --repeats after one warm-up.

With --fallback: the builder's fp32/int8/int4 at the defaults against the same three made by the torch.onnx
fallback exporter (quantization.exporter: torch) from the same merged model.

Run: python-activities/.venv/bin/python python-activities/bench/bench_export.py --model gguf [--merged DIR] [--threads 2] [--fallback]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path[:0] = [str(HERE.parents[1]), str(HERE.parents[1] / "tests"), str(HERE.parent)]
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from activities.contracts import ExportCheck, ExportInput, ModelConfig, QuantSettings  # noqa: E402
from activities.export import run_export  # noqa: E402
from activities.onnx_builder import dir_bytes  # noqa: E402
from activities.onnx_check import OnnxDecoder, check_examples, top1_agreement  # noqa: E402
from activities.paths import read_jsonl  # noqa: E402
from activities.quantize import run_quantize  # noqa: E402
from bench_finetune import DOC, machine  # noqa: E402
from fixture_data import write_dataset  # noqa: E402

CANDIDATES = [("int8", 32, 4), ("int8", 32, 0), ("int4", 32, 4), ("int4", 32, 0)]


def source_model(kind: str, merged: str | None, work: Path) -> Path:
    """The merged folder to export, linked into the bench's run folder (activities keep paths inside it)."""
    if merged:
        src = Path(merged)
    elif kind == "gguf":
        from activities.gguf_cache import ensure_converted, packaged_gguf

        cache = Path(os.environ.get("TOOLTUNE_CACHE_DIR", str(work / ".cache")))
        src = ensure_converted(packaged_gguf(cache), cache)
    else:
        from activities.contracts import TinyModelConfig
        from activities.tiny import ensure_tiny

        data = write_dataset(work / "data")
        src = ensure_tiny(work / "tiny-src", TinyModelConfig(vocab_size=512), [data["train"], data["val"]])
    dst = work / "run" / "merged"
    dst.mkdir(parents=True)
    for f in src.iterdir():
        if f.is_file():
            try:
                os.link(f, dst / f.name)
            except OSError:
                shutil.copy2(f, dst / f.name)
    return dst


def update_doc(section: str, key: str) -> None:
    """Replace (or append) this benchmark's section in docs/BENCHMARKS.md."""
    start, end = f"<!-- bench_export:{key}:start -->", f"<!-- bench_export:{key}:end -->"
    text = DOC.read_text()
    block = f"{start}\n{section.rstrip()}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)


def decode_speed(folder: Path, prompt: list[int], new_tokens: int, repeats: int, threads: int) -> float:
    """Median greedy decode tokens/s (prompt included in the timed call, as a request would)."""
    dec = OnnxDecoder(folder, threads=threads)
    dec.greedy(prompt, 4)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        dec.greedy(prompt, new_tokens)
        times.append(time.perf_counter() - t0)
    return new_tokens / statistics.median(times)


def dynamic_int8(fp32: Path, out: Path) -> float:
    """onnxruntime quantize_dynamic (INT8 weights, per-tensor, MatMul only) of the fp32 graph; returns seconds."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out.mkdir(parents=True)
    t0 = time.perf_counter()
    quantize_dynamic(str(fp32 / "model.onnx"), str(out / "model.onnx"), weight_type=QuantType.QInt8,
                     use_external_data_format=True, extra_options={"MatMulConstBOnly": True})
    for f in ("genai_config.json", "tokenizer.json", "tokenizer_config.json", "config.json"):
        shutil.copy2(fp32 / f, out / f)
    return time.perf_counter() - t0


def main() -> None:
    """Build every candidate, measure it, print the table and update docs/BENCHMARKS.md."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["tiny", "gguf"], default="tiny")
    ap.add_argument("--merged", help="a merged Hugging Face folder to export instead (e.g. a run's export/merged)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--new-tokens", type=int, default=64)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--records", type=int, default=32)
    ap.add_argument("--fallback", action="store_true", help="compare the builder with the torch.onnx fallback exporter")
    args = ap.parse_args()
    load = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="bench-export-"))
    os.environ.setdefault("TOOLTUNE_ARTIFACTS_ROOT", str(work))  # the activities keep their paths inside it
    try:
        merged = source_model(args.model, args.merged, work)
        run = work / "run"
        val = write_dataset(work / "val-data")["val"]
        check = ExportCheck(prompts=4, new_tokens=32, max_logit_diff=0.01, agreement_records=args.records)

        def inp(s: QuantSettings, name: str, exporter: str = "builder", reference: str = "fp32") -> ExportInput:
            return ExportInput(run_dir=str(run), merged_dir=str(merged), out_dir=str(run / "onnx" / name), settings=s,
                               val_path=val, check=check, reference_dir=str(run / "onnx" / reference), exporter=exporter)

        from transformers import AutoTokenizer

        examples = check_examples(AutoTokenizer.from_pretrained(str(merged)), read_jsonl(val, "val"), "text", args.records)
        fp32 = run_export(inp(QuantSettings(precision="fp32"), "fp32"))
        rows = [("fp32 (builder)", fp32.wall_time_s, fp32.bytes, None, Path(fp32.path))]
        candidates = [c for c in CANDIDATES if c[2] == 4] if args.fallback else CANDIDATES
        for precision, block, level in candidates:
            out = run_quantize(inp(QuantSettings(precision=precision, block_size=block, accuracy_level=level), f"{precision}-b{block}-l{level}"))
            rows.append((f"{precision} builder, block {block}, accuracy_level {level}", out.wall_time_s, out.bytes, out.top1_agreement, Path(out.path)))
        ref = OnnxDecoder(Path(fp32.path))
        if args.fallback:
            tfp32 = run_export(inp(QuantSettings(precision="fp32"), "fp32-torch", "torch"))
            rows.append((f"fp32 torch.onnx fallback (max logit diff vs PyTorch {tfp32.max_logit_diff:.1e})", tfp32.wall_time_s,
                         tfp32.bytes, top1_agreement(ref, OnnxDecoder(Path(tfp32.path)), examples)[0], Path(tfp32.path)))
            for precision, block, level in candidates:
                qs = QuantSettings(precision=precision, block_size=block, accuracy_level=level)
                out = run_quantize(inp(qs, f"{precision}-torch", "torch", "fp32-torch"))
                rows.append((f"{precision} torch.onnx fallback, block {block}, accuracy_level {level}", out.wall_time_s, out.bytes,
                             top1_agreement(ref, OnnxDecoder(Path(out.path)), examples)[0], Path(out.path)))
        else:
            dyn = run / "onnx" / "int8-dynamic"
            secs = dynamic_int8(Path(fp32.path), dyn)
            rows.append(("int8 onnxruntime quantize_dynamic (per-tensor)", secs, dir_bytes(dyn), top1_agreement(ref, OnnxDecoder(dyn), examples)[0], dyn))
        prompt = examples[0].prompt_ids
        lines = ["| variant | build s | MB | vs fp32 | top-1 agreement with fp32 | decode tok/s | vs fp32 |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        base_speed = None
        for name, secs, size, agree, folder in rows:
            speed = decode_speed(folder, prompt, args.new_tokens, args.repeats, args.threads)
            base_speed = base_speed or speed
            lines.append(f"| {name} | {secs:.0f} | {size / 1e6:.1f} | {size / rows[0][2]:.3f} | "
                         f"{'—' if agree is None else f'{agree:.3f}'} | {speed:.1f} | {speed / base_speed:.2f}x |")
            print(lines[-1], flush=True)
        import onnxruntime

        cmd = f"python-activities/.venv/bin/python python-activities/bench/bench_export.py --model {args.model}" + \
              (" --merged <run>/export/merged" if args.merged else "") + f" --threads {args.threads}" + \
              (" --fallback" if args.fallback else "")
        section = "\n".join([
            f"## ONNX {'exporters: builder vs torch.onnx fallback' if args.fallback else 'export and quantization settings'} "
            f"({args.model}{', fine-tuned' if args.merged else ''}) — {time.strftime('%Y-%m-%d')}",
            "", f"Command: `{cmd}`", "",
            f"Machine: {machine()}; onnxruntime {onnxruntime.__version__}, {fp32.exporter}; load average when started {load:.2f}.", "",
            f"fp32 export checked against PyTorch: greedy tokens equal on 4 validation prompts x 32 tokens, max logit difference "
            f"{fp32.max_logit_diff:.1e}. Agreement: top-1 over {args.records} teacher-forced validation completions. Decode: plain "
            f"onnxruntime KV-cache loop, {args.threads} threads, {args.new_tokens} new tokens, median of {args.repeats}."
            + (" Every row's agreement is against the builder's fp32 (the fallback's own check, against its fp32, is in the run's"
               " summary)." if args.fallback else ""), "",
            *lines])
        print(section)
        update_doc(section, f"{args.model}{'-merged' if args.merged else ''}{'-fallback' if args.fallback else ''}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
