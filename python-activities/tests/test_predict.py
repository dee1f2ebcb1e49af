"""predict + the end-to-end learning check: the fine-tuned tiny model calls the right tools."""

from __future__ import annotations

import json
import os

from conftest import TINY_LORA, TINY_TRAINING, tiny_model_config
from fixture_data import tool_accuracy

from activities.contracts import FinetuneInput, PredictInput
from activities.finetune import run_finetune
from activities.predict import ran_past_blocks, run_predict, trim


def test_stop_rule():
    assert not ran_past_blocks(" I'll read it.")
    assert not ran_past_blocks("<tool_use>read(file_path='a')</tool_use>\n")
    assert not ran_past_blocks("<tool_use>read(file_path='a')</tool_use>\n<tool_")
    assert ran_past_blocks("<tool_use>read(file_path='a')</tool_use>\nUser: next\n")
    assert trim("<tool_use>a()</tool_use>\nUser: more text here\n") == "<tool_use>a()</tool_use>"


def _predict(tiny_run, out: str, adapter_dir=None):
    return run_predict(PredictInput(run_dir=tiny_run["run_dir"], model_path=tiny_run["model_path"], model=tiny_model_config(),
                                    adapter_dir=adapter_dir, cases_path=tiny_run["cases"],
                                    out_path=os.path.join(tiny_run["run_dir"], out), max_new_tokens=48, batch_size=8))


def test_finetuned_tiny_beats_baseline(tiny_run):
    base = _predict(tiny_run, "preds/baseline.jsonl")
    rows = [json.loads(line) for line in open(base.predictions_path)]
    assert base.count == len(rows) > 0 and set(rows[0]) == {"id", "output", "latency_ms"}
    base_acc = tool_accuracy(tiny_run["cases"], base.predictions_path)
    ft = run_finetune(FinetuneInput(run_dir=tiny_run["run_dir"], attempt_dir=os.path.join(tiny_run["run_dir"], "learn"),
                                    model_path=tiny_run["model_path"], model=tiny_model_config(), lora=TINY_LORA,
                                    training=TINY_TRAINING, train_path=tiny_run["train"], val_path=tiny_run["val"]))
    tuned = _predict(tiny_run, "preds/finetuned.jsonl", adapter_dir=ft.adapter_dir)
    acc = tool_accuracy(tiny_run["cases"], tuned.predictions_path)
    print(f"tool_accuracy baseline={base_acc:.3f} finetuned={acc:.3f} eval_loss={ft.eval_loss:.4f} steps={ft.optimizer_steps}")
    assert base_acc <= 0.1 and acc >= 0.8 and acc > base_acc
    assert ft.eval_loss < 1.0
