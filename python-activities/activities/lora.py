"""LoRA target resolution (checked before any training) and the PEFT config built from it."""

from __future__ import annotations

from typing import Any

from .contracts import LoraConfig
from .errors import InvalidSpec, TargetModulesNotFound

ALL_LINEAR = "all-linear"
# The seven linear projections of a Llama-style decoder layer (attention and MLP): what the CPU demo targets.
LLAMA_PROJECTIONS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def _is_linear(mod: Any) -> bool:
    import torch

    return isinstance(mod, torch.nn.Linear) or type(mod).__name__ in ("Conv1D", "Linear4bit", "Linear8bitLt")


def linear_modules(model: Any) -> dict[str, Any]:
    """Full name -> module for every linear leaf (nn.Linear, GPT-2 Conv1D, bnb 4/8-bit)."""
    return {n: m for n, m in model.named_modules() if n and _is_linear(m)}


def is_target(name: str, targets: list[str]) -> bool:
    """Whether the module `name` (full dotted name) is one of the target leaf names."""
    return any(name == t or name.endswith("." + t) for t in targets)


def output_layer_name(model: Any) -> str | None:
    """Leaf name of the LM head, which PEFT's all-linear leaves out."""
    out = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    for n, m in model.named_modules():
        if out is not None and m is out:
            return n.rsplit(".", 1)[-1]
    return None


def resolve_targets(model: Any, lora: LoraConfig) -> tuple[list[str], list[str]]:
    """(sorted unique linear leaf names, resolved target leaf names); missing targets fail non-retryably."""
    linears = linear_modules(model)
    leaf_names = sorted({n.rsplit(".", 1)[-1] for n in linears})
    targets = list(lora.lora_target_modules or [])
    if not targets:
        raise InvalidSpec("lora_target_modules is empty", {"available": leaf_names})
    if targets == [ALL_LINEAR] or ALL_LINEAR in targets:
        head = output_layer_name(model)
        return leaf_names, [n for n in leaf_names if n != head]
    missing = [t for t in targets if not any(is_target(n, [t]) for n in linears)]
    if missing:
        raise TargetModulesNotFound(
            f"LoRA target modules not found in {type(model).__name__}: {missing}; linear modules are {leaf_names}",
            {"missing": missing, "available": leaf_names, "architecture": type(model).__name__})
    return leaf_names, sorted(set(targets))


def check_modules_to_save(model: Any, lora: LoraConfig) -> None:
    """modules_to_save names must be leaf modules of the model too."""
    names = {n.rsplit(".", 1)[-1] for n, _ in model.named_modules() if n}
    missing = [m for m in lora.modules_to_save if m not in names]
    if missing:
        raise TargetModulesNotFound(f"modules_to_save not found: {missing}", {"missing": missing})


def num_decoder_layers(model: Any) -> int:
    """The model's decoder layer count (its text config's num_hidden_layers)."""
    config = model.config.get_text_config() if hasattr(model.config, "get_text_config") else model.config
    return int(config.num_hidden_layers)


def trainable_parameter_count(model: Any, lora: LoraConfig, targets: list[str]) -> int:
    """LoRA params r*(in+out) per linear PEFT adapts + full size of modules_to_save (PEFT's count).

    Which linears are adapted is asked of PEFT's own matcher with the config the finetune stage builds, so the
    count follows its rules (target suffixes, layers_to_transform) rather than a copy of them.
    """
    from peft.tuners.tuners_utils import check_target_module_exists

    config = peft_config(lora, targets, num_decoder_layers(model))
    total = 0
    for name, mod in linear_modules(model).items():
        if check_target_module_exists(config, name):
            w = mod.weight
            fin, fout = (w.shape[0], w.shape[1]) if type(mod).__name__ == "Conv1D" else (mod.in_features, mod.out_features)
            total += lora.lora_r * (fin + fout)
    for name, mod in model.named_modules():
        if name and name.rsplit(".", 1)[-1] in lora.modules_to_save:
            total += sum(p.numel() for p in mod.parameters())
    return total


def store_frozen_bf16(model: Any, targets: list[str]) -> int:
    """Keep the frozen weights of the LoRA-targeted linears in bfloat16 for bf16 training (returns how many).

    Under torch.autocast every matrix product reads them as bfloat16 anyway, but autocast caches casts of
    trainable tensors only, so float32 frozen weights are cast anew in every forward pass (a few percent of
    a CPU step). Stored as bfloat16 they are read as they are: the same products, half the memory. Biases, norms,
    embeddings and the LM head keep their dtype.
    """
    import torch

    count = 0
    for name, mod in linear_modules(model).items():
        if is_target(name, targets) and mod.weight.dtype == torch.float32:
            mod.weight.data = mod.weight.data.to(torch.bfloat16)
            count += 1
    return count


def adapted_layers(lora: LoraConfig, num_layers: int) -> list[int] | None:
    """Indices of the decoder layers that get adapters: the last lora_last_layers, or None for all of them.

    Autograd records nothing below the lowest adapted layer (its inputs need no gradient), so adapting the last
    half of the layers skips half of the backward pass: a cheaper step (docs/BENCHMARKS.md).
    """
    n = lora.lora_last_layers
    if n is None or n >= num_layers:
        return None
    if n < 1:
        raise InvalidSpec("lora_last_layers must be >= 1", {"lora_last_layers": n})
    return list(range(num_layers - n, num_layers))


def peft_config(lora: LoraConfig, targets: list[str], num_layers: int):
    """peft.LoraConfig for a causal LM with the resolved targets (and layers, when lora_last_layers is set)."""
    from peft import LoraConfig as PeftLoraConfig

    if lora.lora_r < 1:
        raise InvalidSpec("lora_r must be >= 1", {"lora_r": lora.lora_r})
    layers = adapted_layers(lora, num_layers)
    return PeftLoraConfig(
        r=lora.lora_r, lora_alpha=lora.lora_alpha, lora_dropout=lora.lora_dropout, target_modules=targets,
        layers_to_transform=layers, modules_to_save=list(lora.modules_to_save) or None, bias="none",
        task_type="CAUSAL_LM")
