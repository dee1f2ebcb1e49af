"""decode_rows against model.generate: rows that finish leave the batch without changing the others' tokens."""

from __future__ import annotations

from collections import Counter

from conftest import tiny_model_config

from activities.decoding import decode_rows
from activities.formatting import case_prompt
from activities.modelio import load_model, load_tokenizer
from activities.paths import read_jsonl

NEW = 24


def _batch(tiny_run):
    tok = load_tokenizer(tiny_run["model_path"], tiny_model_config(), padding_side="left")
    model = load_model(tiny_run["model_path"], tiny_model_config(), "cpu", False).eval()
    prompts = [case_prompt(tok, c, "text") for c in read_jsonl(tiny_run["cases"], "cases")[:8]]
    return tok, model, tok(prompts, return_tensors="pt", padding=True)


def _generate(model, tok, enc, eos):
    import torch

    with torch.no_grad():
        out = model.generate(**enc, max_new_tokens=NEW, do_sample=False, temperature=None, top_p=None, top_k=None,
                             pad_token_id=tok.pad_token_id, eos_token_id=eos)
    return out[:, enc["input_ids"].shape[1]:].tolist()


def _until(ids: list[int], eos: int) -> list[int]:
    return ids[: ids.index(eos) + 1] if eos in ids else ids


def test_eos_rows_leave_the_batch_with_generates_tokens(tiny_run):
    import torch

    tok, model, enc = _batch(tiny_run)
    free = _generate(model, tok, enc, None)  # no EOS: every row runs NEW steps
    # An "EOS" that the rows reach at different steps, so rows leave the batch one by one.
    eos = Counter(t for row in free for t in row[2:]).most_common(1)[0][0]
    ends = {row.index(eos) if eos in row else NEW for row in free}
    assert len(ends) >= 3, f"rows should finish at different steps: {sorted(ends)}"
    with torch.no_grad():
        got = decode_rows(model, enc["input_ids"], enc["attention_mask"], NEW, {eos}, lambda ids: False)
    assert got == [_until(row, eos) for row in free]
    assert got == [_until(row, eos) for row in _generate(model, tok, enc, eos)]


def test_stop_rule_ends_a_row_and_the_rest_run_on(tiny_run):
    import torch

    tok, model, enc = _batch(tiny_run)
    free = _generate(model, tok, enc, None)
    cut = {tuple(row[: 3 + i]) for i, row in enumerate(free)}  # row i stops after 3 + i tokens
    with torch.no_grad():
        got = decode_rows(model, enc["input_ids"], enc["attention_mask"], NEW, set(), lambda ids: tuple(ids) in cut)
    assert got == [row[: 3 + i] for i, row in enumerate(free)]
    with torch.no_grad():
        capped = decode_rows(model, enc["input_ids"], enc["attention_mask"], 5, set(), lambda ids: False)
    assert capped == [row[:5] for row in free]


def test_sampling_is_seeded_and_every_row_gets_its_tokens(tiny_run):
    import torch

    tok, model, enc = _batch(tiny_run)
    draws = []
    for _ in range(2):
        torch.manual_seed(0)
        with torch.no_grad():
            draws.append(decode_rows(model, enc["input_ids"], enc["attention_mask"], 6, set(), lambda ids: False, temperature=1.0))
    assert draws[0] == draws[1] and len(draws[0]) == enc["input_ids"].shape[0]
    assert all(len(row) == 6 for row in draws[0])
    assert draws[0] != [row[:6] for row in _generate(model, tok, enc, None)]  # sampled, not greedy
