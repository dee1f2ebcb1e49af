"""Stage merge: the base model loaded unquantized, the best adapter applied and merged into its weights,
saved as one Hugging Face folder (safetensors, config, generation config, tokenizer, chat template)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from temporalio import activity

from .contracts import MergeInput, MergeOutput
from .errors import InvalidSpec, MergeMismatch, ModelNotFound
from .formatting import chat_template_of
from .heartbeat import Heartbeater, raise_if_cancelled
from .modelio import load_model, load_tokenizer
from .onnx_builder import dir_bytes
from .onnx_check import check_examples, compare_greedy, forced_torch, greedy_torch
from .paths import inside, publish_dir, read_jsonl, require_run_dir, tmp_dir_for

STAMP = "tooltune_merge.json"


def merge_key(inp: MergeInput) -> str:
    """What the merged folder depends on: the adapter's weights, the base and the check settings."""
    h = hashlib.sha256(json.dumps([inp.model_path, inp.check.prompts, inp.check.new_tokens]).encode())
    for name in ("adapter_config.json", "adapter_model.safetensors"):
        with open(os.path.join(inp.adapter_dir, name), "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def check_merge(adapted: Any, merged_fn: Any, examples: list[Any], new_tokens: int) -> tuple[Any, bool, float, list[int]]:
    """Greedy tokens of the adapter model, then the merged model's picks along them (the step its greedy loop would
    part at, in one pass: onnx_check.forced_torch): (merged model, equal, max diff, bad prompts)."""
    before = []
    for ex in examples:
        raise_if_cancelled("merge check")
        before.append(greedy_torch(adapted, ex.prompt_ids, new_tokens))
    merged = merged_fn()
    equal, worst, bad = True, 0.0, []
    for i, (ex, ref) in enumerate(zip(examples, before)):
        same, diff, _ = compare_greedy(ref, forced_torch(merged, ex.prompt_ids, ref[0]))
        worst = max(worst, diff)
        if not same:
            equal = False
            bad.append(i)
    return merged, equal, worst, bad


def save_merged(merged: Any, tok: Any, tmp: Path) -> None:
    """safetensors + config + generation config + tokenizer with its chat template."""
    from transformers import GenerationConfig

    merged.save_pretrained(tmp, safe_serialization=True)
    if not (tmp / "generation_config.json").is_file():
        GenerationConfig.from_model_config(merged.config).save_pretrained(tmp)
    tok.chat_template = chat_template_of(tok)
    tok.save_pretrained(tmp)


def run_merge(inp: MergeInput) -> MergeOutput:
    """Merge logic without the activity wrapper; a retry with the same adapter reuses a finished folder."""
    import torch
    from peft import PeftModel

    t0 = time.perf_counter()
    require_run_dir(inp.run_dir)
    final = inside(inp.run_dir, inp.out_dir, "out_dir")
    if inp.check.prompts < 1 or inp.check.new_tokens < 1:
        raise InvalidSpec("check.prompts and check.new_tokens must be >= 1", {"check": inp.check.__dict__})
    if not os.path.isfile(os.path.join(inp.adapter_dir, "adapter_config.json")):
        raise ModelNotFound(f"adapter not found: {inp.adapter_dir}", {"adapter_dir": inp.adapter_dir})
    key = merge_key(inp)
    stamp = final / STAMP
    if stamp.is_file() and json.loads(stamp.read_text()).get("key") == key:
        done = json.loads(stamp.read_text())["output"]
        return MergeOutput(**{**done, "reused": True, "wall_time_s": time.perf_counter() - t0})
    progress: dict[str, Any] = {"step": "load"}
    with Heartbeater(lambda: dict(progress)):
        # Unquantized on the CPU: merging into 4-bit weights would be lossy, and export reads fp32 weights.
        cfg = replace(inp.model, load_in_4bit=False)
        tok = load_tokenizer(inp.model_path, cfg)
        base = load_model(inp.model_path, cfg, "cpu", False)
        adapted = PeftModel.from_pretrained(base, inp.adapter_dir).eval()
        examples = check_examples(tok, read_jsonl(inp.val_path, "val_path"), inp.record_format, inp.check.prompts)
        progress["step"] = "check"
        torch.manual_seed(0)
        merged, equal, worst, bad = check_merge(adapted, lambda: adapted.merge_and_unload().eval(), examples,
                                                inp.check.new_tokens)
        if not equal:
            raise MergeMismatch(f"the merged model's greedy tokens differ from the adapter model's on prompts {bad}",
                                {"prompts": bad, "max_logit_diff": worst, "adapter_dir": inp.adapter_dir})
        progress["step"] = "save"
        tmp = tmp_dir_for(final)
        try:
            save_merged(merged, tok, tmp)
            out = MergeOutput(merged_dir=str(final), bytes=dir_bytes(tmp), check_prompts=len(examples),
                              check_new_tokens=inp.check.new_tokens, tokens_equal=equal, max_logit_diff=worst,
                              reused=False, wall_time_s=round(time.perf_counter() - t0, 3))
            (tmp / STAMP).write_text(json.dumps({"key": key, "output": out.__dict__}, indent=2))
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        publish_dir(tmp, final, replace=True)
    return out


@activity.defn(name="merge")
def merge(inp: MergeInput) -> MergeOutput:
    """Activity: merged Hugging Face folder of base + best adapter, checked token for token."""
    return run_merge(inp)
