"""predict + the end-to-end learning check: the fine-tuned tiny model calls the right tools."""

from __future__ import annotations

import json
import os

from conftest import TINY_LORA, TINY_TRAINING, tiny_model_config
from fixture_data import tool_accuracy

from activities.contracts import CaseSet, FinetuneInput, PredictInput
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


def test_sets_pooled_in_one_call_get_the_predictions_of_separate_calls(tiny_run):
    """extra_sets share the call's batch (refilled as rows finish) and each set is written to its own file."""
    from dataclasses import replace

    lines = open(tiny_run["cases"]).readlines()
    halves = [os.path.join(tiny_run["run_dir"], f"cases-{i}.jsonl") for i in (0, 1)]
    for path, part in zip(halves, (lines[:5], lines[5:])):
        with open(path, "w") as f:
            f.writelines(part)
    alone = [_predict(dict(tiny_run, cases=path), f"preds/alone-{i}.jsonl") for i, path in enumerate(halves)]
    one = _predict(tiny_run, "preds/all.jsonl")
    both = run_predict(replace(
        PredictInput(run_dir=tiny_run["run_dir"], model_path=tiny_run["model_path"], model=tiny_model_config(), cases_path=halves[0],
                     out_path=os.path.join(tiny_run["run_dir"], "preds/pooled-0.jsonl"), max_new_tokens=48, batch_size=3),
        extra_sets=[CaseSet(halves[1], os.path.join(tiny_run["run_dir"], "preds/pooled-1.jsonl"))]))
    assert [s.count for s in both.sets] == [5, len(lines) - 5] and both.predictions_path == both.sets[0].predictions_path
    texts = [[json.loads(x)["output"] for x in open(p)] for p in (both.sets[0].predictions_path, both.sets[1].predictions_path)]
    assert texts == [[json.loads(x)["output"] for x in open(a.predictions_path)] for a in alone]
    assert texts[0] + texts[1] == [json.loads(x)["output"] for x in open(one.predictions_path)]


def test_a_set_outside_the_run_folder_is_refused(tiny_run, tmp_path):
    from dataclasses import replace

    import pytest

    from activities.errors import InvalidSpec

    inp = PredictInput(run_dir=tiny_run["run_dir"], model_path=tiny_run["model_path"], model=tiny_model_config(),
                       cases_path=tiny_run["cases"], out_path=os.path.join(tiny_run["run_dir"], "preds/x.jsonl"))
    with pytest.raises(InvalidSpec, match="out_path"):
        run_predict(replace(inp, extra_sets=[CaseSet(tiny_run["cases"], str(tmp_path / "outside.jsonl"))]))


def test_chat_format_end_to_end(tmp_path):
    """Chat records: chat template rendering, prompt masking, and chat-format prediction."""
    from dataclasses import replace

    from fixture_data import write_dataset

    from activities.contracts import PreflightInput
    from activities.data import IGNORE, load_examples
    from activities.modelio import load_tokenizer
    from activities.preflight import run_preflight

    run = tmp_path / "run"
    data = write_dataset(run / "data", fmt="chat")
    pf = run_preflight(PreflightInput(run_dir=str(run), model=tiny_model_config(), lora=TINY_LORA,
                                      tokenizer_corpus_paths=[data["train"]]))
    tok = load_tokenizer(pf.model_path, tiny_model_config())
    ex, _ = load_examples(data["train"], tok, "chat", 128, "train")
    first = ex[0]
    n_prompt = first.labels.index(next(t for t in first.labels if t != IGNORE))
    assert tok.decode(first.input_ids[:n_prompt]).endswith("Assistant:")
    assert "<tool_use>" in tok.decode(first.labels[n_prompt:]) and first.labels[-1] == tok.eos_token_id
    ft = run_finetune(FinetuneInput(run_dir=str(run), attempt_dir=str(run / "a"), model_path=pf.model_path,
                                    model=tiny_model_config(), lora=TINY_LORA, training=replace(TINY_TRAINING, max_steps=3),
                                    train_path=data["train"], val_path=data["val"], record_format="chat"))
    out = run_predict(PredictInput(run_dir=str(run), model_path=pf.model_path, model=tiny_model_config(), adapter_dir=ft.adapter_dir,
                                   cases_path=data["cases"], out_path=str(run / "p.jsonl"), max_new_tokens=8, record_format="chat"))
    assert out.count == len(open(data["cases"]).readlines()) and ft.optimizer_steps == 3
