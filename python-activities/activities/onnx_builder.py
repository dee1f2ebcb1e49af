"""Run the pinned onnxruntime-genai model builder as a child process (argument array, heartbeats,
killed on cancellation) and complete its output folder so that standard runtimes load it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from functools import lru_cache
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from .contracts import QuantSettings
from .errors import ExportFailed, UnsupportedArchitecture
from .heartbeat import beat, cancelled

# Files a variant folder must hold for onnxruntime, onnxruntime-genai and the TypeScript engine.
REQUIRED = ("genai_config.json", "tokenizer.json", "tokenizer_config.json", "config.json")
LOG_NAME = "builder.log"
SHIM = Path(__file__).with_name("builder_shim.py")


def exporter_name() -> str:
    """Which exporter made the files, with its version (goes into the summary)."""
    return f"onnxruntime-genai builder {version('onnxruntime-genai')}"


@lru_cache(maxsize=1)
def builder_architectures() -> frozenset[str]:
    """The Hugging Face architectures the pinned builder dispatches on (read from its source, not imported)."""
    spec = find_spec("onnxruntime_genai.models.builder")
    if spec is None or not spec.origin:
        return frozenset()
    text = Path(spec.origin).read_text(errors="replace")
    return frozenset(re.findall(r'config\.architectures\[0\] == "(\w+)"', text))


def builder_argv(input_dir: Path, out_dir: Path, cache_dir: Path, s: QuantSettings) -> list[str]:
    """The builder's command line; every value is our own typed setting, never shell text."""
    extra = ["windowed_kv_cache=false", f"is_symmetric={'true' if s.symmetric else 'false'}"]
    if s.precision != "fp32":
        extra += [f"block_size={int(s.block_size)}", f"accuracy_level={int(s.accuracy_level)}"]
    return [sys.executable, str(SHIM), "-i", str(input_dir), "-o", str(out_dir),
            "-p", s.precision, "-e", "cpu", "-c", str(cache_dir), "--extra_options", *extra]


def run_builder(argv: list[str], log_path: Path, details: dict[str, Any], tool: str = "the ONNX builder") -> None:
    """Run an exporter child (the builder or torch_export.py), heartbeating every 2 s; cancellation kills it;
    failures are typed."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    t0 = time.monotonic()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        try:
            while True:
                try:
                    rc = proc.wait(timeout=2)
                    break
                except subprocess.TimeoutExpired:
                    beat({**details, "elapsed_s": round(time.monotonic() - t0, 1)})
                    if cancelled():
                        from temporalio.exceptions import CancelledError

                        raise CancelledError("export cancelled")
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    if rc != 0:
        tail = log_path.read_text(errors="replace")[-2000:]
        if "is not currently supported" in tail:
            raise UnsupportedArchitecture(
                f"the onnxruntime-genai builder does not support {details.get('architecture', 'this architecture')}; "
                "quantization.exporter auto or torch exports it with torch.onnx instead", {**details, "log_tail": tail[-500:]})
        raise ExportFailed(f"{tool} exited with status {rc}", {**details, "log_tail": tail})


def complete_variant(out_dir: Path, merged_dir: Path) -> None:
    """Copy what the builder leaves out (config.json; the chat template when missing) and check the set."""
    shutil.copy2(merged_dir / "config.json", out_dir / "config.json")
    tok_cfg_path = out_dir / "tokenizer_config.json"
    has_template = (out_dir / "chat_template.jinja").is_file() or (
        tok_cfg_path.is_file() and "chat_template" in json.loads(tok_cfg_path.read_text()))
    if not has_template and (merged_dir / "chat_template.jinja").is_file():
        shutil.copy2(merged_dir / "chat_template.jinja", out_dir / "chat_template.jinja")
    missing = [f for f in REQUIRED if not (out_dir / f).is_file()]
    onnx = json.loads((out_dir / "genai_config.json").read_text())["model"]["decoder"]["filename"] \
        if (out_dir / "genai_config.json").is_file() else "model.onnx"
    if not (out_dir / onnx).is_file():
        missing.append(onnx)
    if missing:
        raise ExportFailed(f"the exported folder lacks {', '.join(missing)}", {"dir": str(out_dir), "missing": missing})


def dir_bytes(path: Path) -> int:
    """Bytes on disk of the regular files in a folder (recursively)."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
