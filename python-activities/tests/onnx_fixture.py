"""Test fixture for the TypeScript inference engine: a tiny HF model + tokenizer exported to ONNX.

    python tests/onnx_fixture.py OUT [--train-steps N]

Writes OUT as a run folder: OUT/hf (the merged HF model and tokenizer), OUT/data (train/val/val_cases
JSONL, text format), OUT/export/onnx/{fp32,int4} (onnxruntime-genai builder output + config.json +
tokenizer files), OUT/torch/{fp32,int4} (the same model through the torch.onnx fallback exporter) and OUT/fixture.json (paths relative to OUT; its presence means the fixture is complete). The tiny model
is trained for a few full-weight steps so that it writes <tool_use> blocks (the engine's CLI and
validation tests read them). Built in a sibling temp folder and renamed into place.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from activities import torch_export  # noqa: E402
from activities.contracts import TinyModelConfig  # noqa: E402
from activities.onnx_builder import complete_variant  # noqa: E402
from activities.tiny import build_model, read_corpus, train_tokenizer  # noqa: E402
from fixture_data import write_dataset  # noqa: E402

TINY = TinyModelConfig(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128,
                       vocab_size=384, max_position_embeddings=512, seed=0)
BUILDER_OPTIONS = ["windowed_kv_cache=false", "block_size=32", "accuracy_level=4"]
COPIED = ["config.json", "tokenizer.json", "tokenizer_config.json", "chat_template.jinja", "special_tokens_map.json"]


def train(model, tok, records: list[dict], steps: int) -> None:
    """A few AdamW steps on prompt+completion so greedy output contains tool calls."""
    import torch

    torch.manual_seed(0)
    texts = [r["text"] + tok.eos_token for r in records]
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    model.train()
    for step in range(steps):
        batch = [texts[(step * 16 + i) % len(texts)] for i in range(16)]
        enc = tok(batch, return_tensors="pt", padding=True)
        labels = enc["input_ids"].masked_fill(enc["attention_mask"] == 0, -100)
        loss = model(**enc, labels=labels).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
    model.eval()


def export(hf_dir: Path, out: Path, precision: str) -> None:
    """Run the onnxruntime-genai model builder, then copy what it leaves out (config.json, tokenizer)."""
    cache = out.parent / f".cache-{precision}"
    cmd = [sys.executable, "-m", "onnxruntime_genai.models.builder", "-i", str(hf_dir), "-o", str(out),
           "-p", precision, "-e", "cpu", "-c", str(cache), "--extra_options", *BUILDER_OPTIONS]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"builder failed ({precision}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    shutil.rmtree(cache, ignore_errors=True)
    for name in COPIED:
        if (hf_dir / name).is_file() and not (out / name).is_file():
            shutil.copy2(hf_dir / name, out / name)


def export_torch(hf_dir: Path, out: Path) -> None:
    """The fallback exporter (torch.onnx.export dynamo; INT4 from its fp32), in child processes as the stage runs it."""
    script = [sys.executable, torch_export.__file__]
    for args in (["export", "--input", str(hf_dir), "--output", str(out / "fp32")],
                 ["quantize", "--input", str(out / "fp32"), "--output", str(out / "int4"), "--precision", "int4"]):
        proc = subprocess.run([*script, *args], capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"torch_export failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        complete_variant(Path(args[4]), hf_dir)


def build(root: Path, train_steps: int) -> dict:
    """Everything under root; returns the fixture description."""
    import torch

    torch.set_num_threads(1)
    t0 = time.perf_counter()
    data = write_dataset(root / "data")
    tok = train_tokenizer(read_corpus([data["train"], data["val"]]), TINY.vocab_size)
    model = build_model(TINY, len(tok), tok.eos_token_id, tok.pad_token_id)
    records = [json.loads(line) for line in Path(data["train"]).read_text().splitlines() if line.strip()]
    if train_steps:
        train(model, tok, records, train_steps)
    hf = root / "hf"
    model.save_pretrained(hf)
    tok.save_pretrained(hf)
    variants = {}
    for precision in ("fp32", "int4"):
        out = root / "export" / "onnx" / precision
        export(hf, out, precision)
        variants[precision] = out
    export_torch(hf, root / "torch")
    variants["torch_fp32"], variants["torch_int4"] = root / "torch" / "fp32", root / "torch" / "int4"
    rel = lambda p: os.path.relpath(p, root)  # noqa: E731 - paths relative to the fixture folder
    return {"hf_dir": rel(hf), "data": {k: rel(v) for k, v in data.items()},
            "variants": {k: rel(v) for k, v in variants.items()}, "train_steps": train_steps,
            "vocab_size": len(tok), "seconds": round(time.perf_counter() - t0, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--train-steps", type=int, default=120)
    args = ap.parse_args()
    final = Path(args.out).resolve()
    if (final / "fixture.json").is_file():
        print((final / "fixture.json").read_text())
        return
    tmp = final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")
    tmp.mkdir(parents=True)
    try:
        info = build(tmp, args.train_steps)
        (tmp / "fixture.json").write_text(json.dumps(info, indent=2))
        if not (final / "fixture.json").is_file():  # another process may have finished first: keep theirs
            shutil.rmtree(final, ignore_errors=True)
            os.replace(tmp, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print((final / "fixture.json").read_text())


if __name__ == "__main__":
    main()
