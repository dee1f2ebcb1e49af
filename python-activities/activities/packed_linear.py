"""float32 linear layers with their weights prepacked for oneDNN, for CPU inference (predict's decoding loop).

Why: PyTorch's CPU `F.linear` in float32 calls MKL's SGEMM, which on an AMD CPU runs its generic code path and
re-reads the weights in a layout it did not choose: a decoding step's products (a few rows against every weight)
stream the weights at 5-10 GB/s on the Zen 4 host, and the 49,152-column output layer alone costs 12 ms at 1 row
and 44 ms at 48 rows. oneDNN, which PyTorch also ships, picks its kernels by instruction set rather than vendor and
takes the weights in its own blocked layout once (`torch.ops.mkldnn._reorder_linear_weight`, what inductor's
freezing pass uses): the same output layer runs in 5.7 and 16.6 ms, a SmolLM2 decoding step 1.2-1.9x faster
(docs/BENCHMARKS.md). The results are float32 products summed in another order: equal to F.linear's within float32
rounding (tests/test_packed_linear.py), so a greedy argmax can differ only where two logits tie to ~1e-6.

Inference only (no gradient flows to a packed weight); TOOLTUNE_PACK_LINEARS=0 in the worker's environment turns it off.
"""

from __future__ import annotations

import os
from typing import Any

ENV_SWITCH = "TOOLTUNE_PACK_LINEARS"


def packing_available() -> bool:
    """True when this PyTorch build has oneDNN with the prepacked linear ops and the switch is not set to 0."""
    import torch

    if os.environ.get(ENV_SWITCH, "1") == "0" or not torch.backends.mkldnn.is_available():
        return False
    ops = torch.ops.mkldnn
    return hasattr(ops, "_reorder_linear_weight") and hasattr(ops, "_linear_pointwise")


def _packed_class() -> type:
    import torch

    class PackedLinear(torch.nn.Module):
        """y = x W^T + b with W held in oneDNN's blocked layout (prepacked once)."""

        def __init__(self, linear: Any) -> None:
            super().__init__()
            self.in_features, self.out_features = linear.in_features, linear.out_features
            with torch.no_grad():
                self.packed = torch.ops.mkldnn._reorder_linear_weight(linear.weight.detach().contiguous(), None)
            self.bias = None if linear.bias is None else linear.bias.detach()

        def forward(self, x: Any) -> Any:
            flat = x.reshape(-1, self.in_features)
            if not flat.is_contiguous():
                flat = flat.contiguous()
            y = torch.ops.mkldnn._linear_pointwise(flat, self.packed, self.bias, "none", [], "")
            return y.reshape(*x.shape[:-1], self.out_features)

        def extra_repr(self) -> str:
            return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}, packed=onednn"

    return PackedLinear


def pack_linears(model: Any) -> int:
    """Swap every float32 CPU nn.Linear of an inference model for a prepacked one; returns how many were swapped
    (0 when packing is unavailable or switched off). Call after merging adapters and before decoding."""
    import torch

    if not packing_available():
        return 0
    packed_cls = _packed_class()
    swaps = [(parent, name) for parent in model.modules() for name, child in parent.named_children()
             if type(child) is torch.nn.Linear and child.weight.dtype == torch.float32 and child.weight.device.type == "cpu"]
    for parent, name in swaps:  # one layer at a time: each float32 weight is freed once its packed copy exists
        setattr(parent, name, packed_cls(getattr(parent, name)))
    return len(swaps)
