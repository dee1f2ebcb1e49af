"""Finetune outputs: best-adapter snapshots, the final PEFT adapter, the merged model, metrics."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Optional

from .paths import publish_dir, tmp_dir_for

BEST = "best"


def best_dir(attempt: Path, step: int) -> Path:
    """Where the adapter of the best eval at `step` is kept."""
    return attempt / BEST / f"step-{step}"


def save_best(attempt: Path, step: int, model: Any) -> Path:
    """Snapshot the current adapter as the best so far (atomic)."""
    final = best_dir(attempt, step)
    tmp = tmp_dir_for(final)
    model.save_pretrained(str(tmp))
    return publish_dir(tmp, final, replace=True)


def prune_best(attempt: Path, keep: set[int], above: Optional[int] = None) -> None:
    """Drop best snapshots not in `keep`; with `above`, drop only those newer than that step."""
    root = attempt / BEST
    if not root.is_dir():
        return
    for d in root.iterdir():
        if not d.name.startswith("step-"):
            continue
        step = int(d.name.split("-", 1)[1])
        if (above is not None and step > above) or (above is None and step not in keep):
            shutil.rmtree(d, ignore_errors=True)


def load_adapter_weights(model: Any, adapter_dir: Path) -> None:
    """Put the weights of a saved adapter into the live PEFT model."""
    from peft.utils import set_peft_model_state_dict
    from safetensors.torch import load_file

    set_peft_model_state_dict(model, load_file(str(adapter_dir / "adapter_model.safetensors")))


def publish_adapter(src: Path, final: Path, tokenizer: Any) -> Path:
    """Copy the best snapshot to the final adapter dir (PEFT format + tokenizer), atomically."""
    tmp = tmp_dir_for(final)
    shutil.rmtree(tmp)
    shutil.copytree(src, tmp)
    tokenizer.save_pretrained(str(tmp))
    return publish_dir(tmp, final, replace=True)


def merge(model: Any, tokenizer: Any, final: Path, base_loader: Optional[Any] = None, adapter_dir: Optional[Path] = None) -> Path:
    """Merge LoRA into the base weights and save a plain transformers model dir.

    With a 4-bit base (or bf16-stored frozen weights), `base_loader()` reloads the base in its own dtype and the
    adapter is applied to it, because merging into NF4 or bfloat16 weights would round the update away.
    """
    if base_loader is not None and adapter_dir is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(base_loader(), str(adapter_dir))
    merged = model.merge_and_unload()
    tmp = tmp_dir_for(final)
    merged.save_pretrained(str(tmp))
    tokenizer.save_pretrained(str(tmp))
    return publish_dir(tmp, final, replace=True)


def finite(x: Any) -> Any:
    """JSON-safe copy: NaN/inf floats (a diverged run) become None, recursively."""
    import math

    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: finite(v) for k, v in x.items()}
    if isinstance(x, list):
        return [finite(v) for v in x]
    return x


def metrics(st: Any, per_epoch: int, truncated: int, tokens_per_second: float, wall: float,
            resumed_from: int, total: int, memory: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    """The metrics.json document."""
    import math

    best = st.best_eval_loss if st.best_eval_loss is not None else float("nan")
    tail = st.train_curve[-per_epoch:] if st.train_curve else []
    return finite({
        "train_loss_curve": st.train_curve,
        "eval_curve": st.eval_curve,
        "eval_loss": best,
        "eval_perplexity": math.exp(min(best, 50.0)),
        "train_loss": sum(x["loss"] for x in tail) / max(1, len(tail)),
        "best_step": st.best_step,
        "optimizer_steps": st.step,
        "planned_steps": total,
        "epochs_done": round(st.step / max(1, per_epoch), 4),
        "stopped_early": st.stopped_early,
        "resumed_from_step": resumed_from,
        "truncated_examples": truncated,
        "tokens_per_second": tokens_per_second,
        "wall_time_s": wall,
        "training_completed": True,
        **(memory or {}),
    })


def describe_machine(device: str) -> dict[str, Any]:
    """Where the training ran, so the report can label its timings and costs with the machine."""
    import os
    import platform
    import socket

    import torch

    cpu_model = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu_model = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), cpu_model)
    except OSError:
        pass
    gpu = torch.cuda.get_device_name(0) if device.startswith("cuda") and torch.cuda.is_available() else None
    return {"hostname": socket.gethostname(), "cpu_model": cpu_model or "unknown", "cpu_threads": os.cpu_count() or 0,
            "torch_threads": torch.get_num_threads(), "device": device, "gpu_name": gpu}
