"""Atomic training checkpoints (adapter + optimizer + scheduler + RNG + loop state) and resume lookup."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path
from typing import Any, Optional

from .paths import publish_dir, tmp_dir_for

STATE = "trainer_state.json"
_STEP_RE = re.compile(r"^step-(\d+)$")


def rng_state() -> dict[str, Any]:
    """Every RNG stream training draws from (dropout uses torch's)."""
    import torch

    st: dict[str, Any] = {"python": random.getstate(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        st["cuda"] = torch.cuda.get_rng_state_all()
    return st


def set_rng_state(st: dict[str, Any]) -> None:
    """Restore rng_state() output."""
    import torch

    random.setstate(st["python"])
    torch.set_rng_state(st["torch"])
    if "cuda" in st and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(st["cuda"])


def save_checkpoint(ckpt_root: Path, step: int, model: Any, optimizer: Any, scheduler: Any,
                    state: dict[str, Any], keep: int = 2) -> Path:
    """Write checkpoints/step-N via a temp dir + rename; prune all but the newest `keep`."""
    import torch

    final = ckpt_root / f"step-{step}"
    tmp = tmp_dir_for(final)
    model.save_pretrained(str(tmp / "adapter"))
    torch.save(optimizer.state_dict(), tmp / "optimizer.pt")
    torch.save(scheduler.state_dict(), tmp / "scheduler.pt")
    torch.save(rng_state(), tmp / "rng.pt")
    (tmp / STATE).write_text(json.dumps(state, indent=1))  # written last: marks the dir complete
    publish_dir(tmp, final, replace=True)
    for old in list_checkpoints(ckpt_root)[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
    return final


def list_checkpoints(ckpt_root: Path) -> list[Path]:
    """Complete checkpoints under ckpt_root, oldest first."""
    if not ckpt_root.is_dir():
        return []
    found = []
    for d in ckpt_root.iterdir():
        m = _STEP_RE.match(d.name)
        if m and (d / STATE).is_file():
            found.append((int(m.group(1)), d))
    return [d for _, d in sorted(found)]


def step_of(ckpt: Path) -> int:
    """Optimizer step a checkpoint dir was taken at."""
    m = _STEP_RE.match(ckpt.name)
    return int(m.group(1)) if m else -1


def fingerprint_of(ckpt: Path) -> str:
    """The run fingerprint a checkpoint was written under ('' if unreadable)."""
    try:
        return str(json.loads((ckpt / STATE).read_text()).get("fingerprint", ""))
    except (OSError, ValueError):
        return ""


def find_resume(ckpt_root: Path, heartbeat_details: list[Any], fingerprint: str) -> Optional[Path]:
    """The checkpoint to resume from: the one named in the last heartbeat, or a newer complete one on
    disk (written after the last heartbeat got out); only checkpoints of the same run fingerprint."""
    named: Optional[Path] = None
    for d in reversed(heartbeat_details or []):
        path = d.get("checkpoint") if isinstance(d, dict) else None
        if path:
            p = Path(path)
            if p.parent.resolve() == ckpt_root.resolve() and (p / STATE).is_file() and fingerprint_of(p) == fingerprint:
                named = p
            break
    on_disk = [c for c in list_checkpoints(ckpt_root) if fingerprint_of(c) == fingerprint]
    newest = on_disk[-1] if on_disk else None
    if named is None or (newest is not None and step_of(newest) > step_of(named)):
        return newest
    return named


class CheckpointUnreadable(Exception):
    """A checkpoint's files cannot be read safely (truncated, tampered, or holding more than tensors
    and plain values); the caller starts the attempt afresh instead of trusting it."""


def read_checkpoint(ckpt: Path) -> dict[str, Any]:
    """Read every file of a checkpoint without applying anything: torch.load with weights_only=True
    (tensors, dicts, lists, numbers, strings only: a planted pickle cannot run code in the worker),
    adapter weights from safetensors, loop state from JSON."""
    import pickle

    import torch
    from safetensors.torch import load_file

    loaders = {
        "weights": (Path("adapter") / "adapter_model.safetensors", lambda f: load_file(str(f))),
        "optimizer": (Path("optimizer.pt"), lambda f: torch.load(f, weights_only=True)),
        "scheduler": (Path("scheduler.pt"), lambda f: torch.load(f, weights_only=True)),
        "rng": (Path("rng.pt"), lambda f: torch.load(f, weights_only=True)),
        "state": (Path(STATE), lambda f: json.loads(f.read_text())),
    }
    out: dict[str, Any] = {}
    for key, (name, load) in loaders.items():
        try:
            out[key] = load(ckpt / name)
        except (OSError, ValueError, RuntimeError, EOFError, pickle.UnpicklingError) as e:
            first = str(e).splitlines()[0] if str(e) else ""
            raise CheckpointUnreadable(f"{ckpt / name}: {type(e).__name__}: {first[:200]}") from e
    return out


def load_checkpoint(ckpt: Path, model: Any, optimizer: Any, scheduler: Any) -> dict[str, Any]:
    """Restore adapter weights, optimizer, scheduler and RNG; returns the saved loop state. Raises
    CheckpointUnreadable (and changes nothing) when a file cannot be read safely."""
    from peft.utils import set_peft_model_state_dict

    files = read_checkpoint(ckpt)
    set_peft_model_state_dict(model, files["weights"])
    optimizer.load_state_dict(files["optimizer"])
    scheduler.load_state_dict(files["scheduler"])
    set_rng_state(files["rng"])
    return files["state"]
