"""Fallback exporter for architectures the onnxruntime-genai builder does not support: torch.onnx.export
(dynamo) of a KV-cache wrapper around the Hugging Face model, and onnxruntime's MatMulNBitsQuantizer (8 or 4 bits).

The graph follows the builder's contract, so the same checks, the TypeScript engine and onnxruntime-genai load
it: inputs `input_ids`, `attention_mask` (int64) and `past_key_values.{i}.key/value` ([batch, kv_heads,
past_len, head_dim], float32); outputs `logits` and `present.{i}.key/value`. Positions are computed inside the
graph from the attention mask (as the builder's graphs do), so there is no `position_ids` input. The attention
is plain (no GroupQueryAttention), hence genai_config.json says past_present_share_buffer false.

Run as a child process by the export stage (argument array, heartbeats, killed on cancellation):
    python torch_export.py export   --input MERGED_DIR --output OUT_DIR
    python torch_export.py quantize --input FP32_DIR --output OUT_DIR --precision int8|int4
                                    --block-size N --accuracy-level N --symmetric true|false
No imports from the activities package (it runs by path).
"""

from __future__ import annotations

import argparse
import inspect
import json
import shutil
import sys
from pathlib import Path
from typing import Any

GRAPH = "model.onnx"
DATA = "model.onnx.data"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja", "config.json")
# genai_config.json search defaults (the builder's, except the KV buffers: plain attention cannot share them).
SEARCH = {"diversity_penalty": 0.0, "do_sample": False, "early_stopping": True, "length_penalty": 1.0, "min_length": 0,
          "no_repeat_ngram_size": 0, "num_beams": 1, "num_return_sequences": 1, "past_present_share_buffer": False,
          "repetition_penalty": 1.0, "temperature": 1.0, "top_k": 50, "top_p": 1.0}


def exporter_label(precision: str) -> str:
    """Which tools made a variant, with versions (the summary's `exporter`)."""
    from importlib.metadata import version

    made = f"torch.onnx.export (dynamo) torch {version('torch')}"
    bits = {"int4": 4, "int8": 8}.get(precision)
    return f"{made} + onnxruntime {version('onnxruntime')} MatMulNBitsQuantizer {bits}-bit" if bits else made


def make_wrapper(model: Any) -> Any:
    """A module whose forward takes flat tensors (ids, mask, per-layer past) and returns logits + present."""
    import torch
    from transformers import DynamicCache

    params = inspect.signature(model.forward).parameters

    class KVCacheWrapper(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, past: list[tuple[Any, Any]]) -> Any:
            cache = DynamicCache(ddp_cache_data=[(k, v) for k, v in past])
            seq, past_len = input_ids.shape[1], past[0][0].shape[2]
            kwargs: dict[str, Any] = {}
            if "position_ids" in params:  # left padding: positions count the attended tokens, as the builder's graphs do
                kwargs["position_ids"] = (attention_mask.cumsum(-1) - 1).clamp(min=0)[:, -seq:]
            if "cache_position" in params:
                kwargs["cache_position"] = torch.arange(past_len, past_len + seq, device=input_ids.device)
            out = self.model(input_ids=input_ids, attention_mask=attention_mask, past_key_values=cache, use_cache=True,
                             return_dict=True, **kwargs)
            return out.logits, [(layer.keys, layer.values) for layer in out.past_key_values.layers]

    return KVCacheWrapper().eval()


def cache_shape(wrapper: Any) -> tuple[int, int, int, int]:
    """(layers, kv_heads, head_dim, vocab) read from one tiny forward pass (no per-architecture config names)."""
    import torch

    with torch.no_grad():
        out = wrapper.model(input_ids=torch.zeros((1, 2), dtype=torch.long), use_cache=True, return_dict=True)
    layers = out.past_key_values.layers
    _, heads, _, dim = layers[0].keys.shape
    return len(layers), int(heads), int(dim), int(out.logits.shape[-1])


def export_fp32(merged: Path, out: Path) -> dict[str, Any]:
    """Export the merged model to out/model.onnx (+ .data) with a KV cache; returns the decoder facts."""
    import torch
    from transformers import AutoModelForCausalLM

    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_pretrained(str(merged), dtype=torch.float32).eval()
    wrapper = make_wrapper(model)
    layers, heads, dim, vocab = cache_shape(wrapper)
    # Sample sizes above 1 so torch.export keeps batch, sequence and past length symbolic.
    batch, seq, past_len = 2, 3, 4
    ids = torch.randint(0, vocab, (batch, seq))
    mask = torch.ones((batch, past_len + seq), dtype=torch.long)
    past = [(torch.randn(batch, heads, past_len, dim), torch.randn(batch, heads, past_len, dim)) for _ in range(layers)]
    dim_ = torch.export.Dim
    b, s, p, t = dim_("batch_size"), dim_("sequence_length"), dim_("past_sequence_length"), dim_("total_sequence_length")
    shapes = {"input_ids": {0: b, 1: s}, "attention_mask": {0: b, 1: t}, "past": [({0: b, 2: p}, {0: b, 2: p})] * layers}
    kv = [f"{{}}.{i}.{x}" for i in range(layers) for x in ("key", "value")]
    program = torch.onnx.export(
        wrapper, (ids, mask, past), dynamo=True, dynamic_shapes=shapes, optimize=True,
        input_names=["input_ids", "attention_mask", *[n.format("past_key_values") for n in kv]],
        output_names=["logits", *[n.format("present") for n in kv]])
    program.save(str(out / GRAPH), external_data=True)
    strip_metadata(out / GRAPH)
    return {"layers": layers, "kv_heads": heads, "head_size": dim, "vocab_size": vocab, "config": model.config}


def strip_metadata(path: Path) -> None:
    """Drop the exporter's per-node stack traces and names (hundreds of KB of graph text, nothing a runtime reads)."""
    import onnx

    model = onnx.load(str(path), load_external_data=False)
    for node in model.graph.node:
        del node.metadata_props[:]
        node.doc_string = ""
    onnx.save(model, str(path))


def genai_config(facts: dict[str, Any], merged: Path) -> dict[str, Any]:
    """genai_config.json in the builder's layout, for a graph with plain attention."""
    cfg = facts["config"].get_text_config(decoder=True)
    gen_path = merged / "generation_config.json"
    gen = json.loads(gen_path.read_text()) if gen_path.is_file() else {}
    eos = gen.get("eos_token_id", cfg.eos_token_id)
    context = getattr(cfg, "max_position_embeddings", None) or getattr(cfg, "n_positions", None) or 2048
    heads = getattr(cfg, "num_attention_heads", None) or facts["kv_heads"]
    names = {"past_key_names": "past_key_values.%d.key", "past_value_names": "past_key_values.%d.value"}
    decoder = {
        "session_options": {"log_id": "onnxruntime-genai", "provider_options": []}, "filename": GRAPH,
        "head_size": facts["head_size"], "hidden_size": int(getattr(cfg, "hidden_size", heads * facts["head_size"])),
        "inputs": {"input_ids": "input_ids", "attention_mask": "attention_mask", **names},
        "outputs": {"logits": "logits", "present_key_names": "present.%d.key", "present_value_names": "present.%d.value"},
        "num_attention_heads": int(heads), "num_hidden_layers": facts["layers"], "num_key_value_heads": facts["kv_heads"],
    }
    pad = cfg.pad_token_id if cfg.pad_token_id is not None else (eos[0] if isinstance(eos, list) else eos)
    model = {"bos_token_id": cfg.bos_token_id if cfg.bos_token_id is not None else pad, "context_length": int(context),
             "decoder": decoder, "eos_token_id": eos, "pad_token_id": pad, "type": "decoder", "vocab_size": facts["vocab_size"]}
    return {"model": model, "search": {**SEARCH, "max_length": int(context)}}


def copy_tokenizer(src: Path, out: Path) -> None:
    """The tokenizer (saved through transformers, as the builder does, so tokenizer.json exists) and chat template."""
    from transformers import AutoTokenizer

    AutoTokenizer.from_pretrained(str(src)).save_pretrained(str(out))
    for name in TOKENIZER_FILES:
        if (src / name).is_file() and not (out / name).is_file():
            shutil.copy2(src / name, out / name)


def gemm_to_matmul(model: Any) -> int:
    """Rewrite Gemm(A, W, C) with a constant W as MatMul + Add (onnxruntime's weight quantizers only take MatMul)."""
    import numpy as np
    from onnx import helper, numpy_helper

    inits = {i.name: i for i in model.graph.initializer}
    nodes, changed = [], 0
    for node in model.graph.node:
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if (node.op_type != "Gemm" or node.input[1] not in inits or attrs.get("transA", 0)
                or attrs.get("alpha", 1.0) != 1.0 or attrs.get("beta", 1.0) != 1.0):
            nodes.append(node)
            continue
        weight = node.input[1]
        if attrs.get("transB", 0):
            t = numpy_helper.to_array(inits[weight]).T.copy()
            weight = f"{node.input[1]}_t_{changed}"
            model.graph.initializer.append(numpy_helper.from_array(np.ascontiguousarray(t), weight))
        mm = f"{node.output[0]}_matmul"
        nodes.append(helper.make_node("MatMul", [node.input[0], weight], [mm if len(node.input) > 2 else node.output[0]],
                                      name=f"{node.name}_MatMul"))
        if len(node.input) > 2 and node.input[2]:
            nodes.append(helper.make_node("Add", [mm, node.input[2]], [node.output[0]], name=f"{node.name}_Add"))
        changed += 1
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    return changed


def fold_weight_transposes(model: Any) -> int:
    """MatMul(x, Transpose(W)) with W constant (a tied LM head reads the embedding this way) -> MatMul(x, W^T), so
    the quantizer sees a constant weight; a Transpose left without readers is dropped."""
    import numpy as np
    from onnx import helper, numpy_helper

    inits = {i.name: i for i in model.graph.initializer}
    transposes = {n.output[0]: n for n in model.graph.node if n.op_type == "Transpose" and n.input[0] in inits}
    folded: dict[str, str] = {}
    for node in model.graph.node:
        if node.op_type == "MatMul" and node.input[1] in transposes:
            t = transposes[node.input[1]]
            if t.output[0] not in folded:
                perm = next((list(helper.get_attribute_value(a)) for a in t.attribute if a.name == "perm"), None)
                arr = np.ascontiguousarray(np.transpose(numpy_helper.to_array(inits[t.input[0]]), perm))
                folded[t.output[0]] = f"{t.input[0]}_transposed"
                model.graph.initializer.append(numpy_helper.from_array(arr, folded[t.output[0]]))
            node.input[1] = folded[t.output[0]]
    read = {i for n in model.graph.node for i in n.input} | {o.name for o in model.graph.output}
    keep = [n for n in model.graph.node if not (n.op_type == "Transpose" and n.output[0] in folded and n.output[0] not in read)]
    del model.graph.node[:]
    model.graph.node.extend(keep)
    return len(folded)


def quantize(reference: Path, out: Path, precision: str, block_size: int, accuracy_level: int, symmetric: bool) -> None:
    """Weight-only MatMulNBits (4 or 8 bits, block-wise) with the spec's settings, as the builder quantizes.
    Not quantize_dynamic for INT8: on Gemma 3 270M it agreed with fp32 on 0.775 of the positions against 0.964
    for 8-bit MatMulNBits at the same speed (docs/BENCHMARKS.md), and it has no blocks or accuracy level."""
    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import DefaultWeightOnlyQuantConfig, MatMulNBitsQuantizer

    bits = {"int4": 4, "int8": 8}.get(precision)
    if bits is None:
        raise SystemExit(f"unknown precision {precision!r}")
    model = onnx.load(str(reference / GRAPH))  # loads the external data too
    gemm_to_matmul(model)
    fold_weight_transposes(model)
    # INT4 also quantizes the embedding lookup (GatherBlockQuantized, as the builder's INT4 does; 4 bits only).
    ops = ("MatMul", "Gather") if bits == 4 else ("MatMul",)
    config = DefaultWeightOnlyQuantConfig(block_size=block_size, is_symmetric=symmetric, accuracy_level=accuracy_level,
                                          bits=bits, op_types_to_quantize=ops)
    quantizer = MatMulNBitsQuantizer(model, algo_config=config)
    quantizer.process()
    quantizer.model.save_model_to_file(str(out / GRAPH), use_external_data_format=True)
    made = onnx.load(str(out / GRAPH), load_external_data=False)
    if not any(n.op_type == "MatMulNBits" for n in made.graph.node):
        raise SystemExit(f"the {precision} graph has no MatMulNBits node: nothing was quantized")
    if (out / DATA).is_file():
        (out / DATA).chmod(0o644)  # the quantizers write it private; the variant folder is read by other processes
    cfg = json.loads((reference / "genai_config.json").read_text())
    (out / "genai_config.json").write_text(json.dumps(cfg, indent=4))
    for name in TOKENIZER_FILES:
        if (reference / name).is_file():
            shutil.copy2(reference / name, out / name)


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description="tooltune's torch.onnx fallback exporter")
    ap.add_argument("command", choices=["export", "quantize"])
    ap.add_argument("--input", required=True, type=Path)
    ap.add_argument("--output", required=True, type=Path)
    ap.add_argument("--precision", default="fp32", choices=["fp32", "int8", "int4"])
    ap.add_argument("--block-size", type=int, default=32)
    ap.add_argument("--accuracy-level", type=int, default=4)
    ap.add_argument("--symmetric", choices=["true", "false"], default="true")
    args = ap.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    if args.command == "export":
        facts = export_fp32(args.input, args.output)
        (args.output / "genai_config.json").write_text(json.dumps(genai_config(facts, args.input), indent=4))
        copy_tokenizer(args.input, args.output)
    else:
        quantize(args.input, args.output, args.precision, args.block_size, args.accuracy_level, args.symmetric == "true")
    print(f"torch_export {args.command} {args.precision}: done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
