"""finetune on the tiny model: outputs, early stopping, OOM typing, cancellation + resume, containment."""

from __future__ import annotations

import json
import os
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import TINY_LORA, TINY_TRAINING, tiny_model_config
from temporalio.exceptions import CancelledError
from temporalio.testing import ActivityEnvironment

from activities.contracts import FinetuneInput, PredictInput
from activities.errors import InvalidSpec, OutOfMemory
from activities.finetune import FAKE_OOM_ENV, finetune, run_finetune
from activities.predict import run_predict

QUICK = replace(TINY_TRAINING, num_train_epochs=3, validation_frequency=5, save_steps=4, early_stopping_patience=0)


def _inp(tiny_run, attempt: str, training=QUICK, lora=TINY_LORA, **kw) -> FinetuneInput:
    return FinetuneInput(run_dir=tiny_run["run_dir"], attempt_dir=os.path.join(tiny_run["run_dir"], attempt),
                         model_path=tiny_run["model_path"], model=tiny_model_config(), lora=lora,
                         training=training, train_path=tiny_run["train"], val_path=tiny_run["val"], **kw)


@pytest.fixture(scope="module")
def reference(tiny_run):
    """An uninterrupted QUICK run (merge on) the other tests compare with."""
    return run_finetune(_inp(tiny_run, "ref", training=replace(QUICK, merge_adapter=True)))


def test_outputs_adapter_metrics_merged(tiny_run, reference):
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    out = reference
    assert out.optimizer_steps == 30 and out.epochs_done == 3.0 and not out.stopped_early
    assert out.eval_loss > 0 and out.eval_perplexity == pytest.approx(2.718281828 ** out.eval_loss, rel=1e-6)
    assert out.tokens_per_second > 0 and out.truncated_examples == 0 and out.resumed_from_step == 0
    for f in ("adapter_config.json", "adapter_model.safetensors"):
        assert (Path(out.adapter_dir) / f).is_file()
    base = AutoModelForCausalLM.from_pretrained(tiny_run["model_path"])
    PeftModel.from_pretrained(base, out.adapter_dir)  # loads as it is
    assert out.merged_dir and (Path(out.merged_dir) / "config.json").is_file()
    AutoModelForCausalLM.from_pretrained(out.merged_dir)
    m = json.loads(Path(out.metrics_path).read_text())
    for k in ("train_loss_curve", "eval_loss", "eval_perplexity", "best_step", "epochs_done", "tokens_per_second",
              "wall_time_s", "truncated_examples", "optimizer_steps", "longest_answer_tokens"):
        assert k in m
    assert len(m["train_loss_curve"]) == 30 and m["best_step"] == out.best_step
    assert 1 < m["longest_answer_tokens"] < QUICK.max_seq_length
    assert m["train_loss_curve"][-1]["loss"] < m["train_loss_curve"][0]["loss"]
    assert "eval step=" in Path(out.log_path).read_text()
    assert m["machine"]["cpu_threads"] > 0 and m["machine"]["device"] == "cpu" and m["machine"]["hostname"]


def test_early_stopping_stops(tiny_run):
    cfg = replace(QUICK, learning_rate=1e-9, num_train_epochs=10, validation_frequency=2, early_stopping_patience=2)
    out = run_finetune(_inp(tiny_run, "early", training=cfg))
    assert out.stopped_early and out.optimizer_steps == 6 and out.best_step == 2  # evals at 2, 4, 6


def test_load_best_model_at_end_false_returns_the_last_steps_adapter(tiny_run):
    """Early stopping at step 6 with the lowest eval_loss at step 2: true returns step 2's adapter, false step 6's."""
    from safetensors.torch import load_file

    cfg = replace(QUICK, learning_rate=1e-9, num_train_epochs=10, validation_frequency=2, early_stopping_patience=2)
    kept = {}
    for load_best in (True, False):
        out = run_finetune(_inp(tiny_run, f"keep-{load_best}", training=replace(cfg, load_best_model_at_end=load_best)))
        assert out.optimizer_steps == 6 and out.best_step == 2
        step = 2 if load_best else 6
        assert json.loads(Path(out.metrics_path).read_text())["adapter_step"] == step
        assert f"adapter kept: step {step}," in Path(out.log_path).read_text()
        assert out.best_checkpoint.endswith(f"step-{step}")
        kept[load_best] = load_file(str(Path(out.adapter_dir) / "adapter_model.safetensors"))
    assert kept[True].keys() == kept[False].keys()
    assert any(not kept[True][k].equal(kept[False][k]) for k in kept[True])


def test_truncation_counted(tiny_run):
    out = run_finetune(_inp(tiny_run, "trunc", training=replace(QUICK, max_seq_length=24, max_steps=2)))
    assert out.truncated_examples > 0 and out.optimizer_steps == 2


def test_fake_oom_is_typed(tiny_run, monkeypatch):
    monkeypatch.setenv("TOOLTUNE_TEST_HOOKS", "1")
    monkeypatch.setenv(FAKE_OOM_ENV, "4")
    with pytest.raises(OutOfMemory) as e:
        run_finetune(_inp(tiny_run, "oom"))
    assert e.value.non_retryable and e.value.type == "OutOfMemory"
    assert e.value.details[0] == {"per_device_train_batch_size": 8, "gradient_accumulation_steps": 1, "max_seq_length": 128}
    run_finetune(_inp(tiny_run, "oom-ok", training=replace(QUICK, per_device_train_batch_size=4, max_steps=1)))


def test_cancel_then_resume_matches_uninterrupted(tiny_run, reference):
    beats: list[dict] = []
    env = ActivityEnvironment()
    cancelled_at: list[float] = []

    def on_heartbeat(*details):
        beats.append(details[0])
        if details[0].get("checkpoint") and not cancelled_at:
            cancelled_at.append(time.monotonic())
            env.cancel()

    env.on_heartbeat = on_heartbeat
    with pytest.raises(CancelledError):
        env.run(finetune, _inp(tiny_run, "resume"))
    assert time.monotonic() - cancelled_at[0] < 5
    assert set(beats[-1]) == {"step", "epoch", "loss", "eval_loss", "checkpoint", "total_steps", "resumed_from_step", "train_s"}
    assert beats[-1]["total_steps"] == reference.optimizer_steps and beats[-1]["train_s"] > 0
    ckpt = Path(beats[-1]["checkpoint"])
    assert ckpt.is_dir() and (ckpt / "trainer_state.json").is_file()  # kept after cancellation
    env2 = ActivityEnvironment()
    env2.info = replace(env2.info, attempt=2, heartbeat_details=[beats[-1]])
    out = env2.run(finetune, _inp(tiny_run, "resume"))
    assert out.resumed_from_step == 4
    assert out.optimizer_steps == reference.optimizer_steps
    assert out.eval_loss == pytest.approx(reference.eval_loss, abs=1e-4)


def test_output_paths_must_stay_inside_run_dir(tiny_run, tmp_path):
    with pytest.raises(InvalidSpec):
        run_finetune(_inp(tiny_run, str(tmp_path / "elsewhere")))
    with pytest.raises(InvalidSpec):
        run_finetune(_inp(tiny_run, "../escape"))
    link = Path(tiny_run["run_dir"]) / "link-out"
    link.symlink_to(tmp_path)
    with pytest.raises(InvalidSpec):
        run_finetune(_inp(tiny_run, "link-out/attempt"))
    with pytest.raises(InvalidSpec):
        run_predict(PredictInput(run_dir=tiny_run["run_dir"], model_path=tiny_run["model_path"], model=tiny_model_config(),
                                 cases_path=tiny_run["cases"], out_path=str(tmp_path / "preds.jsonl")))


def test_gradient_checkpointing_and_stale_attempt_leftovers(tiny_run):
    """Checkpointed activations train; a fresh start clears checkpoints left by other settings."""
    attempt = Path(tiny_run["run_dir"]) / "gc"
    stale = attempt / "checkpoints" / "step-99"
    stale.mkdir(parents=True)
    (stale / "trainer_state.json").write_text('{"fingerprint": "other"}')
    out = run_finetune(_inp(tiny_run, "gc", training=replace(QUICK, gradient_checkpointing=True, max_steps=5)))
    assert out.optimizer_steps == 5 and out.resumed_from_step == 0 and not stale.exists()
    assert (attempt / "checkpoints" / "step-4").is_dir()


def test_resume_keeps_patience_counter_and_best_checkpoint(tiny_run):
    """Early stopping on (patience 2): interrupted after the checkpoint at step 4 (one bad eval counted,
    best at step 2), the resumed attempt stops at step 6 with best step 2, exactly as an uninterrupted
    run does; a reset counter would train on to step 8, a lost best snapshot would return step 6's adapter."""
    cfg = replace(QUICK, learning_rate=1e-9, num_train_epochs=10, validation_frequency=2, save_steps=2, early_stopping_patience=2)
    reference = run_finetune(_inp(tiny_run, "patience-ref", training=cfg))
    assert reference.stopped_early and reference.optimizer_steps == 6 and reference.best_step == 2
    beats: list[dict] = []
    env = ActivityEnvironment()

    def on_heartbeat(*details):
        beats.append(details[0])
        if str(details[0].get("checkpoint") or "").endswith("step-4"):
            env.cancel()

    env.on_heartbeat = on_heartbeat
    with pytest.raises(CancelledError):
        env.run(finetune, _inp(tiny_run, "patience", training=cfg))
    state = json.loads((Path(beats[-1]["checkpoint"]) / "trainer_state.json").read_text())
    assert state["bad_evals"] == 1 and state["best_step"] == 2
    env2 = ActivityEnvironment()
    env2.info = replace(env2.info, attempt=2, heartbeat_details=[beats[-1]])
    out = env2.run(finetune, _inp(tiny_run, "patience", training=cfg))
    assert out.resumed_from_step == 4
    assert out.stopped_early and out.optimizer_steps == 6 and out.best_step == 2
    assert out.eval_loss == pytest.approx(reference.eval_loss, abs=1e-6)
    from safetensors.torch import load_file

    got = load_file(str(Path(out.adapter_dir) / "adapter_model.safetensors"))
    want = load_file(str(Path(reference.adapter_dir) / "adapter_model.safetensors"))
    assert got.keys() == want.keys() and all(torch_equal(got[k], want[k]) for k in want)


def torch_equal(a, b) -> bool:
    import torch

    return bool(torch.allclose(a, b, atol=1e-6))


def test_peak_memory_is_recorded(tiny_run):
    out = run_finetune(_inp(tiny_run, "peak", training=replace(QUICK, max_steps=2)))
    m = json.loads(Path(out.metrics_path).read_text())
    assert out.peak_rss_bytes == m["peak_rss_bytes"] and m["peak_rss_bytes"] > 50 * 2**20  # torch alone is more
    assert m["peak_rss_since"] in ("activity start", "process start") and "peak_cuda_bytes" in m


def test_bf16_mixed_precision_trains_in_bfloat16(tiny_run, reference, monkeypatch):
    """mixed_precision bf16 runs the matmuls in bfloat16 (the loss differs a little from float32's) and
    still learns, here with length-grouped batches and eager attention too; the adapter it saves stays float32,
    and the merged model is the float32 base plus the adapter. (On a CPU without native bf16 the stage would
    refuse it, test_precision_resolves_to_what_the_device_does_natively: the tiny model's emulated steps are
    cheap enough to check the arithmetic anywhere.)"""
    import torch
    from safetensors.torch import load_file
    from transformers import AutoModelForCausalLM

    from activities import modelio
    from activities.data import collate, load_examples
    from activities.modelio import load_tokenizer
    from activities.trainloop import loss_sum

    monkeypatch.setattr(modelio, "native_bf16", lambda device: True)
    tok = load_tokenizer(tiny_run["model_path"], tiny_model_config())
    ex, _ = load_examples(tiny_run["train"], tok, "text", 256, "train")
    model = AutoModelForCausalLM.from_pretrained(tiny_run["model_path"]).eval()
    batch = collate(ex[:4], tok.pad_token_id)
    with torch.no_grad():
        full, n = loss_sum(model, batch, "cpu", True, "no")
        half, _ = loss_sum(model, batch, "cpu", True, "bf16")
    assert float(full) != float(half) and abs(float(full) - float(half)) / float(full) < 0.05

    training = replace(QUICK, mixed_precision="bf16", group_by_length=True, attn_implementation="eager", merge_adapter=True)
    out = run_finetune(_inp(tiny_run, "bf16", training=training))
    m = json.loads(Path(out.metrics_path).read_text())
    assert m["train_loss_curve"][-1]["loss"] < m["train_loss_curve"][0]["loss"]
    assert abs(out.eval_loss - reference.eval_loss) / reference.eval_loss < 0.25
    assert "attention=eager" in Path(out.log_path).read_text()
    weights = load_file(str(Path(out.adapter_dir) / "adapter_model.safetensors"))
    assert weights and all(t.dtype == torch.float32 for t in weights.values())
    # trained over bfloat16 frozen weights, merged into the float32 base: the same as merging the adapter later
    from peft import PeftModel

    merged = load_file(str(Path(out.merged_dir) / "model.safetensors"))
    fresh = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny_run["model_path"]), out.adapter_dir)
    expected = fresh.merge_and_unload().state_dict()
    assert all(t.dtype == torch.float32 for t in merged.values())
    assert all(torch.equal(t, expected[k]) for k, t in merged.items())


def test_precision_resolves_to_what_the_device_does_natively(tiny_run, monkeypatch):
    """auto trains in bf16 where bfloat16 is native and in float32 elsewhere, and the log says which; an explicit
    bf16 where it is not native is refused (InvalidSpec) before any step."""
    from activities import modelio
    from activities.errors import InvalidSpec
    from activities.modelio import resolve_precision

    for native, expected in ((True, "bf16"), (False, "no")):
        monkeypatch.setattr(modelio, "native_bf16", lambda device, native=native: native)
        assert resolve_precision("auto", "cpu") == expected
        assert resolve_precision("no", "cpu") == "no"
    with pytest.raises(InvalidSpec, match="training.mixed_precision is bf16.*use auto"):
        resolve_precision("bf16", "cpu")
    training = replace(QUICK, mixed_precision="auto", max_steps=2)
    out = run_finetune(_inp(tiny_run, "auto", training=training))
    assert "precision=no (auto)" in Path(out.log_path).read_text()
    with pytest.raises(InvalidSpec):
        run_finetune(_inp(tiny_run, "bf16-refused", training=replace(training, mixed_precision="bf16")))


def test_last_layers_adapts_only_the_top_layers_and_merges(tiny_run):
    """lora_last_layers=1: LoRA weights only in the last layer, the model still learns, and the merged model
    differs from the base there alone (besides the tiny model's fully trained embeddings and head)."""
    import torch
    from safetensors.torch import load_file
    from transformers import AutoModelForCausalLM

    out = run_finetune(_inp(tiny_run, "last1", training=replace(QUICK, merge_adapter=True),
                            lora=replace(TINY_LORA, lora_last_layers=1)))
    weights = load_file(str(Path(out.adapter_dir) / "adapter_model.safetensors"))
    lora_keys = [k for k in weights if "lora_" in k]
    assert lora_keys and all(".layers.1." in k for k in lora_keys), lora_keys[:4]
    m = json.loads(Path(out.metrics_path).read_text())
    assert m["train_loss_curve"][-1]["loss"] < m["train_loss_curve"][0]["loss"]
    base = AutoModelForCausalLM.from_pretrained(tiny_run["model_path"]).state_dict()
    merged = load_file(str(Path(out.merged_dir) / "model.safetensors"))
    changed = {k for k, t in merged.items() if not torch.equal(t, base[k]) and ".layers." in k}
    assert changed and all(".layers.1." in k for k in changed), sorted(changed)


def test_store_frozen_bf16_casts_only_the_targeted_weights(tiny_run):
    import torch
    from transformers import AutoModelForCausalLM

    from activities.lora import resolve_targets, store_frozen_bf16

    model = AutoModelForCausalLM.from_pretrained(tiny_run["model_path"])
    _, targets = resolve_targets(model, TINY_LORA)
    cast = store_frozen_bf16(model, targets)
    targeted = {n for n, _ in model.named_modules() if n.rsplit(".", 1)[-1] in targets}
    assert cast == len(targeted) > 0
    for name, p in model.named_parameters():
        module = name.rsplit(".", 1)[0]
        assert p.dtype == (torch.bfloat16 if module in targeted and name.endswith("weight") else torch.float32), name


def test_group_by_length_batches_pad_less_and_cover_every_example_once():
    """group_by_length: each example once per epoch, the same batches for the same (seed, epoch), new ones the
    next epoch, and far less padding than random micro-batches."""
    import random

    from activities.data import micro_batches

    rng = random.Random(0)
    lengths = [rng.randint(15, 110) for _ in range(413)]

    def padded(batches: list[list[int]]) -> int:
        return sum(max(lengths[i] for i in b) * len(b) for b in batches)

    grouped = micro_batches(len(lengths), 8, 42, 0, lengths)
    assert sorted(i for b in grouped for i in b) == list(range(len(lengths)))
    assert grouped == micro_batches(len(lengths), 8, 42, 0, lengths)
    assert grouped != micro_batches(len(lengths), 8, 42, 1, lengths)
    plain = micro_batches(len(lengths), 8, 42, 0)
    assert padded(grouped) < 0.8 * padded(plain)
    assert padded(grouped) - sum(lengths) < 0.15 * sum(lengths)
