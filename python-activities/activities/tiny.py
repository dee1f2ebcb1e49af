"""Offline tiny Phi-3-architecture model + byte-level BPE tokenizer (tests, CI, CPU demos)."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from .contracts import TinyModelConfig
from .errors import DatasetError, InvalidSpec
from .formatting import DEFAULT_CHAT_TEMPLATE, corpus_texts
from .paths import publish_dir, read_jsonl, tmp_dir_for

EOS = "<|endoftext|>"
PAD = "<|pad|>"
ADDED = ["<tool_use>", "</tool_use>"]
STAMP = "tooltune_tiny.json"


def read_corpus(paths: list[str]) -> list[str]:
    """All text fields of the given JSONL files, in file order (deterministic)."""
    texts: list[str] = []
    for p in paths:
        for rec in read_jsonl(p, "tokenizer corpus"):
            texts.extend(t for t in corpus_texts(rec) if t)
    if not texts:
        raise DatasetError("tokenizer corpus is empty", {"paths": paths})
    return texts


def train_tokenizer(texts: list[str], vocab_size: int):
    """Train a deterministic byte-level BPE and wrap it as a PreTrainedTokenizerFast."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, min_frequency=2, show_progress=False,
        special_tokens=[EOS, PAD], initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(texts, trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token=EOS, pad_token=PAD, bos_token=None, unk_token=None)
    fast.add_tokens(ADDED)
    fast.chat_template = DEFAULT_CHAT_TEMPLATE
    fast.model_max_length = 1 << 20
    return fast


def build_model(cfg: TinyModelConfig, vocab_size: int, eos_id: int, pad_id: int):
    """A seeded, randomly initialised Phi3ForCausalLM (qkv_proj, o_proj, gate_up_proj, down_proj)."""
    import torch
    from transformers import Phi3Config, Phi3ForCausalLM

    if cfg.hidden_size % cfg.num_attention_heads:
        raise InvalidSpec("tiny.hidden_size must be divisible by num_attention_heads", asdict(cfg))
    config = Phi3Config(
        vocab_size=vocab_size, hidden_size=cfg.hidden_size, intermediate_size=cfg.intermediate_size,
        num_hidden_layers=cfg.num_hidden_layers, num_attention_heads=cfg.num_attention_heads,
        num_key_value_heads=cfg.num_attention_heads, max_position_embeddings=cfg.max_position_embeddings,
        original_max_position_embeddings=cfg.max_position_embeddings, bos_token_id=eos_id,
        eos_token_id=eos_id, pad_token_id=pad_id, tie_word_embeddings=False,
    )
    torch.manual_seed(cfg.seed)
    return Phi3ForCausalLM(config).float()


def _key(cfg: TinyModelConfig, texts: list[str]) -> str:
    h = hashlib.sha256(json.dumps(asdict(cfg), sort_keys=True).encode())
    for t in texts:
        h.update(t.encode("utf-8") + b"\0")
    return h.hexdigest()


def ensure_tiny(model_dir: Path, cfg: TinyModelConfig, corpus_paths: list[str]) -> Path:
    """Build tokenizer + model into model_dir once; a retry with the same inputs reuses it."""
    texts = read_corpus(corpus_paths)
    key = _key(cfg, texts)
    stamp = model_dir / STAMP
    if stamp.is_file() and json.loads(stamp.read_text()).get("key") == key:
        return model_dir
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    tok = train_tokenizer(texts, cfg.vocab_size)
    model = build_model(cfg, len(tok), tok.eos_token_id, tok.pad_token_id)
    tmp = tmp_dir_for(model_dir)
    model.save_pretrained(tmp)
    tok.save_pretrained(tmp)
    (tmp / STAMP).write_text(json.dumps({"key": key, "tiny": asdict(cfg)}, indent=2))
    return publish_dir(tmp, model_dir, replace=True)
