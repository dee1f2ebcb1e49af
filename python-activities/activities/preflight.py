"""Stage preflight_model: resolve the model, check LoRA targets and estimate memory, before training.

Memory estimate (bytes), documented here because the workflow compares it with the GPU it has:
    weights      = P_linear * w + P_other * w_other   (w = dtype bytes; 4-bit: 0.55 for linear weights
                                                       incl. NF4 block scales, w_other = 2)
    lora         = T * 4 * (1 param + 1 grad + 2 AdamW moments)   (T = trainable params, fp32)
    activations  = L * b * s * h * (34 + 5 * a * s / h) * w_act / 2  (Korthikanti et al. 2022, per layer)
                   with gradient checkpointing: L * 2 * b * s * h * w_act + one layer's full activations
    logits       = b * s * V * 4 * 2                               (fp32 logits + their gradient)
    total        = (weights + lora + activations + logits) * 1.1  (allocator fragmentation)
with b = per_device_train_batch_size, s = max_seq_length and checkpointing from the input's training
config (without one: b = 4, s = 1024, no checkpointing, the guide's defaults). It is an upper-bound style
estimate of what training adds; finetune records the peak resident memory it measured (peak_rss_bytes in
its output and metrics.json, which also counts the Python runtime and libraries) to compare it with.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from temporalio import activity

from .contracts import PreflightInput, PreflightOutput, TinyModelConfig
from .errors import InvalidSpec
from .gguf_cache import ensure_converted, gguf_path
from .heartbeat import Heartbeater
from .lora import check_modules_to_save, linear_modules, resolve_targets, trainable_parameter_count
from .modelio import load_config, resolve_device, resolve_precision, torch_dtype
from .paths import artifacts_root, inside, require_run_dir
from .tiny import ensure_tiny


def cache_root(inp: PreflightInput, run_dir: Path) -> Path:
    """Shared artifacts cache: input cache_dir, else $TOOLTUNE_CACHE_DIR, else <parent of run_dir>/.cache."""
    if inp.cache_dir:  # from the workflow input: confined like run_dir
        if not os.path.isabs(inp.cache_dir):
            raise InvalidSpec("cache_dir must be absolute", {"cache_dir": inp.cache_dir})
        p = Path(os.path.realpath(inp.cache_dir))
        if not (p == artifacts_root() or artifacts_root() in p.parents):
            raise InvalidSpec("cache_dir is not inside the workers' artifacts root", {"cache_dir": inp.cache_dir})
        return p
    root = os.environ.get("TOOLTUNE_CACHE_DIR") or str(run_dir.parent / ".cache")
    if not os.path.isabs(root):
        raise InvalidSpec("TOOLTUNE_CACHE_DIR must be absolute", {"cache_dir": root})
    return Path(root)


def materialize(inp: PreflightInput, run_dir: Path) -> str:
    """The local dir (or hub id) later stages load; builds the tiny model / converts the GGUF once."""
    cfg = inp.model
    if cfg.source == "tiny":
        if not inp.tokenizer_corpus_paths:
            raise InvalidSpec("source 'tiny' needs tokenizer_corpus_paths to train its tokenizer", {})
        model_dir = inside(str(run_dir), str(run_dir / "model" / "tiny"), "model_dir")
        corpus = [str(inside(str(run_dir), p, "tokenizer_corpus_paths")) for p in inp.tokenizer_corpus_paths]
        return str(ensure_tiny(model_dir, cfg.tiny or TinyModelConfig(), corpus))
    if cfg.source == "gguf":
        root = cache_root(inp, run_dir)
        return str(ensure_converted(gguf_path(cfg, root), root))
    if not cfg.model_name:
        raise InvalidSpec("model_name is empty", {})
    return cfg.model_name


def meta_model(config: Any, trust_remote_code: bool) -> Any:
    """The model built on the meta device from its config: module tree and sizes, no weights."""
    from accelerate import init_empty_weights
    from transformers import AutoModelForCausalLM

    with init_empty_weights():
        model = AutoModelForCausalLM.from_config(config, trust_remote_code=trust_remote_code)
    model.tie_weights()  # init_empty_weights skips tying: tied embeddings would be counted twice
    return model


def estimate_memory(model: Any, config: Any, trainable: int, dtype_bytes: int, use_4bit: bool,
                    batch: int = 4, seq: int = 1024, checkpointing: bool = False) -> int:
    """Training memory estimate in bytes (formula in the module docstring)."""
    text = config.get_text_config() if hasattr(config, "get_text_config") else config
    p_linear = sum(m.weight.numel() for m in linear_modules(model).values())
    p_all = sum(p.numel() for p in model.parameters())
    w_lin = 0.55 if use_4bit else dtype_bytes
    weights = p_linear * w_lin + (p_all - p_linear) * (2 if use_4bit else dtype_bytes)
    lora = trainable * 4 * 4
    h = int(getattr(text, "hidden_size", 0) or 0)
    L = int(getattr(text, "num_hidden_layers", 0) or 0)
    a = int(getattr(text, "num_attention_heads", 1) or 1)
    V = int(getattr(text, "vocab_size", 0) or 0)
    w_act = 2 if (use_4bit or dtype_bytes == 2) else 4
    layer = batch * seq * h * (34 + 5 * a * seq / max(h, 1)) * w_act / 2
    acts = L * 2 * batch * seq * h * w_act + layer if checkpointing else L * layer
    logits = batch * seq * V * 4 * 2
    return int((weights + lora + acts + logits) * 1.1)


def training_shape(inp: PreflightInput) -> dict[str, Any]:
    """Batch, sequence length and checkpointing the run will train with (the guide's defaults without)."""
    t = inp.training
    if t is None:
        return {"batch": 4, "seq": 1024, "checkpointing": False}
    return {"batch": t.per_device_train_batch_size, "seq": t.max_seq_length, "checkpointing": t.gradient_checkpointing}


def run_preflight(inp: PreflightInput) -> PreflightOutput:
    """Preflight logic without the activity wrapper (used by tests and the benchmark)."""
    import torch

    run_dir = require_run_dir(inp.run_dir)
    device, use_4bit = resolve_device(inp.model)
    if inp.training is not None:
        resolve_precision(inp.training.mixed_precision, device)  # an unworkable bf16 fails here, before any download
    model_path = materialize(inp, run_dir)
    config = load_config(model_path, inp.model)
    model = meta_model(config, inp.model.trust_remote_code)
    leaf_names, targets = resolve_targets(model, inp.lora)
    check_modules_to_save(model, inp.lora)
    trainable = trainable_parameter_count(model, inp.lora, targets)
    dtype_bytes = torch.finfo(torch_dtype(inp.model, device)).bits // 8
    text = config.get_text_config() if hasattr(config, "get_text_config") else config
    return PreflightOutput(
        model_path=model_path,
        architecture=type(model).__name__,
        model_type=str(getattr(config, "model_type", "")),
        num_parameters=sum(p.numel() for p in model.parameters()),
        trainable_parameters=trainable,
        linear_module_names=leaf_names,
        target_modules=targets,
        memory_estimate_bytes=estimate_memory(model, config, trainable, dtype_bytes, use_4bit, **training_shape(inp)),
        device=device,  # type: ignore[arg-type]
        load_in_4bit=use_4bit,
        vocab_size=int(getattr(text, "vocab_size", 0) or 0),
        matmul_input_sizes=sorted({int(m.weight.shape[1]) for m in linear_modules(model).values()}),
    )


@activity.defn(name="preflight_model")
def preflight_model(inp: PreflightInput) -> PreflightOutput:
    """Activity: fail fast (non-retryably) on a missing model or LoRA targets that do not exist."""
    with Heartbeater(lambda: {"stage": "preflight", "model": inp.model.model_name}):
        out = run_preflight(inp)
    activity.logger.info("preflight %s: %s targets=%s", out.architecture, out.model_path, out.target_modules)
    return out
