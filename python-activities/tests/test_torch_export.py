"""The torch.onnx fallback exporter: a GPT-2 model (an architecture the onnxruntime-genai builder does not
support) exported to fp32 / int8 / int4 by auto fallback, loaded in fresh processes by onnxruntime and
onnxruntime-genai; `exporter: torch` forced on the project's tiny Phi-3 model; typed failures; cancellation."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import assert_variants_generate_fresh
from temporalio.exceptions import CancelledError
from temporalio.testing import ActivityEnvironment

from activities.contracts import ExportCheck, ExportInput, QuantSettings
from activities.errors import UnsupportedArchitecture
from activities.export import choose_exporter, export_onnx, run_export
from activities.onnx_builder import builder_architectures
from activities.onnx_check import OnnxDecoder
from activities.quantize import run_quantize
from activities.torch_export import fold_weight_transposes, gemm_to_matmul

CHECK = ExportCheck(prompts=2, new_tokens=32, max_logit_diff=1e-3, agreement_records=8)


def _inp(root: Path, merged: Path, precision: str, exporter: str = "auto", **kw) -> ExportInput:
    """Variant `precision` of `merged` into root/<precision> (root lies in the session's run folder)."""
    run_dir = next(p for p in root.parents if (p / "dataset" / "val.jsonl").is_file())
    return ExportInput(run_dir=str(run_dir), merged_dir=str(merged), out_dir=str(root / precision),
                       settings=QuantSettings(precision=precision, **kw), val_path=str(run_dir / "dataset" / "val.jsonl"),
                       check=CHECK, reference_dir=str(root / "fp32"), exporter=exporter)


@pytest.fixture(scope="module")
def gpt2(tiny_run) -> Path:
    """A seeded random GPT-2 (wide init, so greedy tokens vary) with the tiny model's tokenizer, in the run folder."""
    import torch
    from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel

    tok = AutoTokenizer.from_pretrained(tiny_run["model_path"])
    torch.manual_seed(0)
    config = GPT2Config(n_layer=2, n_embd=64, n_head=4, vocab_size=len(tok), n_positions=512, initializer_range=0.2,
                        bos_token_id=tok.eos_token_id, eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id)
    out = Path(tiny_run["run_dir"]) / "torch-export" / "gpt2-merged"
    GPT2LMHeadModel(config).eval().save_pretrained(out)
    tok.save_pretrained(out)
    return out


@pytest.fixture(scope="module")
def fallback(gpt2: Path) -> dict:
    """fp32, int8 and int4 of the GPT-2 model, each made by the torch fallback under exporter auto."""
    root = gpt2.parent / "onnx"
    fp32 = run_export(_inp(root, gpt2, "fp32"))
    int8 = run_quantize(_inp(root, gpt2, "int8"))
    int4 = run_quantize(_inp(root, gpt2, "int4", block_size=32, accuracy_level=4))
    return {"root": root, "merged": gpt2, "fp32": fp32, "int8": int8, "int4": int4}


def _params(merged: Path) -> list:
    from transformers import AutoModelForCausalLM

    return list(AutoModelForCausalLM.from_pretrained(str(merged)).parameters())


def test_auto_picks_the_builder_only_for_its_architectures():
    assert {"Phi3ForCausalLM", "Gemma3ForCausalLM", "LlamaForCausalLM"} <= builder_architectures()
    assert "GPT2LMHeadModel" not in builder_architectures()
    base = ExportInput(run_dir="/r", merged_dir="/r/m", out_dir="/r/o", settings=QuantSettings("fp32"), val_path="/r/v")
    assert choose_exporter(base, "Phi3ForCausalLM") == "builder"
    assert choose_exporter(base, "GPT2LMHeadModel") == "torch"
    assert choose_exporter(replace(base, exporter="torch"), "Phi3ForCausalLM") == "torch"
    assert choose_exporter(replace(base, exporter="builder"), "GPT2LMHeadModel") == "builder"


def test_fallback_variants_files_and_figures(fallback):
    fp32, int8, int4 = fallback["fp32"], fallback["int8"], fallback["int4"]
    assert fp32.bytes < 1.15 * sum(p.numel() * 4 for p in _params(fallback["merged"]))  # weights once, little graph text
    assert fp32.exporter.startswith("torch.onnx.export (dynamo) torch 2.")
    assert int8.exporter.endswith("MatMulNBitsQuantizer 8-bit") and int4.exporter.endswith("MatMulNBitsQuantizer 4-bit")
    assert fp32.tokens_equal and fp32.max_logit_diff is not None and fp32.max_logit_diff < 1e-3
    for v in (fp32, int8, int4):
        d = Path(v.path)
        for f in ("model.onnx", "model.onnx.data", "genai_config.json", "tokenizer.json", "tokenizer_config.json", "config.json"):
            assert (d / f).is_file(), (v.variant, f)
        genai = json.loads((d / "genai_config.json").read_text())
        assert genai["search"]["past_present_share_buffer"] is False and genai["model"]["decoder"]["num_key_value_heads"] == 4
    assert int4.bytes < int8.bytes < fp32.bytes
    for q in (int8, int4):
        assert q.top1_agreement is not None and 0.5 < q.top1_agreement <= 1 and q.agreement_positions > 50
    assert int8.top1_agreement >= int4.top1_agreement
    import onnx

    for v, bits in (("int8", 8), ("int4", 4)):
        graph = onnx.load(str(Path(fallback[v].path) / "model.onnx"), load_external_data=False).graph
        nbits = [n for n in graph.node if n.op_type == "MatMulNBits"]
        assert len(nbits) == 2 * 4 + 1  # per layer: c_attn, attn c_proj, c_fc, mlp c_proj (Gemm rewritten); the LM head
        assert all({a.name: a.i for a in n.attribute}["bits"] == bits for n in nbits)
        assert not any(n.op_type == "Gemm" for n in graph.node)
        assert any(n.op_type == "GatherBlockQuantized" for n in graph.node) == (bits == 4)  # the embedding, as the builder's INT4
    assert not [p.name for p in fallback["root"].iterdir() if p.name.startswith(".")]  # no temp folders left
    again = run_quantize(_inp(fallback["root"], Path(fp32.path).parents[1] / "gpt2-merged", "int4", block_size=32, accuracy_level=4))
    assert again.reused and again.exporter == int4.exporter


def test_fallback_variants_load_in_fresh_processes(fallback, gpt2, tiny_run):
    """Plain onnxruntime and onnxruntime-genai run every fallback variant; fp32 gives PyTorch's greedy tokens."""
    dirs = [fallback[v].path for v in ("fp32", "int8", "int4")]
    torch_tokens = assert_variants_generate_fresh(str(gpt2), tiny_run["val"], dirs)
    assert len(set(torch_tokens)) > 3  # a path that moves, not one token repeated


def test_fallback_graph_runs_left_padded_batches(fallback, gpt2):
    """Batch and lengths stay symbolic; positions come from the mask, so a left-padded row equals the unpadded one."""
    import numpy as np
    import onnxruntime as ort
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(str(gpt2)).eval()
    sess = ort.InferenceSession(str(Path(fallback["fp32"].path) / "model.onnx"), providers=["CPUExecutionProvider"])
    ids = np.array([[0, 0, 5, 6, 7], [8, 9, 10, 11, 12]], dtype=np.int64)
    mask = np.array([[0, 0, 1, 1, 1], [1, 1, 1, 1, 1]], dtype=np.int64)
    empty = np.zeros((2, 4, 0, 16), np.float32)
    names = [f"past_key_values.{i}.{kv}" for i in range(2) for kv in ("key", "value")]
    out = sess.run(None, {"input_ids": ids, "attention_mask": mask, **{n: empty for n in names}})
    past = dict(zip(names, out[1:]))
    step = sess.run(None, {"input_ids": np.array([[3], [4]], dtype=np.int64),
                           "attention_mask": np.concatenate([mask, np.ones((2, 1), np.int64)], 1), **past})
    with torch.no_grad():
        row0 = model(input_ids=torch.tensor([[5, 6, 7, 3]])).logits[0].numpy()
        row1 = model(input_ids=torch.tensor([[8, 9, 10, 11, 12, 4]])).logits[0].numpy()
    assert np.abs(out[0][0, 2:] - row0[:3]).max() < 1e-4 and np.abs(step[0][0, -1] - row0[3]).max() < 1e-4
    assert np.abs(out[0][1] - row1[:5]).max() < 1e-4 and np.abs(step[0][1, -1] - row1[5]).max() < 1e-4


def test_exporter_torch_forced_on_the_builders_tiny_model(tiny_run):
    """exporter: torch on the project's tiny Phi-3 model: fp32 equal to PyTorch, positions from the mask."""
    root = Path(tiny_run["run_dir"]) / "torch-export" / "phi3"
    merged = root / "merged"
    shutil.copytree(tiny_run["model_path"], merged, dirs_exist_ok=True)
    fp32 = run_export(_inp(root / "onnx", merged, "fp32", exporter="torch"))
    assert fp32.exporter.startswith("torch.onnx.export") and fp32.tokens_equal and fp32.max_logit_diff < 1e-3
    dec = OnnxDecoder(Path(fp32.path))
    assert not dec.position_ids and dec.layers == 2


def test_builder_forced_on_gpt2_is_unsupported(gpt2):
    root = gpt2.parent / "onnx-forced"
    out = str(root / "fp32")
    with pytest.raises(UnsupportedArchitecture) as e:
        run_export(_inp(root, gpt2, "fp32", exporter="builder"))
    assert "GPT2LMHeadModel" in str(e.value) and "exporter auto or torch" in str(e.value)
    assert e.value.non_retryable and e.value.details[0]["architecture"] == "GPT2LMHeadModel"
    assert not os.path.exists(out)


def test_cancel_stops_the_torch_child(gpt2):
    root = gpt2.parent / "onnx-cancelled"
    env = ActivityEnvironment()
    env.on_heartbeat = lambda *d: env.cancel()
    with pytest.raises(CancelledError):
        env.run(export_onnx, _inp(root, gpt2, "fp32"))
    assert not root.exists() or not list(root.iterdir())


def test_weight_rewrites_keep_the_product():
    """Gemm -> MatMul + Add and MatMul(x, Transpose(W)) -> MatMul(x, W^T): same outputs, constant weights."""
    import numpy as np
    import onnx
    import onnxruntime as ort
    from onnx import helper, numpy_helper

    rng = np.random.default_rng(0)
    w, c, e = (rng.standard_normal(s).astype(np.float32) for s in ((5, 3), (5,), (7, 5)))
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["x", "w", "c"], ["h"], transB=1, name="g"),
         helper.make_node("Transpose", ["e"], ["et"], perm=[1, 0], name="t"),
         helper.make_node("MatMul", ["h", "et"], ["y"], name="m")], "g",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [2, 7])],
        [numpy_helper.from_array(a, n) for a, n in ((w, "w"), (c, "c"), (e, "e"))])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=10)
    x = rng.standard_normal((2, 3)).astype(np.float32)
    assert gemm_to_matmul(model) == 1 and fold_weight_transposes(model) == 1
    assert [n.op_type for n in model.graph.node] == ["MatMul", "Add", "MatMul"]
    y = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    np.testing.assert_allclose(y, (x @ w.T + c) @ e.T, rtol=1e-5, atol=1e-5)
