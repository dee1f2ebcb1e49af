"""merge -> export (fp32) -> quantize (int8, int4) on the tiny model: files, checks, fresh-process loads,
typed failures, reuse on retry and cancellation of the builder."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import TINY_LORA, TINY_TRAINING, assert_variants_generate_fresh, tiny_model_config
from temporalio.exceptions import CancelledError
from temporalio.testing import ActivityEnvironment

from activities.contracts import ExportCheck, ExportInput, FinetuneInput, MergeInput, QuantSettings
from activities.errors import ExportMismatch, InvalidSpec
from activities.export import check_fp32, run_export
from activities.finetune import run_finetune
from activities.merge import run_merge
from activities.builder_shim import flatten_rope
from activities.quantize import quantize_onnx, run_quantize

CHECK = ExportCheck(prompts=3, new_tokens=32, max_logit_diff=1e-3, agreement_records=16)


def _einp(run: dict, precision: str, out: str | None = None, **kw) -> ExportInput:
    root = os.path.join(run["run_dir"], "export")
    return ExportInput(run_dir=run["run_dir"], merged_dir=os.path.join(root, "merged"),
                       out_dir=out or os.path.join(root, "onnx", precision), settings=QuantSettings(precision=precision, **kw),
                       val_path=run["val"], check=CHECK, reference_dir=os.path.join(root, "onnx", "fp32"))


@pytest.fixture(scope="module")
def exported(tiny_run):
    """A short fine-tune (LoRA + full lm_head/embed_tokens), merged, exported to fp32, int8 and int4."""
    ft = run_finetune(FinetuneInput(
        run_dir=tiny_run["run_dir"], attempt_dir=os.path.join(tiny_run["run_dir"], "export-attempt"),
        model_path=tiny_run["model_path"], model=tiny_model_config(), lora=TINY_LORA,
        training=replace(TINY_TRAINING, max_steps=12, validation_frequency=0, save_steps=0), train_path=tiny_run["train"],
        val_path=tiny_run["val"]))
    merged = run_merge(MergeInput(run_dir=tiny_run["run_dir"], model_path=tiny_run["model_path"], model=tiny_model_config(),
                                  adapter_dir=ft.adapter_dir, val_path=tiny_run["val"],
                                  out_dir=os.path.join(tiny_run["run_dir"], "export", "merged"), check=CHECK))
    fp32 = run_export(_einp(tiny_run, "fp32"))
    int8 = run_quantize(_einp(tiny_run, "int8", block_size=32, accuracy_level=4))
    int4 = run_quantize(_einp(tiny_run, "int4", block_size=32, accuracy_level=4))
    return {"run": tiny_run, "adapter": ft.adapter_dir, "merged": merged, "fp32": fp32, "int8": int8, "int4": int4}


def test_merge_folder_loads_and_equals_adapter(exported):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    m = exported["merged"]
    assert m.tokens_equal and m.check_prompts == 3 and m.check_new_tokens == 32 and not m.reused
    d = Path(m.merged_dir)
    for f in ("model.safetensors", "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json"):
        assert (d / f).is_file(), f
    model = AutoModelForCausalLM.from_pretrained(str(d))
    tok = AutoTokenizer.from_pretrained(str(d))
    assert tok.chat_template and not any("lora" in k or "modules_to_save" in k for k in model.state_dict())
    base = AutoModelForCausalLM.from_pretrained(exported["run"]["model_path"])
    assert not model.lm_head.weight.equal(base.lm_head.weight)  # the trained head (modules_to_save) was merged in
    again = run_merge(MergeInput(run_dir=exported["run"]["run_dir"], model_path=exported["run"]["model_path"],
                                 model=tiny_model_config(), adapter_dir=exported["adapter"], val_path=exported["run"]["val"],
                                 out_dir=m.merged_dir, check=CHECK))
    assert again.reused and again.bytes == m.bytes  # a retry reuses the finished folder


def test_variant_folders_and_figures(exported):
    fp32, int8, int4 = exported["fp32"], exported["int8"], exported["int4"]
    assert fp32.tokens_equal and fp32.max_logit_diff is not None and fp32.max_logit_diff < 1e-3
    assert fp32.exporter.startswith("onnxruntime-genai builder 0.18")
    for v in (fp32, int8, int4):
        d = Path(v.path)
        assert d.name == v.variant and d.parent.name == "onnx"
        for f in ("model.onnx", "model.onnx.data", "genai_config.json", "tokenizer.json", "tokenizer_config.json", "config.json"):
            assert (d / f).is_file(), (v.variant, f)
        assert (d / "chat_template.jinja").is_file() or "chat_template" in json.loads((d / "tokenizer_config.json").read_text())
    assert int4.bytes < int8.bytes < fp32.bytes
    for q in (int8, int4):
        assert q.top1_agreement is not None and 0 < q.top1_agreement <= 1 and q.agreement_positions > 50
    assert int8.top1_agreement >= int4.top1_agreement
    leftovers = [p.name for p in Path(fp32.path).parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_fresh_process_runs_each_variant(exported):
    """onnxruntime (plain loop) and onnxruntime-genai load every variant in a new process and generate."""
    dirs = [exported[v].path for v in ("fp32", "int8", "int4")]
    assert_variants_generate_fresh(exported["merged"].merged_dir, exported["run"]["val"], dirs)


def test_tampered_model_is_an_export_mismatch(exported, tmp_path):
    import torch
    from transformers import AutoModelForCausalLM

    run = exported["run"]
    tampered = Path(run["run_dir"]) / "tampered"
    shutil.copytree(exported["merged"].merged_dir, tampered)
    model = AutoModelForCausalLM.from_pretrained(str(tampered))
    with torch.no_grad():
        model.lm_head.weight.mul_(1.05)
    model.save_pretrained(tampered)
    with pytest.raises(ExportMismatch) as e:
        check_fp32(_einp(run, "fp32"))(Path(exported["fp32"].path), tampered)
    assert e.value.non_retryable and e.value.type == "ExportMismatch"
    assert e.value.details[0]["mismatches"] and e.value.details[0]["max_logit_diff"] > 1e-3


def test_bad_settings_rejected_before_building(exported):
    run = exported["run"]
    for kw in ({"block_size": 48}, {"accuracy_level": 7}):
        out = os.path.join(run["run_dir"], "export", "onnx", "bad")
        with pytest.raises(InvalidSpec):
            run_quantize(_einp(run, "int4", out=out, **kw))
        assert not os.path.exists(out)
    with pytest.raises(InvalidSpec):
        run_export(_einp(run, "int4"))  # quantized variants go through quantize_onnx
    with pytest.raises(InvalidSpec):
        run_export(_einp(run, "fp32", out="/tmp/outside-run"))


def test_retry_reuses_and_cancel_kills_the_builder(exported):
    run = exported["run"]
    assert run_quantize(_einp(run, "int4", block_size=32, accuracy_level=4)).reused
    env = ActivityEnvironment()
    env.on_heartbeat = lambda *d: env.cancel()
    out = os.path.join(run["run_dir"], "export", "onnx", "cancelled")
    with pytest.raises(CancelledError):
        env.run(quantize_onnx, _einp(run, "int4", out=out, block_size=64))
    parent = Path(out).parent
    assert not os.path.exists(out) and not [p for p in parent.iterdir() if p.name.startswith(".cancelled")]


def test_flatten_rope_for_gemma3_style_configs():
    nested = {"rope_parameters": {"full_attention": {"rope_type": "default", "rope_theta": 1e6},
                                  "sliding_attention": {"rope_type": "default", "rope_theta": 1e4}}}
    flat = flatten_rope(nested)
    assert flat["rope_parameters"] == {"rope_type": "default", "rope_theta": 1e6}
    assert flat["rope_theta"] == 1e6 and flat["rope_local_base_freq"] == 1e4
    assert flatten_rope({"rope_parameters": {"rope_type": "default", "rope_theta": 1e4}}) == {}
