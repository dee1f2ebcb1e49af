"""Training speed of the settings that change it, side by side in one process (docs/BENCHMARKS.md).

Trains LoRA on the first micro-batches of a dataset folder's train.jsonl with each setting in turn (float32 or
bf16 autocast, LoRA dropout 0.05 or 0, random or length-grouped micro-batches, sdpa or eager attention, frozen
weights stored in float32 or bfloat16, adapters on every layer or the last 15), each at the micro-batch sizes given
(--batch, default 8), and prints training examples per second, plus the padded share of the tokens. Same model, same examples, same thread count: ratios between
rows are what to read; the absolute figures move with the machine's load.

Run: python-activities/.venv/bin/python python-activities/bench/bench_train_step.py --data DIR --model DIR \
        [--examples 160] [--threads 2] [--rows 5 6] [--batch 8 16]
  --data: what `npx tooltune dataset <spec> --out DIR` writes; --model: a transformers model folder (the
  demo's converted SmolLM2 sits under <artifacts>/runs/.cache/gguf/<hash>-hf after one demo run).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1])]

from activities.data import IGNORE, Encoded, collate, encode, micro_batches  # noqa: E402
from activities.contracts import LoraConfig  # noqa: E402
from activities.lora import LLAMA_PROJECTIONS as TARGETS, num_decoder_layers, peft_config, store_frozen_bf16  # noqa: E402
from activities.modelio import native_bf16  # noqa: E402
from activities.trainloop import loss_sum  # noqa: E402

# (label, mixed_precision, lora_dropout, group_by_length, attn_implementation, frozen weights in bf16,
#  lora_last_layers)
SETTINGS = [
    ("fp32, dropout 0.05, random batches", "no", 0.05, False, "sdpa", False, None),
    ("bf16, dropout 0.05, random batches", "bf16", 0.05, False, "sdpa", False, None),
    ("bf16, dropout 0.05, length-grouped", "bf16", 0.05, True, "sdpa", False, None),
    ("bf16, dropout 0, length-grouped", "bf16", 0.0, True, "sdpa", False, None),
    ("bf16, dropout 0, length-grouped, eager attention", "bf16", 0.0, True, "eager", False, None),
    ("bf16, dropout 0, length-grouped, eager attention, frozen weights bf16", "bf16", 0.0, True, "eager", True, None),
    ("the same, LoRA on the last 15 layers only", "bf16", 0.0, True, "eager", True, 15),
    ("fp32, dropout 0, length-grouped, eager attention (the demo where bf16 is not native: mixed_precision auto)", "no", 0.0, True, "eager", False, None),
]


def measure(model_dir: str, examples: list[Encoded], pad_id: int, precision: str, dropout: float, grouped: bool, n: int,
            attn: str = "sdpa", frozen_bf16: bool = False, last_layers: int | None = None, batch: int = 8) -> tuple[float, float]:
    """(training examples per second over n examples after two warm-up steps of `batch`, padded share of the tokens)."""
    import torch
    from peft import get_peft_model
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32, attn_implementation=attn)
    if frozen_bf16:  # what the finetune stage does under mixed_precision bf16
        store_frozen_bf16(model, TARGETS)
    lora = LoraConfig(lora_r=16, lora_alpha=32, lora_dropout=dropout, lora_target_modules=TARGETS, lora_last_layers=last_layers)
    model = get_peft_model(model, peft_config(lora, TARGETS, num_decoder_layers(model)))
    model.train()
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3)
    lengths = [len(e.input_ids) for e in examples]
    batches = micro_batches(len(examples), batch, 42, 0, lengths if grouped else None)[: 2 + n // batch]
    done, start, real, padded = 0, 0.0, 0, 0
    for i, mb in enumerate(batches):
        if i == 2:
            start, done = time.perf_counter(), 0
        b = collate([examples[j] for j in mb], pad_id)
        s, k = loss_sum(model, b, "cpu", True, precision)
        (s / k).backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        done += len(mb)
        real += sum(lengths[j] for j in mb)
        padded += max(lengths[j] for j in mb) * len(mb)
    return done / (time.perf_counter() - start), 1 - real / padded


def main() -> None:
    """Measure every setting and print a markdown table."""
    import torch
    from transformers import AutoTokenizer

    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--examples", type=int, default=160)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rows", type=int, nargs="*", help="measure only these rows of SETTINGS (0-based; the first one given is the reference)")
    ap.add_argument("--batch", type=int, nargs="+", default=[8], help="micro-batch sizes to measure each row at (the first row at the first size is the reference)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    tok = AutoTokenizer.from_pretrained(a.model)
    examples = []
    for line in Path(a.data, "train.jsonl").read_text().splitlines():
        rec = json.loads(line)
        p, c = encode(tok, rec["prompt"], rec["completion"], "text")
        examples.append(Encoded(p + c, [IGNORE] * len(p) + c))
    print(f"machine: {platform.processor() or platform.machine()}, torch CPU capability {torch.backends.cpu.get_cpu_capability()}, "
          f"native bf16 {native_bf16('cpu')}, {a.threads} threads; {len(examples)} examples in {a.data}")
    print("| setting | batch | training examples/s | padding share | vs first row |\n| --- | ---: | ---: | ---: | ---: |")
    first = None
    for label, precision, dropout, grouped, attn, frozen_bf16, last in [SETTINGS[i] for i in a.rows] if a.rows else SETTINGS:
        for batch in a.batch:
            rate, pad = measure(a.model, examples, tok.pad_token_id, precision, dropout, grouped, a.examples, attn, frozen_bf16, last, batch)
            first = first or rate
            print(f"| {label} | {batch} | {rate:.2f} | {pad * 100:.0f} % | {rate / first:.2f}x |", flush=True)


if __name__ == "__main__":
    main()
