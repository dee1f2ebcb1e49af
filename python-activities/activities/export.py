"""Stage export: the merged model to ONNX fp32 with a KV cache, checked against the merged PyTorch model before
the folder is published. The onnxruntime-genai builder makes the files when it supports the architecture; else
(or when quantization.exporter says torch) torch_export.py does, with torch.onnx.export and onnxruntime's
quantizers."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable

from temporalio import activity

from . import torch_export
from .contracts import ExportInput, ExportOutput, QuantSettings
from .errors import ExportMismatch, InvalidSpec, ModelNotFound, UnsupportedArchitecture
from .heartbeat import Heartbeater, raise_if_cancelled
from .onnx_builder import LOG_NAME, builder_architectures, builder_argv, complete_variant, dir_bytes, exporter_name, run_builder
from .onnx_check import OnnxDecoder, check_examples, compare_greedy, forced_torch
from .paths import inside, publish_dir, read_jsonl, require_run_dir, tmp_dir_for

STAMP = "tooltune_export.json"
ALLOWED_BLOCK_SIZES = (16, 32, 64, 128, 256)
# The figures a check fills in; the rest of ExportOutput comes from build_variant.
Figures = dict[str, Any]


def validate_settings(s: QuantSettings) -> None:
    """Settings the builder would reject or misread, refused before it starts."""
    if s.precision not in ("fp32", "int8", "int4"):
        raise InvalidSpec(f"unknown ONNX precision {s.precision!r} (fp32, int8, int4)", {"precision": s.precision})
    if s.block_size not in ALLOWED_BLOCK_SIZES:
        raise InvalidSpec(f"block_size {s.block_size} is not one of {ALLOWED_BLOCK_SIZES}", {"block_size": s.block_size})
    if s.accuracy_level not in (0, 1, 2, 3, 4):
        raise InvalidSpec(f"accuracy_level {s.accuracy_level} is not 0..4", {"accuracy_level": s.accuracy_level})


def choose_exporter(inp: ExportInput, architecture: str) -> str:
    """builder or torch: the spec's choice, or (auto) the builder when it dispatches on the architecture."""
    if inp.exporter not in ("auto", "builder", "torch"):
        raise InvalidSpec(f"unknown exporter {inp.exporter!r} (auto, builder, torch)", {"exporter": inp.exporter})
    if inp.exporter != "auto":
        return inp.exporter
    return "builder" if architecture in builder_architectures() else "torch"


def exporter_label(exporter: str, precision: str) -> str:
    """The summary's `exporter`: which tools made the files, with versions."""
    return exporter_name() if exporter == "builder" else torch_export.exporter_label(precision)


def variant_key(inp: ExportInput, merged: Path, exporter: str) -> str:
    """What a variant folder depends on: the merged folder's stamp, the settings, the check, the exporter."""
    stamp = merged / "tooltune_merge.json"
    h = hashlib.sha256(stamp.read_bytes() if stamp.is_file() else str(merged).encode())
    label = exporter_label(exporter, inp.settings.precision)
    h.update(json.dumps([asdict(inp.settings), asdict(inp.check), inp.reference_dir, label]).encode())
    return h.hexdigest()


def torch_argv(inp: ExportInput, merged: Path, out: Path) -> list[str]:
    """torch_export.py's command line: fp32 from the merged model, int8/int4 from the fp32 reference variant."""
    s = inp.settings
    script = [sys.executable, str(Path(torch_export.__file__))]
    if s.precision == "fp32":
        return [*script, "export", "--input", str(merged), "--output", str(out)]
    reference = inside(inp.run_dir, inp.reference_dir or "", "reference_dir")
    return [*script, "quantize", "--input", str(reference), "--output", str(out), "--precision", s.precision,
            "--block-size", str(int(s.block_size)), "--accuracy-level", str(int(s.accuracy_level)),
            "--symmetric", "true" if s.symmetric else "false"]


def make_files(inp: ExportInput, exporter: str, merged: Path, tmp: Path, staging: Path, details: dict[str, Any]) -> str:
    """Run the chosen exporter into tmp; auto falls back to torch when the builder refuses the architecture."""
    if exporter == "builder":
        try:
            run_builder(builder_argv(merged, tmp, staging / "cache", inp.settings), staging / LOG_NAME, details)
            return exporter
        except UnsupportedArchitecture:
            if inp.exporter != "auto":
                raise
        shutil.rmtree(tmp)
        tmp.mkdir()
        exporter = "torch"
    details["exporter"] = exporter
    run_builder(torch_argv(inp, merged, tmp), staging / LOG_NAME, details, tool="torch_export.py (torch.onnx fallback)")
    return exporter


def build_variant(inp: ExportInput, check: Callable[[Path, Path], Figures]) -> ExportOutput:
    """Build one variant in a temp folder, check it, then rename it into place (reused when unchanged)."""
    t0 = time.perf_counter()
    require_run_dir(inp.run_dir)
    validate_settings(inp.settings)
    merged = inside(inp.run_dir, inp.merged_dir, "merged_dir")
    final = inside(inp.run_dir, inp.out_dir, "out_dir")
    if not (merged / "config.json").is_file():
        raise ModelNotFound(f"merged model not found: {merged}", {"merged_dir": str(merged)})
    arch = (json.loads((merged / "config.json").read_text()).get("architectures") or ["?"])[0]
    exporter = choose_exporter(inp, arch)
    key = variant_key(inp, merged, exporter)
    stamp = final / STAMP
    if stamp.is_file() and json.loads(stamp.read_text()).get("key") == key:
        done = json.loads(stamp.read_text())["output"]
        done["settings"] = QuantSettings(**done["settings"])
        return ExportOutput(**{**done, "reused": True, "wall_time_s": round(time.perf_counter() - t0, 3)})
    tmp, staging = tmp_dir_for(final), tmp_dir_for(final.parent / f"{final.name}-input")
    details = {"variant": inp.settings.precision, "step": "build", "architecture": arch, "exporter": exporter}
    try:
        exporter = make_files(inp, exporter, merged, tmp, staging, details)
        shutil.copy2(staging / LOG_NAME, tmp / LOG_NAME)
        complete_variant(tmp, merged)
        details["step"] = "check"
        with Heartbeater(lambda: dict(details)):
            figures = check(tmp, merged)
        label = exporter_label(exporter, inp.settings.precision)
        out = ExportOutput(variant=inp.settings.precision, path=str(final), bytes=dir_bytes(tmp), exporter=label,
                           settings=inp.settings, reused=False, wall_time_s=round(time.perf_counter() - t0, 3), **figures)
        (tmp / STAMP).write_text(json.dumps({"key": key, "output": asdict(out)}, indent=2))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    publish_dir(tmp, final, replace=True)
    return out


def check_fp32(inp: ExportInput) -> Callable[[Path, Path], Figures]:
    """fp32 ONNX against the merged PyTorch model: greedy tokens equal and logits within tolerance (the PyTorch model's
    picks and logits taken along the ONNX model's greedy path)."""

    def run(built: Path, merged: Path) -> Figures:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        tok = AutoTokenizer.from_pretrained(str(merged))
        model = AutoModelForCausalLM.from_pretrained(str(merged), dtype="float32").eval()
        examples = check_examples(tok, read_jsonl(inp.val_path, "val_path"), inp.record_format, inp.check.prompts)
        onnx = OnnxDecoder(built)
        worst, bad = 0.0, []
        for i, ex in enumerate(examples):
            raise_if_cancelled("fp32 check")
            # ONNX decodes with its KV cache; PyTorch follows the same path in one pass (onnx_check.forced_torch)
            ort = onnx.greedy(ex.prompt_ids, inp.check.new_tokens)
            same, diff, step = compare_greedy(ort, forced_torch(model, ex.prompt_ids, ort[0]))
            worst = max(worst, diff)
            if not same or diff > inp.check.max_logit_diff:
                bad.append({"prompt": i, "tokens_equal": same, "max_logit_diff": diff, "steps_compared": step})
        if bad:
            raise ExportMismatch(
                f"the fp32 ONNX model disagrees with PyTorch on {len(bad)} of {len(examples)} validation prompts "
                f"(greedy tokens over {inp.check.new_tokens} steps, logit tolerance {inp.check.max_logit_diff})",
                {"mismatches": bad[:8], "max_logit_diff": worst})
        return {"check_prompts": len(examples), "check_new_tokens": inp.check.new_tokens, "tokens_equal": True,
                "max_logit_diff": worst, "top1_agreement": None, "agreement_positions": 0}

    return run


def run_export(inp: ExportInput) -> ExportOutput:
    """Export logic without the activity wrapper."""
    if inp.settings.precision != "fp32":
        raise InvalidSpec("export_onnx makes the fp32 reference; int8/int4 go through quantize_onnx",
                          {"precision": inp.settings.precision})
    return build_variant(inp, check_fp32(inp))


@activity.defn(name="export_onnx")
def export_onnx(inp: ExportInput) -> ExportOutput:
    """Activity: <run_dir>/export/onnx/fp32, equal to the merged PyTorch model on the validation prompts."""
    return run_export(inp)
