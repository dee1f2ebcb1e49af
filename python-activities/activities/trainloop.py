"""Compact, resumable LoRA training loop: token-weighted accumulation, eval, early stopping, checkpoints.

Why not transformers.Trainer: the activity needs (a) heartbeats and cancellation checks between
micro-batches, (b) checkpoints whose exact contents (incl. data position and early-stopping state)
we control, resumed from a path in Temporal's heartbeat details, and (c) logits computed only at
completion positions (a 262k-vocab head over prompt tokens is most of the cost for Gemma).
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Optional

from .contracts import TrainingConfig
from .data import IGNORE, Encoded, collate, micro_batches
from .fault_hooks import read_hooks
from .modelio import accepts_logits_to_keep

MIN_DELTA = 1e-4  # an eval counts as an improvement only if it beats the best by more than this


@dataclass
class LoopState:
    """Everything besides tensors that a checkpoint must restore to continue the same run."""

    step: int = 0
    epoch: int = 0
    micro: int = 0
    best_eval_loss: Optional[float] = None
    best_step: int = 0
    bad_evals: int = 0
    last_eval_step: int = -1
    stopped_early: bool = False
    tokens: int = 0
    train_curve: list[dict[str, Any]] = field(default_factory=list)
    eval_curve: list[dict[str, Any]] = field(default_factory=list)
    fingerprint: str = ""


@dataclass
class Hooks:
    """Callbacks into the activity: progress/heartbeat, cancellation, checkpoint and best-adapter saves."""

    on_micro: Callable[[LoopState], None]
    save_checkpoint: Callable[[LoopState], None]
    save_best: Callable[[LoopState], None]
    log: Callable[[str], None]


def compute_precision(device: str, mixed_precision: str) -> Any:
    """The context a forward pass runs in: torch.autocast to bfloat16 for mixed_precision 'bf16', else nothing."""
    import contextlib

    import torch

    if mixed_precision == "bf16":
        return torch.autocast(device_type="cuda" if device.startswith("cuda") else "cpu", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def loss_sum(model: Any, batch: dict[str, Any], device: str, keep_ok: bool, mixed_precision: str = "no") -> tuple[Any, int]:
    """(summed token cross-entropy over completion tokens, token count); logits only where labels are."""
    import torch.nn.functional as F

    ids, mask = batch["input_ids"].to(device), batch["attention_mask"].to(device)
    target = batch["labels"][:, 1:].to(device)
    pos = (target != IGNORE).any(0).nonzero().squeeze(1)
    with compute_precision(device, mixed_precision):
        if keep_ok:
            logits = model(input_ids=ids, attention_mask=mask, logits_to_keep=pos, use_cache=False).logits
        else:
            logits = model(input_ids=ids, attention_mask=mask, use_cache=False).logits[:, pos]
    tgt = target[:, pos]
    loss = F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), tgt.reshape(-1), ignore_index=IGNORE, reduction="sum")
    return loss, int((tgt != IGNORE).sum())


def evaluate(model: Any, examples: list[Encoded], pad_id: int, batch_size: int, device: str, keep_ok: bool,
             mixed_precision: str = "no") -> float:
    """Token-level mean loss on the validation examples."""
    import torch

    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(examples), batch_size):
            s, n = loss_sum(model, collate(examples[i:i + batch_size], pad_id), device, keep_ok, mixed_precision)
            total, count = total + float(s), count + n
    model.train()
    return total / max(count, 1)


def total_steps(cfg: TrainingConfig, n_train: int) -> tuple[int, int]:
    """(optimizer steps per epoch, total optimizer steps) for this config and data size."""
    n_micro = math.ceil(n_train / cfg.per_device_train_batch_size)
    per_epoch = math.ceil(n_micro / cfg.gradient_accumulation_steps)
    total = cfg.max_steps if cfg.max_steps else math.ceil(cfg.num_train_epochs * per_epoch)
    return per_epoch, max(1, total)


class Trainer:
    """Runs the loop over (model, optimizer, scheduler) from a LoopState, calling Hooks."""

    def __init__(self, model: Any, optimizer: Any, scheduler: Any, cfg: TrainingConfig, train: list[Encoded],
                 val: list[Encoded], pad_id: int, device: str, hooks: Hooks, cancelled: Callable[[], bool]) -> None:
        self.model, self.opt, self.sched, self.cfg = model, optimizer, scheduler, cfg
        self.train, self.val, self.pad_id, self.device = train, val, pad_id, device
        self.hooks, self.cancelled = hooks, cancelled
        self.keep_ok = accepts_logits_to_keep(model)
        self.lengths = [len(e.input_ids) for e in train] if cfg.group_by_length else None  # for length-grouped batches
        self.per_epoch, self.total = total_steps(cfg, len(train))
        self.step_delay = read_hooks().step_delay_s  # test hook, off unless TOOLTUNE_TEST_HOOKS=1
        self.train_time = 0.0
        self.tokens_this_attempt = 0

    def _check_cancel(self) -> None:
        if self.cancelled():
            from temporalio.exceptions import CancelledError

            raise CancelledError("finetune cancelled")

    def _eval(self, st: LoopState) -> None:
        loss = evaluate(self.model, self.val, self.pad_id, max(1, self.cfg.per_device_train_batch_size), self.device, self.keep_ok,
                        self.cfg.mixed_precision)
        st.last_eval_step = st.step
        ppl = math.exp(min(loss, 50.0))
        st.eval_curve.append({"step": st.step, "epoch": round(st.step / self.per_epoch, 4), "eval_loss": loss, "eval_perplexity": ppl})
        if st.best_eval_loss is None or loss < st.best_eval_loss - MIN_DELTA:
            st.best_eval_loss, st.best_step, st.bad_evals = loss, st.step, 0
            self.hooks.save_best(st)
        else:
            st.bad_evals += 1
            if 0 < self.cfg.early_stopping_patience <= st.bad_evals:
                st.stopped_early = True
        self.hooks.log(f"eval step={st.step} eval_loss={loss:.4f} ppl={ppl:.3f} best_step={st.best_step} bad={st.bad_evals}")

    def _optimizer_step(self, st: LoopState, group: list[list[int]]) -> None:
        import torch

        t0 = time.perf_counter()
        batches = [collate([self.train[i] for i in idx], self.pad_id) for idx in group]
        n_tok = sum(int((b["labels"][:, 1:] != IGNORE).sum()) for b in batches)
        loss_total = 0.0
        for b in batches:
            self._check_cancel()
            s, _ = loss_sum(self.model, b, self.device, self.keep_ok, self.cfg.mixed_precision)
            (s / max(n_tok, 1)).backward()
            loss_total += float(s.detach())
            used = int(b["attention_mask"].sum())
            st.tokens += used
            self.tokens_this_attempt += used
            st.micro += 1
            self.hooks.on_micro(st)
        params = [p for p in self.model.parameters() if p.requires_grad]
        if self.cfg.max_grad_norm and self.cfg.max_grad_norm > 0:
            torch.nn.utils.clip_grad_norm_(params, self.cfg.max_grad_norm)
        self.opt.step()
        self.sched.step()
        self.opt.zero_grad(set_to_none=True)
        st.step += 1
        loss = loss_total / max(n_tok, 1)
        st.train_curve.append({"step": st.step, "epoch": round(st.step / self.per_epoch, 4), "loss": loss,
                               "learning_rate": self.sched.get_last_lr()[0]})
        if self.step_delay:
            time.sleep(self.step_delay)  # test hook only: makes the crash-resume test's timing robust
        self.train_time += time.perf_counter() - t0

    def run(self, st: LoopState) -> LoopState:
        """Train until total steps or early stop; returns the final state."""
        self.model.train()
        ga = self.cfg.gradient_accumulation_steps
        while st.step < self.total and not st.stopped_early:
            mbs = micro_batches(len(self.train), self.cfg.per_device_train_batch_size, self.cfg.seed, st.epoch, self.lengths)
            while st.micro < len(mbs) and st.step < self.total and not st.stopped_early:
                self._optimizer_step(st, mbs[st.micro:st.micro + ga])
                last = st.train_curve[-1]
                self.hooks.log(f"step={st.step}/{self.total} epoch={last['epoch']} loss={last['loss']:.4f} lr={last['learning_rate']:.3g}")
                if self.cfg.validation_frequency > 0 and st.step % self.cfg.validation_frequency == 0:
                    self._eval(st)
                if self.cfg.save_steps > 0 and st.step % self.cfg.save_steps == 0 and st.step < self.total:
                    self.hooks.save_checkpoint(st)
            if st.micro >= len(mbs):  # epoch finished: evaluate once more unless just done
                if st.last_eval_step != st.step and not st.stopped_early:
                    self._eval(st)
                st.epoch, st.micro = st.epoch + 1, 0
        if st.last_eval_step != st.step:
            self._eval(st)
        return st


def state_dict(st: LoopState) -> dict[str, Any]:
    """JSON-able LoopState."""
    return asdict(st)
