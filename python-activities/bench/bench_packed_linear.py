"""PyTorch predict with float32 linears as F.linear (MKL) against prepacked for oneDNN (activities/packed_linear.py),
side by side in one process on a finished run, with the texts compared (docs/BENCHMARKS.md).

Two parts:
- decoding steps: the run's base model, 60-token random prompts at 1, 8 and 48 rows, ms per step after warm-up;
- the run's own predict calls, alternated plain / packed each round: the base model on val (the baseline's call)
  and the kept adapter on every case set in one pooled call (the fine-tuned call of the demo). The plain arm sets
  TOOLTUNE_PACK_LINEARS=0, which is all that differs. Prints wall seconds, and how many cases' texts differ.

Run: TOOLTUNE_ARTIFACTS_ROOT=<artifacts> python-activities/.venv/bin/python python-activities/bench/bench_packed_linear.py \
        --run <artifacts>/runs/<workflow id> [--rounds 1] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1])]

from activities.contracts import CaseSet, PredictInput  # noqa: E402
from activities.modelio import load_model  # noqa: E402
from activities.packed_linear import ENV_SWITCH, pack_linears  # noqa: E402
from activities.predict import run_predict  # noqa: E402
from bench.predict_cases import run_predict_settings  # noqa: E402

SETS = [("val", "dataset/val_cases.jsonl"), ("train", "dataset/train_cases.jsonl"), ("suite", "dataset/suite_cases.jsonl"),
        ("holdout", "holdout/holdout_cases.jsonl")]


def texts(path: str) -> list[str]:
    """The outputs of a predictions file, in order."""
    return [json.loads(line)["output"] for line in open(path, encoding="utf-8")]


def step_ms(model, rows: int, steps: int = 16) -> float:
    """Mean ms of a decoding step at `rows` rows after a 60-token prefill and 4 warm-up steps."""
    import torch

    torch.manual_seed(0)
    with torch.no_grad():
        out = model(input_ids=torch.randint(100, 20000, (rows, 60)), use_cache=True)
        cache, tok = out.past_key_values, out.logits[:, -1].argmax(-1)
        for i in range(4 + steps):
            if i == 4:
                t = time.perf_counter()
            out = model(input_ids=tok[:, None], past_key_values=cache, use_cache=True)
            cache, tok = out.past_key_values, out.logits[:, -1].argmax(-1)
    return (time.perf_counter() - t) / steps * 1000


def main() -> None:
    """Time both arms and print markdown tables."""
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
    out = run / "bench-packed-linear"
    tuned = run_predict_settings(run, a.attempt)
    base = {**tuned, "adapter_dir": None}
    print(f"host: {platform.node()} {platform.processor() or platform.machine()}, {a.threads} threads, torch {torch.__version__}; "
          f"sets: {', '.join(f'{n} ({sum(1 for _ in open(p))})' for n, p in sets)}; batch_size {tuned['batch_size']}")

    print("\n| rows | F.linear (ms/step) | prepacked (ms/step) | ratio |\n| ---: | ---: | ---: | ---: |")
    plain = load_model(tuned["model_path"], tuned["model"], "cpu", False).eval()
    packed = load_model(tuned["model_path"], tuned["model"], "cpu", False).eval()
    print(f"<!-- {pack_linears(packed)} linears packed -->")
    for rows in (1, 8, 48):
        x, y = step_ms(plain, rows), step_ms(packed, rows)
        print(f"| {rows} | {x:.1f} | {y:.1f} | {x / y:.2f}x |")
    del plain, packed

    def call(arm: str, settings: dict, label: str, chosen: list) -> tuple[float, list[list[str]]]:
        os.environ[ENV_SWITCH] = "0" if arm == "plain" else "1"
        (n0, p0), *rest = chosen
        t = time.perf_counter()
        res = run_predict(PredictInput(cases_path=str(p0), out_path=str(out / f"{arm}-{label}-{n0}.jsonl"),
                                       extra_sets=[CaseSet(str(p), str(out / f"{arm}-{label}-{n}.jsonl")) for n, p in rest], **settings))
        return time.perf_counter() - t, [texts(s.predictions_path) for s in res.sets]

    rows, differ, total = [], 0, 0
    for r in range(a.rounds):
        for label, settings, chosen in (("baseline", base, sets[:1]), ("finetuned", tuned, sets)):
            t_plain, x = call("plain", settings, label, chosen)
            t_packed, y = call("packed", settings, label, chosen)
            rows.append((r + 1, label, t_plain, t_packed))
            pairs = [(u, v) for xs, ys in zip(x, y) for u, v in zip(xs, ys)]
            differ += sum(u != v for u, v in pairs)
            total += len(pairs)
    os.environ.pop(ENV_SWITCH, None)
    print("\n| round | call | F.linear (s) | prepacked (s) | ratio |\n| ---: | --- | ---: | ---: | ---: |")
    for r, label, x, y in rows:
        print(f"| {r} | {label} | {x:.1f} | {y:.1f} | {x / y:.2f}x |")
    print(f"cases whose text differs between the arms: {differ} of {total}")


if __name__ == "__main__":
    main()
