"""Stage predict: batched generation (left padding) for each case, with or without the LoRA adapter; a row leaves
its batch as soon as it has finished (decoding.py)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from temporalio import activity

from .contracts import PredictInput, PredictOutput
from .decoding import StopRule, decode_rows
from .errors import InvalidSpec, ModelNotFound
from .formatting import case_prompt
from .heartbeat import Heartbeater, beat, cancelled
from .modelio import load_model, load_tokenizer, resolve_device
from .paths import atomic_write_jsonl, inside, read_jsonl, require_run_dir

END = "</tool_use>"
START = "<tool_use>"


def after_last_block(text: str) -> str | None:
    """Text after the last </tool_use>, or None when no block has closed yet."""
    i = text.rfind(END)
    return None if i < 0 else text[i + len(END):]


def ran_past_blocks(text: str) -> bool:
    """True once the output has moved on from tool calls: a line or 32+ chars after the last block
    that do not open another <tool_use>. Lets base models that never emit EOS stop early."""
    rest = after_last_block(text)
    if rest is None:
        return False
    rest = rest.lstrip()
    if not rest or rest.startswith(START) or START.startswith(rest):
        return False
    return "\n" in rest or len(rest) >= 32


def trim(text: str) -> str:
    """Cut whatever follows the last tool block once generation had moved past it."""
    if ran_past_blocks(text):
        return text[: text.rfind(END) + len(END)]
    return text


def load_for_predict(inp: PredictInput, device: str, use_4bit: bool) -> tuple[Any, Any]:
    """(model, tokenizer) with the adapter applied (merged in memory unless 4-bit)."""
    tok = load_tokenizer(inp.model_path, inp.model, padding_side="left")
    model = load_model(inp.model_path, inp.model, device, use_4bit)
    if inp.adapter_dir:
        if not os.path.isfile(os.path.join(inp.adapter_dir, "adapter_config.json")):
            raise ModelNotFound(f"adapter not found: {inp.adapter_dir}", {"adapter_dir": inp.adapter_dir})
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, inp.adapter_dir)
        if not use_4bit:
            model = model.merge_and_unload()
    model.eval()
    return model, tok


def stops_after_blocks(tok: Any) -> StopRule:
    """The stop rule on a row's new token ids: ran_past_blocks() on the text of its last 48 tokens."""
    return lambda ids: ran_past_blocks(tok.decode(ids[-48:], skip_special_tokens=True))


def generate_batch(model: Any, tok: Any, prompts: list[str], inp: PredictInput) -> list[str]:
    """Greedy (or sampled when temperature > 0) completions of one left-padded batch, trimmed after the calls."""
    import torch

    enc = tok(prompts, return_tensors="pt", padding=True, add_special_tokens=(inp.record_format == "text"))
    with torch.no_grad():
        ids = decode_rows(model, enc["input_ids"].to(model.device), enc["attention_mask"].to(model.device),
                          inp.max_new_tokens, {tok.eos_token_id} - {None}, stops_after_blocks(tok), inp.temperature)
    return [trim(t) for t in tok.batch_decode(ids, skip_special_tokens=True)]


def run_predict(inp: PredictInput) -> PredictOutput:
    """Predict logic without the activity wrapper."""
    import torch

    require_run_dir(inp.run_dir)
    out_path: Path = inside(inp.run_dir, inp.out_path, "out_path")
    inside(inp.run_dir, inp.cases_path, "cases_path")
    if inp.adapter_dir:
        inside(inp.run_dir, inp.adapter_dir, "adapter_dir")
    if inp.batch_size < 1 or inp.max_new_tokens < 1 or inp.record_format not in ("text", "chat"):
        raise InvalidSpec("batch_size and max_new_tokens must be >= 1, record_format text|chat",
                          {"batch_size": inp.batch_size, "max_new_tokens": inp.max_new_tokens})
    cases = read_jsonl(inp.cases_path, "cases_path")
    device, use_4bit = resolve_device(inp.model)
    progress = {"done": 0, "total": len(cases)}
    rows: list[dict[str, Any]] = []
    with Heartbeater(lambda: dict(progress)):
        model, tok = load_for_predict(inp, device, use_4bit)
        torch.manual_seed(0)
        for i in range(0, len(cases), inp.batch_size):
            if cancelled():
                from temporalio.exceptions import CancelledError

                raise CancelledError("predict cancelled")
            batch = cases[i:i + inp.batch_size]
            t0 = time.perf_counter()
            texts = generate_batch(model, tok, [case_prompt(tok, c, inp.record_format) for c in batch], inp)
            per_case = (time.perf_counter() - t0) * 1000 / len(batch)
            rows += [{"id": c.get("id"), "output": t, "latency_ms": round(per_case, 3)} for c, t in zip(batch, texts)]
            progress["done"] = len(rows)
            beat(dict(progress))
    atomic_write_jsonl(out_path, rows)
    mean = sum(r["latency_ms"] for r in rows) / len(rows) if rows else 0.0
    return PredictOutput(predictions_path=str(out_path), count=len(rows), mean_latency_ms=mean)


@activity.defn(name="predict")
def predict(inp: PredictInput) -> PredictOutput:
    """Activity: write {id, output, latency_ms} JSONL for the cases (latency = batch time / batch size)."""
    return run_predict(inp)
