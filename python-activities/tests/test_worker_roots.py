"""The Python worker reads and writes only where the workers' configuration allows: run_dir inside
$TOOLTUNE_ARTIFACTS_ROOT, the run's input files inside run_dir, a gguf_file inside the input roots."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import TINY_LORA, TINY_TRAINING, tiny_model_config

from activities.contracts import FinetuneInput, ModelConfig, PredictInput, PreflightInput
from activities.errors import InvalidSpec
from activities.finetune import run_finetune
from activities.gguf_cache import gguf_path
from activities.paths import PROJECT_ROOT, artifacts_root, input_roots, require_run_dir
from activities.predict import run_predict
from activities.preflight import run_preflight


def test_roots_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("TOOLTUNE_ARTIFACTS_ROOT")
    monkeypatch.delenv("TOOLTUNE_INPUT_ROOTS", raising=False)
    assert artifacts_root() == Path(os.path.realpath(PROJECT_ROOT / "artifacts"))
    assert input_roots() == [Path(os.path.realpath(PROJECT_ROOT))]
    monkeypatch.setenv("TOOLTUNE_INPUT_ROOTS", os.pathsep.join([str(tmp_path), "specs"]))
    assert input_roots() == [Path(os.path.realpath(tmp_path)), Path(os.path.realpath(PROJECT_ROOT / "specs"))]


def test_run_dir_must_lie_inside_the_artifacts_root(tmp_path, artifacts_root):
    assert require_run_dir(str(tmp_path)) == Path(os.path.realpath(tmp_path))
    for outside in ("/", "/tmp", str(artifacts_root), str(artifacts_root / ".." / "x")):
        with pytest.raises(InvalidSpec, match="artifacts root"):
            require_run_dir(outside)
    with pytest.raises(InvalidSpec, match="artifacts root"):
        run_preflight(PreflightInput(run_dir="/etc", model=tiny_model_config(), lora=TINY_LORA, tokenizer_corpus_paths=["/etc/hostname"]))


def test_inputs_outside_the_run_dir_are_refused(tiny_run, tmp_path):
    outside = str(Path(tiny_run["run_dir"]).parent / "elsewhere.jsonl")
    inp = FinetuneInput(run_dir=tiny_run["run_dir"], attempt_dir=os.path.join(tiny_run["run_dir"], "roots"), model_path=tiny_run["model_path"],
                        model=tiny_model_config(), lora=TINY_LORA, training=replace(TINY_TRAINING, max_steps=1),
                        train_path=outside, val_path=tiny_run["val"])
    with pytest.raises(InvalidSpec, match="train_path .* is not inside run_dir"):
        run_finetune(inp)
    pred = PredictInput(run_dir=tiny_run["run_dir"], model_path=tiny_run["model_path"], model=tiny_model_config(),
                        cases_path="/etc/passwd", out_path=os.path.join(tiny_run["run_dir"], "p.jsonl"))
    with pytest.raises(InvalidSpec, match="cases_path"):
        run_predict(pred)
    with pytest.raises(InvalidSpec, match="adapter_dir"):
        run_predict(replace(pred, cases_path=tiny_run["cases"], adapter_dir="/tmp"))
    with pytest.raises(InvalidSpec, match="tokenizer_corpus_paths"):
        run_preflight(PreflightInput(run_dir=str(tmp_path), model=tiny_model_config(), lora=TINY_LORA, tokenizer_corpus_paths=["/etc/hostname"]))


def test_gguf_file_must_lie_inside_the_input_roots(monkeypatch, tmp_path):
    planted = tmp_path / "x.gguf"
    planted.write_bytes(b"GGUF")
    monkeypatch.setenv("TOOLTUNE_INPUT_ROOTS", str(tmp_path / "inputs"))
    monkeypatch.setenv("TOOLTUNE_ARTIFACTS_ROOT", str(tmp_path / "arts"))
    with pytest.raises(InvalidSpec, match="outside the workers' input folders"):
        gguf_path(ModelConfig(model_name="g", source="gguf", gguf_file=str(planted)), tmp_path)
    monkeypatch.setenv("TOOLTUNE_INPUT_ROOTS", str(tmp_path))
    assert gguf_path(ModelConfig(model_name="g", source="gguf", gguf_file=str(planted)), tmp_path) == planted.resolve()
