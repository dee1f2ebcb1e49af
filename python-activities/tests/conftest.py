"""Shared fixtures: a generated MCP dataset and the tiny Phi-3 model built once per session."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # tests never reach a model hub
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TOOLTUNE_TORCH_THREADS", "1")  # tiny ops: 1 thread is fastest and immune to a busy neighbour

import torch  # noqa: E402

torch.set_num_threads(int(os.environ["TOOLTUNE_TORCH_THREADS"]))

from activities.contracts import (  # noqa: E402
    LoraConfig, ModelConfig, PreflightInput, TinyModelConfig, TrainingConfig,
)
from activities.preflight import run_preflight  # noqa: E402
from fixture_data import write_dataset  # noqa: E402

# Settings that make the random tiny model learn the tool-calling task in seconds on CPU.
TINY = TinyModelConfig(hidden_size=128, num_hidden_layers=2, num_attention_heads=4, intermediate_size=256,
                       vocab_size=512, max_position_embeddings=512, seed=0)
TINY_LORA = LoraConfig(lora_r=32, lora_alpha=64, lora_dropout=0.05, lora_target_modules=["all-linear"],
                       modules_to_save=["lm_head", "embed_tokens"])
TINY_TRAINING = TrainingConfig(learning_rate=3e-3, num_train_epochs=20, per_device_train_batch_size=8,
                               gradient_accumulation_steps=1, max_seq_length=128, weight_decay=0.0,
                               early_stopping_patience=3, validation_frequency=20, warmup_ratio=0.05,
                               lr_scheduler_type="linear", seed=42, save_steps=50)


def tiny_model_config() -> ModelConfig:
    """ModelConfig for the offline tiny model."""
    return ModelConfig(model_name="tiny-phi3", source="tiny", tiny=TINY)


@pytest.fixture(scope="session", autouse=True)
def artifacts_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workers' artifacts root for the whole session: pytest's temp folder, never the project's
    artifacts/ (run dirs must lie inside it; worker subprocesses inherit the variable)."""
    root = tmp_path_factory.getbasetemp()
    os.environ["TOOLTUNE_ARTIFACTS_ROOT"] = str(root)
    return root


@pytest.fixture(scope="session")
def shared_run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's run folder: the dataset and the tiny model live in it, as in a real run."""
    return tmp_path_factory.mktemp("run")


@pytest.fixture(scope="session")
def dataset(shared_run_dir: Path) -> dict[str, str]:
    """train/val/cases JSONL (text format) of ~77/19 records, in the run folder's dataset/."""
    return write_dataset(shared_run_dir / "dataset")


@pytest.fixture(scope="session")
def tiny_run(shared_run_dir: Path, dataset: dict[str, str]) -> dict[str, str]:
    """A run dir with the tiny model built by preflight; returns paths."""
    run_dir = shared_run_dir
    out = run_preflight(PreflightInput(run_dir=str(run_dir), model=tiny_model_config(), lora=TINY_LORA,
                                       tokenizer_corpus_paths=[dataset["train"], dataset["val"]]))
    return {"run_dir": str(run_dir), "model_path": out.model_path, **dataset}


FRESH = Path(__file__).with_name("onnx_fresh_process.py")


def assert_variants_generate_fresh(hf_dir: str, val_path: str, dirs: list[str]) -> list[int]:
    """Plain onnxruntime and onnxruntime-genai load each variant folder in a new process and generate 32 tokens;
    the first folder (fp32) gives the HF model's greedy tokens. Returns those PyTorch tokens."""
    import json
    import subprocess

    from transformers import AutoModelForCausalLM, AutoTokenizer

    from activities.onnx_check import check_examples, greedy_torch
    from activities.paths import read_jsonl

    tok = AutoTokenizer.from_pretrained(hf_dir)
    ex = check_examples(tok, read_jsonl(val_path, "val"), "text", 1)[0]
    torch_tokens, _ = greedy_torch(AutoModelForCausalLM.from_pretrained(hf_dir).eval(), ex.prompt_ids, 32)
    out = subprocess.run([sys.executable, str(FRESH), json.dumps(ex.prompt_ids), "32", *dirs],
                         capture_output=True, text=True, timeout=120, check=True)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    for d in dirs:
        assert len(res[d]["ort"]) == 32 and 0 < len(res[d]["genai"]) <= 32
    assert res[dirs[0]]["ort"] == torch_tokens
    genai = res[dirs[0]]["genai"]
    assert genai == torch_tokens[:len(genai)]  # onnxruntime-genai stops at EOS; the tokens before it match
    return torch_tokens
