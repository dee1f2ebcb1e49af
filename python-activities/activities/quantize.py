"""Stage quantize: INT8 / INT4 ONNX variants (the builder's MatMulNBits weight-only quantization), each with
its teacher-forced top-1 agreement with the fp32 reference recorded (judged later by validate-quantized)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from temporalio import activity

from .contracts import ExportInput, ExportOutput
from .errors import InvalidSpec, ModelNotFound
from .export import Figures, build_variant
from .onnx_check import OnnxDecoder, check_examples, top1_agreement
from .paths import inside, read_jsonl


def check_agreement(inp: ExportInput, reference: Path) -> Callable[[Path, Path], Figures]:
    """Top-1 agreement with the fp32 variant over the completion positions of the validation records."""

    def run(built: Path, merged: Path) -> Figures:
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(str(merged))
        records = read_jsonl(inp.val_path, "val_path")
        examples = check_examples(tok, records, inp.record_format, inp.check.agreement_records)
        agreement, positions = top1_agreement(OnnxDecoder(reference), OnnxDecoder(built), examples)
        return {"check_prompts": len(examples), "check_new_tokens": 0, "tokens_equal": None, "max_logit_diff": None,
                "top1_agreement": agreement, "agreement_positions": positions}

    return run


def run_quantize(inp: ExportInput) -> ExportOutput:
    """Quantize logic without the activity wrapper."""
    if inp.settings.precision not in ("int8", "int4"):
        raise InvalidSpec(f"quantize_onnx makes int8 or int4, not {inp.settings.precision!r}", {"precision": inp.settings.precision})
    if not inp.reference_dir:
        raise InvalidSpec("quantize_onnx needs reference_dir (the fp32 variant)", {})
    reference = inside(inp.run_dir, inp.reference_dir, "reference_dir")
    if not (reference / "genai_config.json").is_file():
        raise ModelNotFound(f"fp32 reference variant not found: {reference}", {"reference_dir": str(reference)})
    return build_variant(inp, check_agreement(inp, reference))


@activity.defn(name="quantize_onnx")
def quantize_onnx(inp: ExportInput) -> ExportOutput:
    """Activity: <run_dir>/export/onnx/<int8|int4>, with its agreement with fp32 recorded."""
    return run_quantize(inp)
