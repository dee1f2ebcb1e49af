"""Stage finetune: durable LoRA/QLoRA training with eval, early stopping, checkpoints and resume."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, Callable

from temporalio import activity

from . import checkpoint as ck
from . import memory_peak, outputs
from .contracts import FinetuneInput, FinetuneOutput, TrainingConfig
from .data import load_examples, longest_answer
from .errors import InvalidSpec, OutOfMemory, is_oom
from .fault_hooks import FAKE_OOM_ENV, FaultHooks, TestHookError, read_hooks
from .heartbeat import Heartbeater, beat, cancelled, in_activity
from .lora import num_decoder_layers, peft_config, resolve_targets, store_frozen_bf16
from .modelio import load_model, load_tokenizer, resolve_device, resolve_precision
from .paths import atomic_write_json, inside, require_run_dir
from .trainloop import Hooks, LoopState, Trainer, state_dict, total_steps



def check_training(t: TrainingConfig, record_format: str) -> None:
    """Reject settings no run can use (InvalidSpec)."""
    bad = {k: v for k, v in {
        "per_device_train_batch_size": t.per_device_train_batch_size, "gradient_accumulation_steps": t.gradient_accumulation_steps,
        "max_seq_length": t.max_seq_length, "learning_rate": t.learning_rate,
    }.items() if not v or v <= 0}
    if t.max_steps is None and t.num_train_epochs <= 0:
        bad["num_train_epochs"] = t.num_train_epochs
    if record_format not in ("text", "chat"):
        bad["record_format"] = record_format
    if bad:
        raise InvalidSpec(f"invalid training settings: {bad}", bad)


def oom_error(t: TrainingConfig, why: str) -> OutOfMemory:
    """The typed OOM the workflow's remediation branch reacts to."""
    return OutOfMemory(f"out of memory during finetune ({why})", {
        "per_device_train_batch_size": t.per_device_train_batch_size,
        "gradient_accumulation_steps": t.gradient_accumulation_steps, "max_seq_length": t.max_seq_length})


def fake_oom(t: TrainingConfig) -> None:
    """Test hook (only with TOOLTUNE_TEST_HOOKS=1): TOOLTUNE_FAKE_OOM_ABOVE_BATCH=N raises OutOfMemory
    when the batch size exceeds N."""
    limit = active_hooks().fake_oom_above_batch
    if limit is not None and t.per_device_train_batch_size > limit:
        raise oom_error(t, f"simulated by {FAKE_OOM_ENV}={limit}")


def fingerprint(inp: FinetuneInput, n_train: int, n_val: int) -> str:
    """Identity of a run: a checkpoint from different settings/data is never resumed."""
    doc = {"training": asdict(inp.training), "lora": asdict(inp.lora), "model_path": inp.model_path,
           "n_train": n_train, "n_val": n_val, "format": inp.record_format}
    doc["training"].pop("merge_adapter", None)
    if doc["lora"].get("lora_last_layers") is None:  # as before the field existed: older checkpoints still resume
        doc["lora"].pop("lora_last_layers", None)
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()[:16]


def active_hooks() -> FaultHooks:
    """The fault hooks in force; a bad value fails the activity (non-retryably) naming the variable."""
    try:
        return read_hooks()
    except TestHookError as e:
        raise InvalidSpec(str(e), {}) from None


class RunLog:
    """Appends timestamped lines to attempt_dir/training.log (kept across retries)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self, line: str) -> None:
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {line}\n")


def _heartbeat_details() -> list[Any]:
    return list(activity.info().heartbeat_details) if in_activity() else []


def run_finetune(inp: FinetuneInput) -> FinetuneOutput:
    """Finetune logic; heartbeats/cancellation are live only inside an activity."""
    t_start = time.time()
    require_run_dir(inp.run_dir)
    attempt = inside(inp.run_dir, inp.attempt_dir, "attempt_dir")
    for what in ("train_path", "val_path"):  # inputs are the run's own files: read nothing outside run_dir
        inside(inp.run_dir, getattr(inp, what), what)
    attempt.mkdir(parents=True, exist_ok=True)
    cfg = inp.training
    check_training(cfg, inp.record_format)
    fake_oom(cfg)
    peak_reset = memory_peak.reset_peaks()
    device, use_4bit = resolve_device(inp.model)
    log = RunLog(attempt / "training.log")
    hb: dict[str, Any] = {"step": 0, "epoch": 0.0, "loss": None, "eval_loss": None, "checkpoint": None,
                          "total_steps": None, "resumed_from_step": 0, "train_s": 0.0}
    with Heartbeater(lambda: dict(hb)):
        try:
            return _train(inp, attempt, device, use_4bit, hb, log, t_start, peak_reset)
        except Exception as e:  # noqa: BLE001 - OOM is re-typed, everything else passes through
            if is_oom(e):
                _free_cuda()
                raise oom_error(cfg, type(e).__name__) from None
            raise


def _free_cuda() -> None:
    import torch

    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def _train(inp: FinetuneInput, attempt: Path, device: str, use_4bit: bool, hb: dict[str, Any], log: RunLog,
           t_start: float, peak_reset: bool) -> FinetuneOutput:
    import torch
    from peft import get_peft_model, prepare_model_for_kbit_training
    from transformers import get_scheduler

    cfg = replace(inp.training, mixed_precision=resolve_precision(inp.training.mixed_precision, device))
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    tok = load_tokenizer(inp.model_path, inp.model)
    train, tr_trunc = load_examples(inp.train_path, tok, inp.record_format, cfg.max_seq_length, "train_path")
    val, va_trunc = load_examples(inp.val_path, tok, inp.record_format, cfg.max_seq_length, "val_path")
    longest = longest_answer(train, val)
    log(f"start device={device} 4bit={use_4bit} train={len(train)} val={len(val)} truncated={tr_trunc}+{va_trunc} "
        f"longest_answer={longest} attention={cfg.attn_implementation} precision={cfg.mixed_precision}"
        + (" (auto)" if inp.training.mixed_precision == "auto" else ""))
    model = load_model(inp.model_path, inp.model, device, use_4bit, cfg.attn_implementation)
    if use_4bit:
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=cfg.gradient_checkpointing)
    elif cfg.gradient_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    _, targets = resolve_targets(model, inp.lora)
    frozen_bf16 = store_frozen_bf16(model, targets) if cfg.mixed_precision == "bf16" and not use_4bit else 0
    torch.manual_seed(cfg.seed)  # LoRA init draws from torch's RNG
    model = get_peft_model(model, peft_config(inp.lora, targets, num_decoder_layers(model)))
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.learning_rate, weight_decay=cfg.weight_decay)
    per_epoch, total = total_steps(cfg, len(train))
    sched = get_scheduler(cfg.lr_scheduler_type, opt, num_warmup_steps=int(cfg.warmup_ratio * total), num_training_steps=total)
    fp = fingerprint(inp, len(train), len(val))
    st, resumed_from = LoopState(fingerprint=fp), 0
    ckpt_root = attempt / "checkpoints"
    resume = ck.find_resume(ckpt_root, _heartbeat_details(), fp)
    if resume is not None:
        try:
            st = LoopState(**ck.load_checkpoint(resume, model, opt, sched))
        except ck.CheckpointUnreadable as e:  # never trusted: this attempt starts afresh below
            log(f"checkpoint unreadable, starting afresh: {e}")
            resume = None
    if resume is not None:
        resumed_from = st.step
        outputs.prune_best(attempt, set(), above=st.step)
        hb.update(step=st.step, checkpoint=str(resume), resumed_from_step=st.step)
        log(f"resumed from {resume} at step {st.step} (epoch {st.epoch}, micro-batch {st.micro})")
    else:  # fresh start: leftovers of other settings must never be resumed or returned
        for stale in (ckpt_root, attempt / outputs.BEST):
            shutil.rmtree(stale, ignore_errors=True)

    hb.update(total_steps=total)
    loop_start = time.perf_counter()

    def on_micro(s: LoopState) -> None:
        """Refresh the heartbeat details after every micro-batch (the CLI's progress bar reads them)."""
        hb.update(step=s.step, epoch=round(s.step / per_epoch, 4), train_s=round(time.perf_counter() - loop_start, 2),
                  loss=outputs.finite(s.train_curve[-1]["loss"]) if s.train_curve else None,
                  eval_loss=outputs.finite(s.eval_curve[-1]["eval_loss"]) if s.eval_curve else None)
        beat(dict(hb))

    def save_checkpoint(s: LoopState) -> None:
        """Write checkpoints/step-N, prune old best snapshots, and name it in the heartbeat."""
        with _shield():
            path = ck.save_checkpoint(ckpt_root, s.step, model, opt, sched, state_dict(s))
            kept = [json.loads((c / ck.STATE).read_text())["best_step"] for c in ck.list_checkpoints(ckpt_root)]
            outputs.prune_best(attempt, set(kept) | {s.best_step})
        hb.update(checkpoint=str(path))
        beat(dict(hb))
        log(f"checkpoint {path}")

    def save_best(s: LoopState) -> None:
        """Snapshot the adapter of a new best eval."""
        with _shield():
            outputs.save_best(attempt, s.step, model)

    trainer = Trainer(model, opt, sched, cfg, train, val, tok.pad_token_id, device,
                      Hooks(on_micro, save_checkpoint, save_best, log), cancelled)
    st = trainer.run(st)
    best, adapter_step = _kept_adapter(attempt, st, model, cfg.load_best_model_at_end, log)
    adapter_dir = outputs.publish_adapter(best, attempt / "adapter", tok)
    merged_dir = None
    if cfg.merge_adapter:
        # a 4-bit base, or bf16 frozen weights, must not be what the adapter is merged into
        reload = use_4bit or frozen_bf16 > 0
        base_loader = (lambda: load_model(inp.model_path, _unquantized(inp), device, False)) if reload else None
        merged_dir = str(outputs.merge(model, tok, attempt / "merged", base_loader, adapter_dir))
    tps = trainer.tokens_this_attempt / trainer.train_time if trainer.train_time > 0 else 0.0
    wall = time.time() - t_start
    memory = {"peak_rss_bytes": memory_peak.peak_rss_bytes(), "peak_rss_since": "activity start" if peak_reset else "process start",
              "peak_cuda_bytes": memory_peak.peak_cuda_bytes()}
    doc = outputs.metrics(st, trainer.per_epoch, tr_trunc + va_trunc, tps, wall, resumed_from, trainer.total, memory)
    doc["longest_answer_tokens"] = longest
    doc["adapter_step"] = adapter_step
    doc["machine"] = outputs.describe_machine(device)
    atomic_write_json(attempt / "metrics.json", doc)
    log(f"done steps={st.step} best_step={st.best_step} eval_loss={doc['eval_loss']} early={st.stopped_early} tok/s={tps:.0f}")
    return FinetuneOutput(
        adapter_dir=str(adapter_dir), merged_dir=merged_dir, metrics_path=str(attempt / "metrics.json"),
        log_path=str(attempt / "training.log"), optimizer_steps=st.step, best_step=st.best_step,
        best_checkpoint=str(best), eval_loss=doc["eval_loss"], eval_perplexity=doc["eval_perplexity"],
        train_loss=doc["train_loss"], epochs_done=doc["epochs_done"], resumed_from_step=resumed_from,
        truncated_examples=tr_trunc + va_trunc, tokens_per_second=tps, wall_time_s=wall, stopped_early=st.stopped_early,
        peak_rss_bytes=memory["peak_rss_bytes"])


def _kept_adapter(attempt: Path, st: LoopState, model: Any, load_best: bool, log: Callable[[str], None]) -> tuple[Path, int]:
    """(snapshot, step) the run returns: the lowest eval_loss's, loaded back into the model, or the last step's."""
    if load_best or st.step == st.best_step:
        path, step, why = outputs.best_dir(attempt, st.best_step), st.best_step, "lowest eval_loss"
        outputs.load_adapter_weights(model, path)
    else:  # the live model holds the last step's weights
        with _shield():
            path, step, why = outputs.save_best(attempt, st.step, model), st.step, "last step (load_best_model_at_end: false)"
    log(f"adapter kept: step {step}, {why}")
    return path, step


def _unquantized(inp: FinetuneInput):
    from dataclasses import replace

    return replace(inp.model, load_in_4bit=False)


def _shield():
    """Keep a cancellation from landing halfway through a checkpoint write."""
    import contextlib

    return activity.shield_thread_cancel_exception() if in_activity() else contextlib.nullcontext()


@activity.defn(name="finetune")
def finetune(inp: FinetuneInput) -> FinetuneOutput:
    """Activity: train, heartbeat {step, epoch, loss, eval_loss, checkpoint, total_steps, resumed_from_step,
    train_s}, resume after a crash."""
    out = run_finetune(inp)
    activity.logger.info("finetune done: %s steps, eval_loss %.4f", out.optimizer_steps, out.eval_loss)
    return out
