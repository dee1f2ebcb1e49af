"""Checkpoint state is loaded with torch.load(weights_only=True): a planted pickle in a checkpoint is
refused without running, and the attempt starts afresh instead of trusting the checkpoint."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from conftest import TINY_LORA, TINY_TRAINING, tiny_model_config

from activities import checkpoint as ck
from activities.contracts import FinetuneInput
from activities.finetune import run_finetune


class Payload:
    """Unpickling this calls open(marker, 'w'): proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def _inp(tiny_run, attempt: str, **training) -> FinetuneInput:
    cfg = replace(TINY_TRAINING, max_steps=4, save_steps=2, validation_frequency=2, early_stopping_patience=0, **training)
    return FinetuneInput(run_dir=tiny_run["run_dir"], attempt_dir=os.path.join(tiny_run["run_dir"], attempt),
                         model_path=tiny_run["model_path"], model=tiny_model_config(), lora=TINY_LORA, training=cfg,
                         train_path=tiny_run["train"], val_path=tiny_run["val"])


def test_read_checkpoint_refuses_a_planted_pickle(tmp_path):
    lin = torch.nn.Linear(2, 2)
    opt = torch.optim.AdamW(lin.parameters())
    lin(torch.ones(1, 2)).sum().backward()
    opt.step()
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1.0)
    from safetensors.torch import save_file

    ckpt = tmp_path / "step-2"
    (ckpt / "adapter").mkdir(parents=True)
    save_file({"w": torch.zeros(1)}, str(ckpt / "adapter" / "adapter_model.safetensors"))
    torch.save(opt.state_dict(), ckpt / "optimizer.pt")
    torch.save(sched.state_dict(), ckpt / "scheduler.pt")
    torch.save(ck.rng_state(), ckpt / "rng.pt")
    (ckpt / ck.STATE).write_text('{"step": 2}')
    files = ck.read_checkpoint(ckpt)  # what tooltune itself writes loads under weights_only=True
    assert files["state"] == {"step": 2} and "state" in files["optimizer"] and files["rng"]["python"][0] == 3

    marker = tmp_path / "pwned"
    for name in ("optimizer.pt", "scheduler.pt", "rng.pt"):
        good = (ckpt / name).read_bytes()
        torch.save({"state": Payload(marker)}, ckpt / name)
        with pytest.raises(ck.CheckpointUnreadable, match=name.split(".")[0]):
            ck.read_checkpoint(ckpt)
        assert not marker.exists(), f"unpickling {name} ran code"
        (ckpt / name).write_bytes(good)


def test_finetune_starts_afresh_from_a_tampered_checkpoint(tiny_run):
    first = run_finetune(_inp(tiny_run, "tamper"))
    ckpts = ck.list_checkpoints(Path(first.adapter_dir).parent / "checkpoints")
    assert ckpts, "expected a checkpoint to tamper with"
    marker = Path(tiny_run["run_dir"]) / "pwned"
    torch.save({"state": Payload(marker)}, ckpts[-1] / "optimizer.pt")
    again = run_finetune(_inp(tiny_run, "tamper"))
    assert not marker.exists()
    assert again.resumed_from_step == 0 and again.optimizer_steps == first.optimizer_steps
    assert again.eval_loss == pytest.approx(first.eval_loss, abs=1e-5)
    assert "checkpoint unreadable, starting afresh" in Path(again.log_path).read_text()
