"""tooltune Python activities (task queue `tooltune-gpu`), one module per stage."""

from .benchmark import benchmark_python
from .export import export_onnx
from .finetune import finetune
from .merge import merge
from .predict import predict
from .preflight import preflight_model
from .quantize import quantize_onnx

ACTIVITIES = [preflight_model, finetune, predict, merge, export_onnx, quantize_onnx, benchmark_python]

__all__ = ["ACTIVITIES", "benchmark_python", "export_onnx", "finetune", "merge", "predict", "preflight_model", "quantize_onnx"]
