"""Predict a cases file with a finished run's kept adapter (docs/QUALITY.md: held-out 2 on a demo run).

The same PyTorch predict the workflow runs (`run_predict`, greedy), on the run's base model and its
attempt's adapter; score the output with `npx tooltune score`.

Run: TOOLTUNE_ARTIFACTS_ROOT=<artifacts> python-activities/.venv/bin/python python-activities/bench/predict_cases.py \
        --run <artifacts>/runs/<workflow id> --cases <run>/holdout2_cases.jsonl --out <run>/pred-holdout2.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parents[1])]

from activities.contracts import ModelConfig, PredictInput  # noqa: E402
from activities.gguf_cache import ensure_converted, gguf_path  # noqa: E402
from activities.predict import run_predict  # noqa: E402


def run_predict_settings(run: Path, attempt: int) -> dict[str, Any]:
    """The PredictInput fields a finished run's predict stage used, from its resolved spec: model (the converted GGUF
    under the runs' shared cache), the attempt's adapter, max_new_tokens, batch_size, record format."""
    spec = json.loads((run / "spec.resolved.json").read_text())
    spec = spec.get("spec", spec)
    model = ModelConfig(**{k: v for k, v in spec["model"].items() if k in ModelConfig.__dataclass_fields__})
    if model.source == "gguf":  # the run's converted copy, under the runs' shared cache
        model_path = str(ensure_converted(gguf_path(model, run.parent / ".cache"), run.parent / ".cache"))
    else:
        model_path = model.model_name
    return dict(run_dir=str(run), model_path=model_path, model=model, adapter_dir=str(run / f"attempt-{attempt}" / "adapter"),
                max_new_tokens=int(spec["evaluation"]["max_new_tokens"]), batch_size=int(spec["evaluation"].get("batch_size", 8)),
                record_format=spec["dataset"].get("format", "text"))


def main() -> None:
    """Read the run's resolved spec for the model and record format, then predict the cases with attempt-N/adapter."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--cases", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--attempt", type=int, default=1)
    ap.add_argument("--batch", type=int, help="cases per generate call (default: the run's evaluation.batch_size, as its predict stage)")
    a = ap.parse_args()
    settings = run_predict_settings(Path(a.run).resolve(), a.attempt)
    if a.batch:
        settings["batch_size"] = a.batch
    run_predict(PredictInput(cases_path=str(Path(a.cases).resolve()), out_path=str(Path(a.out).resolve()), **settings))
    print(a.out)


if __name__ == "__main__":
    main()
