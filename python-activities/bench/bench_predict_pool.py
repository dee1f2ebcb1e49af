"""PyTorch predict of a finished run's case sets: one call per set (as the workflow made them before sets were
pooled) against one pooled call, side by side in one process, with the texts compared (docs/BENCHMARKS.md).

Both arms are `run_predict` with the run's kept adapter, evaluation.batch_size and max_new_tokens; the pooled arm
passes the other sets as extra_sets, so their cases share one continuously refilled batch. Prints wall seconds per
arm and round and whether every case's text is the same in both.

Run: TOOLTUNE_ARTIFACTS_ROOT=<artifacts> python-activities/.venv/bin/python python-activities/bench/bench_predict_pool.py \
        --run <artifacts>/runs/<workflow id> [--rounds 1] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1])]

from activities.contracts import CaseSet, PredictInput  # noqa: E402
from activities.predict import run_predict  # noqa: E402
from bench.predict_cases import run_predict_settings  # noqa: E402

SETS = [("val", "dataset/val_cases.jsonl"), ("train", "dataset/train_cases.jsonl"), ("suite", "dataset/suite_cases.jsonl"),
        ("holdout", "holdout/holdout_cases.jsonl")]


def texts(path: str) -> list[str]:
    """The outputs of a predictions file, in order."""
    return [json.loads(line)["output"] for line in open(path, encoding="utf-8")]


def main() -> None:
    """Time both arms on the run's sets and print a markdown table."""
    import torch

    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--attempt", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    run = Path(a.run).resolve()
    sets = [(name, run / rel) for name, rel in SETS if (run / rel).is_file()]
    out = run / "bench-predict-pool"
    base = run_predict_settings(run, a.attempt)
    print(f"host: {platform.node()} {platform.processor() or platform.machine()}, {a.threads} threads, torch {torch.__version__}; "
          f"sets: {', '.join(f'{n} ({sum(1 for _ in open(p))})' for n, p in sets)}; batch_size {base['batch_size']}")
    rows, same = [], True
    for r in range(a.rounds):
        t = time.perf_counter()
        alone = [run_predict(PredictInput(cases_path=str(p), out_path=str(out / f"alone-{n}.jsonl"), **base)) for n, p in sets]
        t_alone = time.perf_counter() - t
        t = time.perf_counter()
        (n0, p0), *rest = sets
        pooled = run_predict(PredictInput(cases_path=str(p0), out_path=str(out / f"pooled-{n0}.jsonl"),
                                          extra_sets=[CaseSet(str(p), str(out / f"pooled-{n}.jsonl")) for n, p in rest], **base))
        t_pooled = time.perf_counter() - t
        same = same and all(texts(x.predictions_path) == texts(y.predictions_path) for x, y in zip(alone, pooled.sets))
        rows.append((r + 1, t_alone, t_pooled))
    print("| round | one call per set (s) | one pooled call (s) | ratio |\n| ---: | ---: | ---: | ---: |")
    for r, x, y in rows:
        print(f"| {r} | {x:.1f} | {y:.1f} | {x / y:.2f}x |")
    print(f"every case's text the same in both arms: {same}")


if __name__ == "__main__":
    main()
