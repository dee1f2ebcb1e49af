"""Training throughput of the finetune stage vs a plain transformers Trainer script, side by side.

Same tiny Phi-3-architecture model, data, LoRA config, batch size, epochs and learning rate for all:
  ours            run_finetune(): dynamic padding, completion-only loss, logits only at completion positions
  trainer-naive   Trainer + tokenizer(padding="max_length", max_length=max_seq_length, truncation=True),
                  labels = input_ids with padding set to -100 (what most LoRA tutorials do)
  trainer-dynamic Trainer + DataCollatorForSeq2Seq(padding=True) (pad to the longest in each batch)
Metric: real (non-padding) training tokens per second of training time (ours: the stage's
tokens_per_second, eval/checkpoint time excluded; Trainer: real tokens * epochs / train_runtime).

Run: python-activities/.venv/bin/python python-activities/bench/bench_finetune.py [--epochs 4] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path[:0] = [str(HERE.parents[1]), str(HERE.parents[1] / "tests")]
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from activities.contracts import FinetuneInput, LoraConfig, ModelConfig, PreflightInput, TinyModelConfig, TrainingConfig  # noqa: E402
from activities.data import load_examples  # noqa: E402
from activities.finetune import run_finetune  # noqa: E402
from activities.preflight import run_preflight  # noqa: E402
from fixture_data import write_dataset  # noqa: E402

DOC = HERE.parents[2] / "docs" / "BENCHMARKS.md"
MARK = "<!-- bench_finetune:{}:{} -->"


def machine() -> str:
    """One line of machine facts."""
    import torch

    cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), platform.processor())
    return (f"{cpu}, {os.cpu_count()} cores, torch {torch.__version__} ({torch.get_num_threads()} threads), "
            f"Python {platform.python_version()}, load average at start {os.getloadavg()[0]:.2f}")


def trainer_run(model_path: str, records: list[dict], lora: LoraConfig, t: TrainingConfig, naive: bool, out: str) -> float:
    """Train with transformers.Trainer; returns real tokens per second of train_runtime."""
    import torch
    from peft import LoraConfig as PeftLora, get_peft_model
    from transformers import (AutoModelForCausalLM, AutoTokenizer, DataCollatorForSeq2Seq, Trainer, TrainingArguments,
                              default_data_collator)

    tok = AutoTokenizer.from_pretrained(model_path)
    texts = [r["text"] + tok.eos_token for r in records]
    if naive:
        enc = tok(texts, padding="max_length", max_length=t.max_seq_length, truncation=True)
        rows = [{"input_ids": torch.tensor(i), "attention_mask": torch.tensor(m),
                 "labels": torch.tensor([x if mm else -100 for x, mm in zip(i, m)])}
                for i, m in zip(enc["input_ids"], enc["attention_mask"])]
        collator = default_data_collator
    else:
        enc = tok(texts, truncation=True, max_length=t.max_seq_length)
        rows = [{"input_ids": i, "attention_mask": m, "labels": list(i)} for i, m in zip(enc["input_ids"], enc["attention_mask"])]
        collator = DataCollatorForSeq2Seq(tok, padding=True, label_pad_token_id=-100)
    real_tokens = sum(sum(m) for m in enc["attention_mask"])
    torch.manual_seed(t.seed)
    model = get_peft_model(AutoModelForCausalLM.from_pretrained(model_path), PeftLora(
        r=lora.lora_r, lora_alpha=lora.lora_alpha, lora_dropout=lora.lora_dropout, target_modules=lora.lora_target_modules,
        modules_to_save=lora.modules_to_save or None, task_type="CAUSAL_LM"))
    args = TrainingArguments(output_dir=out, per_device_train_batch_size=t.per_device_train_batch_size,
                             gradient_accumulation_steps=t.gradient_accumulation_steps, num_train_epochs=t.num_train_epochs,
                             learning_rate=t.learning_rate, weight_decay=t.weight_decay, lr_scheduler_type=t.lr_scheduler_type,
                             warmup_steps=t.warmup_ratio, save_strategy="no", report_to="none", logging_steps=10_000,
                             use_cpu=True, seed=t.seed, disable_tqdm=True, remove_unused_columns=False)
    result = Trainer(model=model, args=args, train_dataset=rows, data_collator=collator).train()
    return real_tokens * t.num_train_epochs / result.metrics["train_runtime"]


def update_doc(section: str, key: str) -> None:
    """Replace (or append) this benchmark's section (one per --model) in docs/BENCHMARKS.md."""
    START, END = MARK.format(key, "start"), MARK.format(key, "end")
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    block = f"{START}\n{section.rstrip()}\n{END}"
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)


def main() -> None:
    """Run all three side by side, print the figures and update docs/BENCHMARKS.md."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=float, default=4)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--max-seq-length", type=int, default=256)
    ap.add_argument("--model", choices=["tiny", "gguf"], default="tiny", help="gguf = Gemma 3 270M from the PyPI package")
    ap.add_argument("--skip-naive", action="store_true", help="leave out trainer-naive (slow on big models)")
    ap.add_argument("--cache-dir", default=os.path.expanduser("~/.cache/tooltune"), help="GGUF conversion cache")
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads for all runs (1: tiny ops on a shared 2-core box are at the mercy of OpenMP spin-waits)")
    ap.add_argument("--no-doc", action="store_true")
    a = ap.parse_args()
    import torch

    torch.set_num_threads(a.threads)
    tiny = TinyModelConfig(hidden_size=128, num_hidden_layers=2, num_attention_heads=4, intermediate_size=256, vocab_size=1024)
    if a.model == "tiny":
        model = ModelConfig(model_name="tiny-phi3", source="tiny", tiny=tiny)
        lora = LoraConfig(lora_r=32, lora_alpha=64, lora_dropout=0.0, lora_target_modules=["qkv_proj", "o_proj", "gate_up_proj", "down_proj"])
    else:
        model = ModelConfig(model_name="gemma-3-270m", source="gguf", torch_dtype="float32")
        lora = LoraConfig(lora_r=16, lora_alpha=32, lora_dropout=0.0,
                          lora_target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])
    t = TrainingConfig(learning_rate=2e-3 if a.model == "tiny" else 2e-4, num_train_epochs=a.epochs, per_device_train_batch_size=8, gradient_accumulation_steps=1,
                       max_seq_length=a.max_seq_length, weight_decay=0.01, validation_frequency=0, save_steps=0,
                       early_stopping_patience=0, warmup_ratio=0.05)
    facts = machine()
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(tmp) / "run"
        data = write_dataset(Path(tmp) / "data")
        pf = run_preflight(PreflightInput(run_dir=str(run), model=model, lora=lora, cache_dir=a.cache_dir,
                                          tokenizer_corpus_paths=[data["train"], data["val"]]))
        import json

        from activities.modelio import load_tokenizer

        records = [json.loads(line) for line in open(data["train"])]
        n_tok = sum(len(e.input_ids) for e in load_examples(data["train"], load_tokenizer(pf.model_path, model), "text", a.max_seq_length, "t")[0])
        figures: dict[str, list[float]] = {"ours": [], "trainer-dynamic": []} if a.skip_naive else \
            {"ours": [], "trainer-naive": [], "trainer-dynamic": []}
        for r in range(a.repeats):
            out = run_finetune(FinetuneInput(run_dir=str(run), attempt_dir=str(run / f"ours-{r}"), model_path=pf.model_path, model=model,
                                             lora=lora, training=replace(t, seed=t.seed + r), train_path=data["train"], val_path=data["val"]))
            figures["ours"].append(out.tokens_per_second)
            if "trainer-naive" in figures:
                figures["trainer-naive"].append(trainer_run(pf.model_path, records, lora, t, True, f"{tmp}/hf-n-{r}"))
            figures["trainer-dynamic"].append(trainer_run(pf.model_path, records, lora, t, False, f"{tmp}/hf-d-{r}"))
            print({k: round(v[-1]) for k, v in figures.items()}, flush=True)
    med = {k: statistics.median(v) for k, v in figures.items()}
    base = "trainer-naive" if "trainer-naive" in med else "trainer-dynamic"
    flags = f" --model {a.model} --threads {a.threads}" + (" --skip-naive" if a.skip_naive else "")
    lines = [f"## finetune stage vs transformers Trainer ({pf.architecture}, CPU) — {time.strftime('%Y-%m-%d')}", "",
             "Command: `python-activities/.venv/bin/python python-activities/bench/bench_finetune.py "
             f"--epochs {a.epochs:g} --repeats {a.repeats} --max-seq-length {a.max_seq_length}{flags}`", "",
             f"Machine: {facts}.", "",
             f"Model: {pf.architecture} ({pf.num_parameters:,} params, vocab {pf.vocab_size}); LoRA r={lora.lora_r} "
             f"on {'/'.join(pf.target_modules)} ({pf.trainable_parameters:,} trainable). Data: {len(records)} train records "
             f"({n_tok:,} real tokens, mean {n_tok / len(records):.0f}), batch 8, {a.epochs:g} epochs, lr {t.learning_rate:g}, "
             f"max_seq_length {a.max_seq_length}.", "",
             f"| run | real tokens/s (median of {a.repeats}) | best | all runs | median vs {base} |",
             "| --- | ---: | ---: | --- | ---: |"]
    for k, v in figures.items():
        lines.append(f"| {k} | {med[k]:,.0f} | {max(v):,.0f} | {', '.join(f'{x:,.0f}' for x in v)} | {med[k] / med[base]:.2f}x |")
    lines += ["", "trainer-naive pads every example to max_length (`tokenizer(padding=\"max_length\", truncation=True)`, "
              "labels = input_ids, padding -100); trainer-dynamic pads per batch (DataCollatorForSeq2Seq). "
              "ours = the finetune activity (dynamic padding, loss and logits on completion tokens only); eval and "
              "checkpoint time excluded from its figure, as Trainer's train_runtime has none. Runs are interleaved "
              "(ours, naive, dynamic; repeat) in one process with the same torch thread count. The machine is shared "
              "with other work, so absolute figures vary run to run; the ratio is the point."]
    section = "\n".join(lines)
    print(section)
    if not a.no_doc:
        update_doc(section, a.model)
        print(f"updated {DOC}")


if __name__ == "__main__":
    main()
