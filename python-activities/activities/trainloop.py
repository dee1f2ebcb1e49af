"""Compact, resumable LoRA training loop: token-weighted accumulation, eval, early stopping, checkpoints.

Why not transformers.Trainer: the activity needs (a) heartbeats and cancellation checks between
micro-batches, (b) checkpoints whose exact contents (incl. data position and early-stopping state)
we control, resumed from a path in Temporal's heartbeat details, and (c) logits computed only at
completion positions (a 262k-vocab head over prompt tokens is most of the cost for Gemma).
"""

from __future__ import annotations

import math
import time
from collections import Counter
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
    # hard_example_fraction < 1: the examples this epoch trains on (empty: all), and each example's loss relative to
    # its micro-batch's this epoch (-1: not seen yet), from which the next epoch's examples are chosen.
    epoch_examples: list[int] = field(default_factory=list)
    relative_loss: list[float] = field(default_factory=list)


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


def loss_sum(model: Any, batch: dict[str, Any], device: str, keep_ok: bool, mixed_precision: str = "no",
             per_row: Optional[list[float]] = None) -> tuple[Any, int]:
    """(summed token cross-entropy over completion tokens, token count); logits only where labels are. With
    `per_row`, each row's mean token loss is appended to it (the gradients are the same either way)."""
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
    flat = logits.float().reshape(-1, logits.shape[-1])
    if per_row is None:
        return F.cross_entropy(flat, tgt.reshape(-1), ignore_index=IGNORE, reduction="sum"), int((tgt != IGNORE).sum())
    tokens = F.cross_entropy(flat, tgt.reshape(-1), ignore_index=IGNORE, reduction="none").reshape(tgt.shape)
    counts = (tgt != IGNORE).sum(1)
    per_row.extend((tokens.detach().sum(1) / counts.clamp(min=1)).tolist())
    return tokens.sum(), int(counts.sum())


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


def later_epoch_size(cfg: TrainingConfig, kinds: list[str]) -> int:
    """How many examples each epoch after the first trains on: hard_example_fraction of each kind, at least one."""
    if cfg.hard_example_fraction >= 1:
        return len(kinds)
    return sum(keep_of(cfg.hard_example_fraction, n) for n in Counter(kinds).values())


def keep_of(fraction: float, n: int) -> int:
    """Examples kept of a kind with n of them."""
    return max(1, min(n, round(fraction * n)))


def steps_for(cfg: TrainingConfig, n_examples: int) -> int:
    """Optimizer steps of one epoch over n_examples."""
    return math.ceil(math.ceil(n_examples / cfg.per_device_train_batch_size) / cfg.gradient_accumulation_steps)


def total_steps(cfg: TrainingConfig, n_train: int, later_size: Optional[int] = None) -> tuple[int, int]:
    """(optimizer steps of the first epoch, total optimizer steps) for this config and data size; later_size: the
    examples of each later epoch (later_epoch_size), n_train when omitted."""
    per_epoch = steps_for(cfg, n_train)
    later = steps_for(cfg, n_train if later_size is None else later_size)
    epochs = cfg.num_train_epochs
    total = cfg.max_steps if cfg.max_steps else math.ceil(min(epochs, 1) * per_epoch + max(epochs - 1, 0) * later)
    return per_epoch, max(1, total)


def hardest_examples(relative_loss: list[float], kinds: list[str], fraction: float) -> list[int]:
    """Within each kind, the share `fraction` of its examples with the highest loss relative to their micro-batch
    (unseen ones first, ties by index), in index order. Per kind, because answers differ in how low their loss can
    go: prose answers stay far above tool calls, and a ranking across kinds would fill the epoch with them."""
    chosen: list[int] = []
    for kind, n in Counter(kinds).items():
        members = [i for i, k in enumerate(kinds) if k == kind]
        members.sort(key=lambda i: (-(math.inf if relative_loss[i] < 0 else relative_loss[i]), i))
        chosen += members[:keep_of(fraction, n)]
    return sorted(chosen)


class Trainer:
    """Runs the loop over (model, optimizer, scheduler) from a LoopState, calling Hooks."""

    def __init__(self, model: Any, optimizer: Any, scheduler: Any, cfg: TrainingConfig, train: list[Encoded],
                 val: list[Encoded], pad_id: int, device: str, hooks: Hooks, cancelled: Callable[[], bool]) -> None:
        self.model, self.opt, self.sched, self.cfg = model, optimizer, scheduler, cfg
        self.train, self.val, self.pad_id, self.device = train, val, pad_id, device
        self.hooks, self.cancelled = hooks, cancelled
        self.keep_ok = accepts_logits_to_keep(model)
        self.lengths = [len(e.input_ids) for e in train] if cfg.group_by_length else None  # for length-grouped batches
        self.kinds = [e.kind for e in train]
        self.later_size = later_epoch_size(cfg, self.kinds)
        self.per_epoch, self.total = total_steps(cfg, len(train), self.later_size)
        self.selects = cfg.hard_example_fraction < 1  # later epochs train on the hardest examples only
        self.epoch_micro = 1
        # optimizer steps of the last epoch (metrics.json's train_loss averages over them)
        self.last_epoch_steps = steps_for(cfg, self.later_size) if cfg.num_train_epochs > 1 else self.per_epoch
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
        st.eval_curve.append({"step": st.step, "epoch": self._epochs_done(st), "eval_loss": loss, "eval_perplexity": ppl})
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
        for idx, b in zip(group, batches):
            self._check_cancel()
            rows: Optional[list[float]] = [] if self.selects else None
            s, k = loss_sum(self.model, b, self.device, self.keep_ok, self.cfg.mixed_precision, rows)
            (s / max(n_tok, 1)).backward()
            loss_total += float(s.detach())
            if rows is not None:  # each example's loss against its micro-batch's mean
                mean = float(s.detach()) / max(k, 1)
                for i, r in zip(idx, rows):
                    st.relative_loss[i] = r / mean if mean > 0 else 0.0
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
        st.train_curve.append({"step": st.step, "epoch": self._epochs_done(st), "loss": loss,
                               "learning_rate": self.sched.get_last_lr()[0]})
        if self.step_delay:
            time.sleep(self.step_delay)  # test hook only: makes the crash-resume test's timing robust
        self.train_time += time.perf_counter() - t0

    def _epochs_done(self, st: LoopState) -> float:
        """Epochs trained so far; epochs after the first are shorter when they keep only the hardest examples."""
        if not self.selects:
            return round(st.step / self.per_epoch, 4)
        return round(st.epoch + st.micro / max(1, self.epoch_micro), 4)

    def _epoch_batches(self, st: LoopState) -> list[list[int]]:
        """This epoch's micro-batches as indices into the training examples (all, or the chosen hardest ones)."""
        bs, seed = self.cfg.per_device_train_batch_size, self.cfg.seed
        if not st.epoch_examples:
            return micro_batches(len(self.train), bs, seed, st.epoch, self.lengths)
        chosen = st.epoch_examples
        lengths = [self.lengths[i] for i in chosen] if self.lengths else None
        return [[chosen[j] for j in mb] for mb in micro_batches(len(chosen), bs, seed, st.epoch, lengths)]

    def run(self, st: LoopState) -> LoopState:
        """Train until total steps or early stop; returns the final state."""
        self.model.train()
        ga = self.cfg.gradient_accumulation_steps
        if self.selects and len(st.relative_loss) != len(self.train):
            st.relative_loss = [-1.0] * len(self.train)
        while st.step < self.total and not st.stopped_early:
            mbs = self._epoch_batches(st)
            self.epoch_micro = len(mbs)
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
                if self.selects:  # the next epoch: the examples this one found hardest
                    st.epoch_examples = hardest_examples(st.relative_loss, self.kinds, self.cfg.hard_example_fraction)
                    st.relative_loss = [-1.0] * len(self.train)
        if st.last_eval_step != st.step:
            self._eval(st)
        return st


def state_dict(st: LoopState) -> dict[str, Any]:
    """JSON-able LoopState."""
    return asdict(st)
