"""Stage predict: batched generation for each case of one or more case sets, with or without the LoRA adapter; the
sets of one call share one continuously refilled batch, and a row leaves it as soon as it has finished (decoding.py)."""

from __future__ import annotations

import os
import time
from typing import Any, Callable

from temporalio import activity

from .contracts import CaseSet, PredictedSet, PredictInput, PredictOutput
from .decoding import StopRule, decode_pool
from .errors import InvalidSpec, ModelNotFound
from .formatting import case_prompt
from .heartbeat import Heartbeater, beat, cancelled
from .modelio import load_model, load_tokenizer, resolve_device
from .packed_linear import pack_linears
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
    if device == "cpu":
        pack_linears(model)  # float32 products in oneDNN's prepacked layout: 1.2-1.9x faster decoding steps
    return model, tok


def stops_after_blocks(tok: Any) -> StopRule:
    """The stop rule on a row's new token ids: ran_past_blocks() on the text of its last 48 tokens."""
    return lambda ids: ran_past_blocks(tok.decode(ids[-48:], skip_special_tokens=True))


def encode_prompts(tok: Any, prompts: list[str], record_format: str) -> list[list[int]]:
    """Token ids of each prompt, unpadded, with the special tokens a text record's prompt gets."""
    enc = tok(prompts, add_special_tokens=(record_format == "text"))
    return [list(ids) for ids in enc["input_ids"]]


def generate_all(model: Any, tok: Any, prompts: list[str], inp: PredictInput, on_done: Callable[[int], None]) -> list[str]:
    """Greedy (or sampled when temperature > 0) completions of the prompts, trimmed after the calls: decoded
    shortest prompt first, batch_size rows at a time, finished rows replaced by waiting ones (decoding.decode_pool)."""
    import torch

    ids = encode_prompts(tok, prompts, inp.record_format)
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))  # stable: equal lengths keep their order
    with torch.no_grad():
        new = decode_pool(model, [ids[i] for i in order], tok.pad_token_id, inp.batch_size, inp.max_new_tokens,
                          {tok.eos_token_id} - {None}, stops_after_blocks(tok), inp.temperature,
                          on_done=lambda row: on_done(order[row]))
    texts = [""] * len(ids)
    for row, text in zip(order, tok.batch_decode(new, skip_special_tokens=True)):
        texts[row] = trim(text)
    return texts


def run_predict(inp: PredictInput) -> PredictOutput:
    """Predict logic without the activity wrapper: every set of the call pooled into one decoding run."""
    import torch

    require_run_dir(inp.run_dir)
    sets = [CaseSet(inp.cases_path, inp.out_path)] + list(inp.extra_sets)
    out_paths = [inside(inp.run_dir, s.out_path, "out_path") for s in sets]
    for s in sets:
        inside(inp.run_dir, s.cases_path, "cases_path")
    if inp.adapter_dir:
        inside(inp.run_dir, inp.adapter_dir, "adapter_dir")
    if inp.batch_size < 1 or inp.max_new_tokens < 1 or inp.record_format not in ("text", "chat"):
        raise InvalidSpec("batch_size and max_new_tokens must be >= 1, record_format text|chat",
                          {"batch_size": inp.batch_size, "max_new_tokens": inp.max_new_tokens})
    cases = [read_jsonl(s.cases_path, "cases_path") for s in sets]
    flat = [c for group in cases for c in group]
    device, use_4bit = resolve_device(inp.model)
    progress = {"done": 0, "total": len(flat)}

    def on_done(_: int) -> None:
        """Count a finished case, heartbeat, and stop between decoding steps once cancelled."""
        progress["done"] += 1
        beat(dict(progress))
        if cancelled():
            from temporalio.exceptions import CancelledError

            raise CancelledError("predict cancelled")

    with Heartbeater(lambda: dict(progress)):
        model, tok = load_for_predict(inp, device, use_4bit)
        torch.manual_seed(0)
        t0 = time.perf_counter()
        texts = generate_all(model, tok, [case_prompt(tok, c, inp.record_format) for c in flat], inp, on_done) if flat else []
        per_case = (time.perf_counter() - t0) * 1000 / max(len(flat), 1)
    outputs, start = [], 0
    for path, group in zip(out_paths, cases):
        rows = [{"id": c.get("id"), "output": t, "latency_ms": round(per_case, 3)} for c, t in zip(group, texts[start:start + len(group)])]
        start += len(group)
        atomic_write_jsonl(path, rows)
        outputs.append(PredictedSet(predictions_path=str(path), count=len(rows), mean_latency_ms=per_case if rows else 0.0))
    first = outputs[0]
    return PredictOutput(predictions_path=first.predictions_path, count=first.count, mean_latency_ms=first.mean_latency_ms, sets=outputs)


@activity.defn(name="predict")
def predict(inp: PredictInput) -> PredictOutput:
    """Activity: write {id, output, latency_ms} JSONL for each case set (latency = the call's generation time / its cases)."""
    return run_predict(inp)
