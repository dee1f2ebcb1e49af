"""forced_torch: one forward pass along a reference's greedy path finds what a greedy loop would."""

from __future__ import annotations

import numpy as np
from conftest import tiny_model_config

from activities.formatting import case_prompt
from activities.modelio import load_model, load_tokenizer
from activities.onnx_check import compare_greedy, forced_torch, greedy_torch
from activities.paths import read_jsonl

NEW = 24


def _model_and_prompts(tiny_run):
    tok = load_tokenizer(tiny_run["model_path"], tiny_model_config())
    model = load_model(tiny_run["model_path"], tiny_model_config(), "cpu", False).eval()
    prompts = [tok(case_prompt(tok, c, "text"))["input_ids"] for c in read_jsonl(tiny_run["cases"], "cases")[:4]]
    return model, [list(p) for p in prompts]


def test_forced_picks_and_logits_are_the_greedy_loops(tiny_run):
    model, prompts = _model_and_prompts(tiny_run)
    for prompt in prompts:
        tokens, logits = greedy_torch(model, prompt, NEW)
        picks, forced = forced_torch(model, prompt, tokens)
        assert picks == tokens
        assert forced.shape == logits.shape and np.abs(forced - logits).max() < 1e-4
        assert compare_greedy((tokens, logits), (picks, forced))[0]


def test_a_changed_model_parts_where_its_own_greedy_loop_does(tiny_run):
    import torch

    model, prompts = _model_and_prompts(tiny_run)
    refs = [greedy_torch(model, p, NEW) for p in prompts]
    with torch.no_grad():
        for param in model.parameters():
            param.add_(torch.randn_like(param) * 0.05)
    parted = 0
    for prompt, ref in zip(prompts, refs):
        own = greedy_torch(model, prompt, NEW)
        same, _, step = compare_greedy(ref, forced_torch(model, prompt, ref[0]))
        loop_same, _, loop_step = compare_greedy(ref, own)
        assert (same, step) == (loop_same, loop_step)
        parted += not same
    assert parted > 0, "the noise should change some greedy path"
