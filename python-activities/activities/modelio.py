"""Load base models/tokenizers for every source (hub, tiny dir, converted GGUF dir) the same way."""

from __future__ import annotations

import os
from typing import Any, Optional

from .contracts import ModelConfig
from .errors import GpuUnavailable, InvalidSpec, ModelNotFound

_NOT_FOUND_HINTS = ("is not a local folder", "not a valid model identifier", "does not appear to have a file",
                    "repository not found", "revision not found", "no such file", "gated repo",
                    "repo id must be in the form")


def cuda_available() -> bool:
    """Whether training can use CUDA here."""
    import torch

    return bool(torch.cuda.is_available())


def resolve_device(cfg: ModelConfig) -> tuple[str, bool]:
    """(device, effective load_in_4bit); 4-bit without CUDA is GpuUnavailable unless allow_cpu_fallback."""
    cuda = cuda_available()
    if cfg.load_in_4bit and not cuda:
        if not cfg.allow_cpu_fallback:
            raise GpuUnavailable("load_in_4bit (QLoRA) needs a CUDA GPU and none is visible to this worker",
                                 {"load_in_4bit": True, "allow_cpu_fallback": False})
        return "cpu", False
    return ("cuda" if cuda else "cpu"), bool(cfg.load_in_4bit and cuda)


def native_bf16(device: str) -> bool:
    """Whether bfloat16 matrix products run natively here: CUDA with bf16, or a CPU whose oneDNN has bf16 kernels
    (AVX-512 or AMX). On an AVX2-only CPU they are emulated: a training step of the demo ran 30x slower than in float32."""
    import torch

    if device.startswith("cuda"):
        return bool(torch.cuda.is_bf16_supported())
    return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())


def resolve_precision(mixed_precision: str, device: str) -> str:
    """The precision a run trains in: 'auto' is 'bf16' where bfloat16 is native and 'no' elsewhere; an explicit
    'bf16' where it is not native is InvalidSpec, before any training, rather than a run tens of times slower."""
    if mixed_precision == "auto":
        return "bf16" if native_bf16(device) else "no"
    if mixed_precision == "bf16" and not native_bf16(device):
        raise InvalidSpec(f"training.mixed_precision is bf16, but this worker's {device} has no native bfloat16 "
                          "(a CPU needs AVX-512 or AMX): bf16 steps would be emulated, tens of times slower; "
                          "use auto (bf16 where native, float32 elsewhere) or no",
                          {"mixed_precision": mixed_precision, "device": device})
    return mixed_precision


def torch_dtype(cfg: ModelConfig, device: str):
    """The load/compute dtype: 'auto' is bf16 on CUDA that supports it, fp32 on CPU."""
    import torch

    if cfg.torch_dtype == "auto":
        if device == "cuda":
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.float32
    if device == "cpu" and cfg.torch_dtype == "float16":
        return torch.float32  # fp16 kernels for training are missing/slow on CPU
    return getattr(torch, cfg.torch_dtype)


def hub_kwargs(cfg: ModelConfig) -> dict[str, Any]:
    """from_pretrained kwargs; HF_TOKEN comes only from the worker's environment and is never logged."""
    kw: dict[str, Any] = {"trust_remote_code": cfg.trust_remote_code}
    if cfg.source == "hub":
        kw["revision"] = cfg.revision
        token = os.environ.get("HF_TOKEN")
        if token:
            kw["token"] = token
    return kw


def check_local(model_path: str, cfg: ModelConfig) -> None:
    """Non-hub sources must point at an existing directory."""
    if cfg.source != "hub" and not os.path.isdir(model_path):
        raise ModelNotFound(f"model directory not found: {model_path}", {"model_path": model_path, "source": cfg.source})


def wrap_not_found(err: Exception, name: str) -> Exception:
    """Map hub/file 'does not exist' errors to ModelNotFound; leave transient ones retryable."""
    kind = type(err).__name__
    text = str(err).lower()
    if kind in ("RepositoryNotFoundError", "RevisionNotFoundError", "GatedRepoError", "EntryNotFoundError") or (
        isinstance(err, (OSError, ValueError)) and any(h in text for h in _NOT_FOUND_HINTS)
    ):
        return ModelNotFound(f"model {name!r} not found or not accessible: {kind}", {"model": name, "error": kind})
    if os.environ.get("HF_HUB_OFFLINE") == "1" and "couldn't connect" in text:
        return ModelNotFound(f"model {name!r} is not in the local cache and HF_HUB_OFFLINE=1", {"model": name})
    return err


def load_config(model_path: str, cfg: ModelConfig):
    """AutoConfig of the model (for hub: downloads config.json only)."""
    from transformers import AutoConfig

    check_local(model_path, cfg)
    try:
        return AutoConfig.from_pretrained(model_path, **hub_kwargs(cfg))
    except Exception as e:  # noqa: BLE001 - classified below
        raise wrap_not_found(e, model_path) from e


def load_tokenizer(model_path: str, cfg: ModelConfig, padding_side: str = "right"):
    """AutoTokenizer with a pad token (eos when the model has none)."""
    from transformers import AutoTokenizer

    check_local(model_path, cfg)
    try:
        tok = AutoTokenizer.from_pretrained(model_path, **hub_kwargs(cfg))
    except Exception as e:  # noqa: BLE001
        raise wrap_not_found(e, model_path) from e
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    tok.padding_side = padding_side
    return tok


def load_model(model_path: str, cfg: ModelConfig, device: str, use_4bit: bool, attn_implementation: Optional[str] = None):
    """AutoModelForCausalLM on `device`; 4-bit NF4 via bitsandbytes (imported lazily) for QLoRA; attention
    kernel `attn_implementation` (None: transformers' default, sdpa)."""
    from transformers import AutoModelForCausalLM

    check_local(model_path, cfg)
    dtype = torch_dtype(cfg, device)
    kw: dict[str, Any] = {"dtype": dtype, **hub_kwargs(cfg)}
    if attn_implementation:
        kw["attn_implementation"] = attn_implementation
    if use_4bit:
        try:
            import bitsandbytes  # noqa: F401
        except ImportError as e:
            raise GpuUnavailable("load_in_4bit needs the bitsandbytes package on the GPU worker", {}) from e
        from transformers import BitsAndBytesConfig

        kw["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True, bnb_4bit_compute_dtype=dtype)
        kw["device_map"] = {"": 0}
    try:
        model = AutoModelForCausalLM.from_pretrained(model_path, **kw)
    except Exception as e:  # noqa: BLE001
        raise wrap_not_found(e, model_path) from e
    if not use_4bit:
        model.to(device)
    return model


def accepts_logits_to_keep(model: Any) -> bool:
    """True when the model's forward takes `logits_to_keep`: training and prefill then compute logits only where needed."""
    import inspect

    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    return "logits_to_keep" in inspect.signature(base.forward).parameters
