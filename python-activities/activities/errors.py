"""Typed, non-retryable failures the workflow branches on (ApplicationFailure.type)."""

from __future__ import annotations

from typing import Any

from temporalio.exceptions import ApplicationError


class TooltuneError(ApplicationError):
    """Base: a failure no retry can fix; `type` is the class name."""

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message, details or {}, type=type(self).__name__, non_retryable=True)


class InvalidSpec(TooltuneError):
    """The input itself is wrong (bad value, path outside run_dir, ...)."""


class ModelNotFound(TooltuneError):
    """The model (hub id, directory or GGUF file) does not exist or cannot be read."""


class TargetModulesNotFound(TooltuneError):
    """Some LoRA target modules are not linear leaf modules of the model."""


class OutOfMemory(TooltuneError):
    """The accelerator ran out of memory; details carry the knobs to turn down."""


class GpuUnavailable(TooltuneError):
    """4-bit (QLoRA) was asked for without CUDA and without allow_cpu_fallback."""


class DatasetError(TooltuneError):
    """Training/validation/case files are missing, empty or malformed."""


class MergeMismatch(TooltuneError):
    """The merged model's greedy tokens differ from the adapter model's."""


class ExportMismatch(TooltuneError):
    """The fp32 ONNX model disagrees with the merged PyTorch model (tokens or logits)."""


class UnsupportedArchitecture(TooltuneError):
    """The ONNX exporter does not handle this model architecture."""


class ExportFailed(TooltuneError):
    """The ONNX exporter failed or left an incomplete folder; details carry its log tail."""


ERROR_TYPES = [c.__name__ for c in (InvalidSpec, ModelNotFound, TargetModulesNotFound, OutOfMemory, GpuUnavailable, DatasetError,
                                    MergeMismatch, ExportMismatch, UnsupportedArchitecture, ExportFailed)]


def is_oom(err: BaseException) -> bool:
    """True for torch.cuda.OutOfMemoryError and RuntimeErrors that say 'out of memory'."""
    name = type(err).__name__
    return name == "OutOfMemoryError" or (isinstance(err, RuntimeError) and "out of memory" in str(err).lower())
