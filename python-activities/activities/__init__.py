"""tooltune Python activities (task queue `tooltune-gpu`), one module per stage."""

from .benchmark import benchmark_python
from .finetune import finetune
from .predict import predict
from .preflight import preflight_model

ACTIVITIES = [preflight_model, finetune, predict, benchmark_python]

__all__ = ["ACTIVITIES", "benchmark_python", "finetune", "predict", "preflight_model"]
