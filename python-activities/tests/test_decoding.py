"""decode_pool against model.generate: rows that finish leave the batch, waiting rows join it, and no row's
tokens change."""

from __future__ import annotations

from collections import Counter

from conftest import tiny_model_config

from activities.decoding import _prefill, decode_pool, refillable
from activities.formatting import case_prompt
from activities.modelio import load_model, load_tokenizer
from activities.paths import read_jsonl

NEW = 24


def _batch(tiny_run):
    tok = load_tokenizer(tiny_run["model_path"], tiny_model_config(), padding_side="left")
    model = load_model(tiny_run["model_path"], tiny_model_config(), "cpu", False).eval()
    prompts = [case_prompt(tok, c, "text") for c in read_jsonl(tiny_run["cases"], "cases")[:8]]
    enc = tok(prompts, return_tensors="pt", padding=True)
    ids = [row[mask.bool()].tolist() for row, mask in zip(enc["input_ids"], enc["attention_mask"])]
    assert len({len(i) for i in ids}) > 1, "the prompts should differ in length, so padding is exercised"
    return tok, model, enc, ids


def _generate(model, tok, enc, eos):
    import torch

    with torch.no_grad():
        out = model.generate(**enc, max_new_tokens=NEW, do_sample=False, temperature=None, top_p=None, top_k=None,
                             pad_token_id=tok.pad_token_id, eos_token_id=eos)
    return out[:, enc["input_ids"].shape[1]:].tolist()


def _until(ids: list[int], eos: int) -> list[int]:
    return ids[: ids.index(eos) + 1] if eos in ids else ids


def _pool(model, tok, ids, batch_size, new, eos, stop, **kw):
    import torch

    with torch.no_grad():
        return decode_pool(model, ids, tok.pad_token_id, batch_size, new, eos, stop, **kw)


def test_eos_rows_leave_the_batch_with_generates_tokens(tiny_run):
    tok, model, enc, ids = _batch(tiny_run)
    free = _generate(model, tok, enc, None)  # no EOS: every row runs NEW steps
    # An "EOS" that the rows reach at different steps, so rows leave the batch one by one.
    eos = Counter(t for row in free for t in row[2:]).most_common(1)[0][0]
    ends = {row.index(eos) if eos in row else NEW for row in free}
    assert len(ends) >= 3, f"rows should finish at different steps: {sorted(ends)}"
    got = _pool(model, tok, ids, len(ids), NEW, {eos}, lambda ids: False)
    assert got == [_until(row, eos) for row in free]
    assert got == [_until(row, eos) for row in _generate(model, tok, enc, eos)]


def test_waiting_rows_join_the_batch_and_get_the_same_tokens(tiny_run):
    import torch

    tok, model, enc, ids = _batch(tiny_run)
    with torch.no_grad():
        assert refillable(_prefill(model, ids[:2], tok.pad_token_id, model.device)[0]), "the tiny model's cache must take refills"
    free = _generate(model, tok, enc, None)
    eos = Counter(t for row in free for t in row[2:]).most_common(1)[0][0]
    finished: list[int] = []
    # Two places: rows join as others finish, with prompts and caches of other lengths than the running rows'.
    got = _pool(model, tok, ids, 2, NEW, {eos}, lambda ids: False, on_done=finished.append)
    assert got == [_until(row, eos) for row in free]
    assert sorted(finished) == list(range(len(ids)))


def test_stop_rule_ends_a_row_and_the_rest_run_on(tiny_run):
    tok, model, enc, ids = _batch(tiny_run)
    free = _generate(model, tok, enc, None)
    cut = {tuple(row[: 3 + i]) for i, row in enumerate(free)}  # row i stops after 3 + i tokens
    got = _pool(model, tok, ids, len(ids), NEW, set(), lambda ids: tuple(ids) in cut)
    assert got == [row[: 3 + i] for i, row in enumerate(free)]
    assert _pool(model, tok, ids, 3, NEW, set(), lambda ids: tuple(ids) in cut) == got
    capped = _pool(model, tok, ids, len(ids), 5, set(), lambda ids: False)
    assert capped == [row[:5] for row in free]


def test_sampling_is_seeded_and_every_row_gets_its_tokens(tiny_run):
    import torch

    tok, model, enc, ids = _batch(tiny_run)
    draws = []
    for _ in range(2):
        torch.manual_seed(0)
        draws.append(_pool(model, tok, ids, 3, 6, set(), lambda ids: False, temperature=1.0))
    assert draws[0] == draws[1] and len(draws[0]) == len(ids)
    assert all(len(row) == 6 for row in draws[0])
    assert draws[0] != [row[:6] for row in _generate(model, tok, enc, None)]  # sampled, not greedy


def test_a_cache_that_takes_no_refills_decodes_batch_after_batch(tiny_run, monkeypatch):
    """Sliding-window caches (Gemma 3) cannot be padded and joined: a new batch starts once the last is done."""
    import activities.decoding as decoding

    tok, model, enc, ids = _batch(tiny_run)
    free = _generate(model, tok, enc, None)
    eos = Counter(t for row in free for t in row[2:]).most_common(1)[0][0]
    prefills: list[int] = []
    real_prefill = decoding._prefill

    def counting_prefill(model, prompts, pad_id, device):
        prefills.append(len(prompts))
        return real_prefill(model, prompts, pad_id, device)

    monkeypatch.setattr(decoding, "refillable", lambda cache: False)
    monkeypatch.setattr(decoding, "_prefill", counting_prefill)
    got = _pool(model, tok, ids, 3, NEW, {eos}, lambda ids: False)
    assert got == [_until(row, eos) for row in free]
    assert prefills == [3, 3, 2]
