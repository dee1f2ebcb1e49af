"""pack_linears: every float32 linear swapped for a oneDNN-prepacked one, with the same logits within float32
rounding and the same greedy tokens; nothing swapped when switched off or for other dtypes."""

from __future__ import annotations

import pytest
from conftest import tiny_model_config

from activities.decoding import decode_pool
from activities.formatting import case_prompt
from activities.modelio import load_model, load_tokenizer
from activities.packed_linear import ENV_SWITCH, pack_linears, packing_available
from activities.paths import read_jsonl

pytestmark = pytest.mark.skipif(not packing_available(), reason="this PyTorch build has no oneDNN prepacked linear ops")


def _models(tiny_run):
    import torch

    plain = load_model(tiny_run["model_path"], tiny_model_config(), "cpu", False).eval()
    packed = load_model(tiny_run["model_path"], tiny_model_config(), "cpu", False).eval()
    linears = sum(type(m) is torch.nn.Linear for m in packed.modules())
    assert pack_linears(packed) == linears > 0
    assert not any(type(m) is torch.nn.Linear for m in packed.modules())
    return plain, packed


def test_packed_model_gives_the_same_logits_and_greedy_tokens(tiny_run):
    import torch

    plain, packed = _models(tiny_run)
    tok = load_tokenizer(tiny_run["model_path"], tiny_model_config(), padding_side="left")
    prompts = [case_prompt(tok, c, "text") for c in read_jsonl(tiny_run["cases"], "cases")[:8]]
    enc = tok(prompts, return_tensors="pt", padding=True)
    with torch.no_grad():
        a, b = plain(**enc).logits, packed(**enc).logits
    assert a.shape == b.shape
    torch.testing.assert_close(b, a, rtol=1e-4, atol=1e-4)
    ids = [row[m.bool()].tolist() for row, m in zip(enc["input_ids"], enc["attention_mask"])]
    with torch.no_grad():
        x = decode_pool(plain, ids, tok.pad_token_id, 3, 16, set(), lambda _: False)
        y = decode_pool(packed, ids, tok.pad_token_id, 3, 16, set(), lambda _: False)
    assert x == y


def test_switched_off_or_not_float32_nothing_is_swapped(tiny_run, monkeypatch):
    import torch

    model = load_model(tiny_run["model_path"], tiny_model_config(), "cpu", False).eval()
    monkeypatch.setenv(ENV_SWITCH, "0")
    assert not packing_available()
    assert pack_linears(model) == 0
    monkeypatch.delenv(ENV_SWITCH)
    model = model.to(torch.bfloat16)
    assert pack_linears(model) == 0
    assert any(type(m) is torch.nn.Linear for m in model.modules())


def test_a_linear_with_bias_and_3d_input():
    import torch

    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(12, 20), torch.nn.Linear(20, 7, bias=False)).eval()
    x = torch.randn(3, 5, 12)
    with torch.no_grad():
        want = net(x)
        assert pack_linears(net) == 2
        got = net(x)
        got_strided = net(x.transpose(0, 1).contiguous().transpose(0, 1))  # not contiguous
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(got_strided, want, rtol=1e-5, atol=1e-5)
