"""The tiny tokenizer is deterministic and saved as a normal transformers tokenizer dir."""

from __future__ import annotations

from activities.contracts import TinyModelConfig
from activities.formatting import DEFAULT_CHAT_TEMPLATE
from activities.tiny import EOS, PAD, ensure_tiny, read_corpus, train_tokenizer


def test_tokenizer_training_is_deterministic(dataset):
    texts = read_corpus([dataset["train"], dataset["val"]])
    a = train_tokenizer(texts, 512).backend_tokenizer.to_str()
    b = train_tokenizer(texts, 512).backend_tokenizer.to_str()
    assert a == b


def test_tiny_dir_loads_with_auto_classes_and_is_reused(dataset, tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    cfg = TinyModelConfig(hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64, vocab_size=300)
    d = ensure_tiny(tmp_path / "tiny", cfg, [dataset["train"]])
    tok = AutoTokenizer.from_pretrained(d)
    assert tok.eos_token == EOS and tok.pad_token == PAD and tok.chat_template == DEFAULT_CHAT_TEMPLATE
    text = "User: Read package.json\nAssistant: I'll read it.\n<tool_use>read(file_path='package.json')</tool_use>"
    assert tok.decode(tok(text)["input_ids"]) == text
    model = AutoModelForCausalLM.from_pretrained(d)
    assert type(model).__name__ == "Phi3ForCausalLM" and model.config.vocab_size == len(tok)
    stamp = (d / "tooltune_tiny.json").stat().st_mtime_ns
    assert ensure_tiny(tmp_path / "tiny", cfg, [dataset["train"]]) == d
    assert (d / "tooltune_tiny.json").stat().st_mtime_ns == stamp  # same inputs: not rebuilt
