"""tooltune Python activities (task queue `tooltune-gpu`), one module per stage."""

from .finetune import finetune
from .predict import predict
from .preflight import preflight_model

ACTIVITIES = [preflight_model, finetune, predict]

__all__ = ["ACTIVITIES", "finetune", "predict", "preflight_model"]
