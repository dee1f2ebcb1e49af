"""The GGUF conversion with its parse-once speed-up gives what transformers' plain loader gives, byte for byte
(the packaged SmolLM2 Q4_1, which setup.sh installs: ~30 s, so marked slow)."""

from __future__ import annotations

import pytest

from activities.gguf_cache import ensure_converted, parsed_once, smollm2_gguf

pytestmark = pytest.mark.slow


def test_parsed_once_restores_gguf_afterwards():
    import gguf

    before = (gguf.GGUFReader, gguf.get_tensor_name_map)
    with parsed_once():
        assert gguf.GGUFReader is not before[0] and gguf.get_tensor_name_map is not before[1]
    assert (gguf.GGUFReader, gguf.get_tensor_name_map) == before


def test_conversion_equals_the_plain_loader(tmp_path):
    import torch
    from safetensors.torch import load_file
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf_file = smollm2_gguf()
    out = ensure_converted(gguf_file, tmp_path)
    plain = AutoModelForCausalLM.from_pretrained(str(gguf_file.parent), gguf_file=gguf_file.name, dtype=torch.float32)
    ours = load_file(str(out / "model.safetensors"))
    theirs = plain.state_dict()
    assert set(ours) <= set(theirs) and len(ours) >= 270
    assert all(torch.equal(ours[k], theirs[k]) for k in ours)
    tok = AutoTokenizer.from_pretrained(str(gguf_file.parent), gguf_file=gguf_file.name)
    assert AutoTokenizer.from_pretrained(str(out)).get_vocab() == tok.get_vocab()
