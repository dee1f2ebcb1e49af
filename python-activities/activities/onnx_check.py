"""Checks of exported models: a KV-cache greedy loop over the builder's ONNX graph (plain onnxruntime),
the same loop in PyTorch, and teacher-forced top-1 agreement between two ONNX variants."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelNotFound
from .formatting import split_record
from .heartbeat import raise_if_cancelled

_DTYPES = {"tensor(float)": np.float32, "tensor(float16)": np.float16}


class OnnxDecoder:
    """One builder-made decoder (genai_config.json + model.onnx) in an onnxruntime CPU session."""

    def __init__(self, variant_dir: Path, threads: int = 0) -> None:
        import onnxruntime as ort

        cfg_path = variant_dir / "genai_config.json"
        if not cfg_path.is_file():
            raise ModelNotFound(f"genai_config.json missing in {variant_dir}", {"variant_dir": str(variant_dir)})
        dec = json.loads(cfg_path.read_text())["model"]["decoder"]
        opts = ort.SessionOptions()
        if threads:
            opts.intra_op_num_threads = threads
        opts.log_severity_level = 3
        self.sess = ort.InferenceSession(str(variant_dir / dec["filename"]), opts, providers=["CPUExecutionProvider"])
        self.layers, self.kv_heads, self.head = dec["num_hidden_layers"], dec["num_key_value_heads"], dec["head_size"]
        inputs = {i.name: i.type for i in self.sess.get_inputs()}
        self.kv_dtype = _DTYPES.get(inputs.get("past_key_values.0.key", "tensor(float)"), np.float32)
        self.position_ids = "position_ids" in inputs
        self.outputs = [o.name for o in self.sess.get_outputs()]

    def empty_past(self) -> dict[str, np.ndarray]:
        """A zero-length KV cache (the graph's way of saying 'no past')."""
        z = np.zeros((1, self.kv_heads, 0, self.head), dtype=self.kv_dtype)
        return {f"past_key_values.{i}.{kv}": z for i in range(self.layers) for kv in ("key", "value")}

    def forward(self, ids: list[int], past: dict[str, np.ndarray]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Logits [len(ids), vocab] (float32) for ids after `past`, and the grown cache."""
        past_len = next(iter(past.values())).shape[2]
        feeds: dict[str, Any] = {"input_ids": np.array([ids], dtype=np.int64),
                                 "attention_mask": np.ones((1, past_len + len(ids)), dtype=np.int64), **past}
        if self.position_ids:
            feeds["position_ids"] = np.arange(past_len, past_len + len(ids), dtype=np.int64)[None, :]
        outs = dict(zip(self.outputs, self.sess.run(None, feeds)))
        grown = {k.replace("present.", "past_key_values.", 1): v for k, v in outs.items() if k.startswith("present.")}
        return outs["logits"][0].astype(np.float32), grown

    def greedy(self, prompt_ids: list[int], new_tokens: int) -> tuple[list[int], np.ndarray]:
        """Greedy tokens (no EOS stop) and the logits each step chose from [new_tokens, vocab]."""
        logits, past = self.forward(prompt_ids, self.empty_past())
        steps, tokens = [logits[-1]], [int(np.argmax(logits[-1]))]
        while len(tokens) < new_tokens:
            logits, past = self.forward([tokens[-1]], past)
            steps.append(logits[-1])
            tokens.append(int(np.argmax(logits[-1])))
        return tokens, np.stack(steps)


def greedy_torch(model: Any, prompt_ids: list[int], new_tokens: int) -> tuple[list[int], np.ndarray]:
    """The same greedy loop in PyTorch (KV cache, no EOS stop): tokens and per-step logits."""
    import torch

    with torch.no_grad():
        out = model(input_ids=torch.tensor([prompt_ids], device=model.device), use_cache=True)
        steps = [out.logits[0, -1].float().cpu().numpy()]
        tokens = [int(steps[-1].argmax())]
        while len(tokens) < new_tokens:
            out = model(input_ids=torch.tensor([[tokens[-1]]], device=model.device),
                        past_key_values=out.past_key_values, use_cache=True)
            steps.append(out.logits[0, -1].float().cpu().numpy())
            tokens.append(int(steps[-1].argmax()))
    return tokens, np.stack(steps)


def forced_torch(model: Any, prompt_ids: list[int], tokens: list[int]) -> tuple[list[int], np.ndarray]:
    """The model's own greedy picks and logits along another model's greedy path, in one forward pass.

    Position k's logits condition on the prompt and tokens[:k], as a greedy loop's step k does when the first k
    tokens agreed; so compare_greedy(reference, forced_torch(model, prompt, reference tokens)) finds the first step
    where the model's greedy loop would part from the reference's, and the logit difference up to it, without
    decoding token by token (a batch-1 loop costs ~70 ms a step on a 2-core CPU; this is one pass).
    """
    import torch

    ids = prompt_ids + tokens[:-1]
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([ids], device=model.device), use_cache=False).logits[0, len(prompt_ids) - 1:]
    steps = logits.float().cpu().numpy()
    return [int(t) for t in steps.argmax(-1)], steps


@dataclass
class CheckExample:
    """One validation record as ids: the prompt and its reference completion."""

    prompt_ids: list[int]
    completion_ids: list[int]


def check_examples(tokenizer: Any, records: list[dict[str, Any]], record_format: str, count: int) -> list[CheckExample]:
    """The first `count` validation records tokenized the way predict and finetune tokenize them."""
    out = []
    for rec in records[:count]:
        prompt, completion = split_record(tokenizer, rec, record_format)
        p = tokenizer(prompt, add_special_tokens=(record_format == "text"))["input_ids"]
        c = tokenizer(completion, add_special_tokens=False)["input_ids"]
        out.append(CheckExample(list(p), list(c)))
    return out


def compare_greedy(a: tuple[list[int], np.ndarray], b: tuple[list[int], np.ndarray]) -> tuple[bool, float, int]:
    """(tokens equal, max |logit difference| over the steps both took on the same path, steps compared)."""
    same = 0
    while same < min(len(a[0]), len(b[0])) and a[0][same] == b[0][same]:
        same += 1
    steps = min(same + 1, len(a[0]), len(b[0]))  # the first differing step is compared too
    diff = float(np.max(np.abs(a[1][:steps] - b[1][:steps]))) if steps else 0.0
    return a[0] == b[0], diff, steps


def top1_agreement(reference: OnnxDecoder, candidate: OnnxDecoder, examples: list[CheckExample]) -> tuple[float, int]:
    """Fraction of teacher-forced completion positions where both models rank the same token first."""
    agree = total = 0
    for ex in examples:
        raise_if_cancelled("agreement check")
        ids = ex.prompt_ids + ex.completion_ids
        start = len(ex.prompt_ids) - 1  # the logits that predict the first completion token
        ref, _ = reference.forward(ids, reference.empty_past())
        cand, _ = candidate.forward(ids, candidate.empty_past())
        r, c = ref[start:len(ids) - 1].argmax(-1), cand[start:len(ids) - 1].argmax(-1)
        agree += int((r == c).sum())
        total += len(r)
    return (agree / total if total else 0.0), total
