"""Child-process entry point: run the onnxruntime-genai model builder with rope settings flattened.

transformers 5 nests rope settings per attention kind (Gemma 3: rope_parameters.full_attention /
sliding_attention) and rebuilds that nesting whenever a config is loaded, so flattening config.json is not
enough: the builder (0.18) reads rope_parameters['rope_type'], rope_theta and rope_local_base_freq at the top
level of the loaded config object (KeyError 'rope_type' otherwise). This script patches AutoConfig in its own
process only. Usage: python builder_shim.py <builder arguments>. No imports from the activities package.
"""

from __future__ import annotations

import runpy
import sys
from typing import Any


def flatten_rope(config: dict[str, Any]) -> dict[str, Any]:
    """The top-level rope keys the builder reads, from a (possibly per-attention-kind) rope_parameters."""
    rope = config.get("rope_parameters")
    if not isinstance(rope, dict) or "rope_type" in rope or not rope or not all(isinstance(v, dict) for v in rope.values()):
        return {}
    main = rope.get("full_attention") or next(iter(rope.values()))
    flat: dict[str, Any] = {"rope_parameters": dict(main)}
    if "rope_theta" in main:
        flat["rope_theta"] = main["rope_theta"]
    local = rope.get("sliding_attention")
    if isinstance(local, dict) and "rope_theta" in local:
        flat["rope_local_base_freq"] = local["rope_theta"]
    return flat


def patch_auto_config() -> None:
    """AutoConfig.from_pretrained returns configs with the flattened rope keys set as attributes."""
    from transformers import AutoConfig

    original = AutoConfig.from_pretrained.__func__

    def from_pretrained(cls: Any, *args: Any, **kwargs: Any) -> Any:
        config = original(cls, *args, **kwargs)
        for key, value in flatten_rope({"rope_parameters": getattr(config, "rope_parameters", None)}).items():
            setattr(config, key, value)
        return config

    AutoConfig.from_pretrained = classmethod(from_pretrained)


if __name__ == "__main__":
    patch_auto_config()
    sys.argv = ["onnxruntime_genai.models.builder", *sys.argv[1:]]
    runpy.run_module("onnxruntime_genai.models.builder", run_name="__main__", alter_sys=True)
