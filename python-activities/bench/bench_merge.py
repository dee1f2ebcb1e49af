"""Time of the merge stage on the demo model: Gemma 3 270M (packaged GGUF, dequantized) + a random non-zero
LoRA adapter of the demo's shape (r=16 on q/k/v/o/gate/up/down), merged and checked by the merge activity.

Run: python-activities/.venv/bin/python python-activities/bench/bench_merge.py
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path[:0] = [str(HERE.parents[1]), str(HERE.parents[1] / "tests"), str(HERE.parent)]
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from activities.contracts import ExportCheck, MergeInput, ModelConfig  # noqa: E402
from activities.gguf_cache import ensure_converted, packaged_gguf  # noqa: E402
from activities.lora import LLAMA_PROJECTIONS as TARGETS  # noqa: E402
from activities.merge import run_merge  # noqa: E402
from bench_export import update_doc  # noqa: E402
from bench_finetune import machine  # noqa: E402
from fixture_data import write_dataset  # noqa: E402


def main() -> None:
    """Make the adapter, time run_merge, update docs/BENCHMARKS.md."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    load = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="bench-merge-"))
    try:
        cache = Path(os.environ.get("TOOLTUNE_CACHE_DIR", str(work / ".cache")))
        base = ensure_converted(packaged_gguf(cache), cache)
        torch.manual_seed(0)
        model = get_peft_model(AutoModelForCausalLM.from_pretrained(str(base), dtype=torch.float32),
                               LoraConfig(r=16, lora_alpha=32, target_modules=TARGETS, init_lora_weights=False))
        with torch.no_grad():  # small non-zero updates, like a trained adapter's
            for name, p in model.named_parameters():
                if "lora_B" in name:
                    p.mul_(0.02)
        model.save_pretrained(work / "adapter")
        del model
        val = write_dataset(work / "data")["val"]
        t0 = time.perf_counter()
        out = run_merge(MergeInput(run_dir=str(work), model_path=str(base), adapter_dir=str(work / "adapter"), val_path=val,
                                   model=ModelConfig(model_name="gemma-3-270m", source="gguf", torch_dtype="float32"),
                                   out_dir=str(work / "export" / "merged"), check=ExportCheck()))
        secs = time.perf_counter() - t0
        section = "\n".join([
            f"## merge stage (Gemma 3 270M + LoRA r=16, CPU) — {time.strftime('%Y-%m-%d')}", "",
            "Command: `python-activities/.venv/bin/python python-activities/bench/bench_merge.py`", "",
            f"Machine: {machine()}; load average when started {load:.2f}.", "",
            f"Base loaded unquantized (float32), random non-zero LoRA r=16 on {', '.join(TARGETS)}, merged with peft "
            f"merge_and_unload and saved (safetensors + tokenizer + chat template): {secs:.0f} s in all, "
            f"{out.bytes / 1e6:.0f} MB. Check: greedy tokens of the merged model "
            f"{'equal' if out.tokens_equal else 'differ from'} the adapter model's on {out.check_prompts} validation "
            f"prompts x {out.check_new_tokens} tokens (max logit difference {out.max_logit_diff:.1e}). The time "
            "includes loading, both greedy checks and saving.",
        ])
        print(section)
        update_doc(section, "merge-gguf")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
