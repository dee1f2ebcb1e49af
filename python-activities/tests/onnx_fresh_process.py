"""Run in a fresh process by test_export.py: load each ONNX variant folder with plain onnxruntime (a KV-cache
greedy loop) and with onnxruntime-genai (og.Model / og.Generator) and print their greedy tokens as JSON.
Usage: python onnx_fresh_process.py '<prompt ids JSON>' <new tokens> <variant dir>..."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def genai_tokens(folder: str, prompt: list[int], new_tokens: int) -> list[int]:
    """Greedy tokens from onnxruntime-genai (stops at EOS)."""
    import onnxruntime_genai as og

    model = og.Model(folder)
    og.Tokenizer(model)  # the folder's tokenizer must load too
    params = og.GeneratorParams(model)
    params.set_search_options(do_sample=False, max_length=len(prompt) + new_tokens)
    gen = og.Generator(model, params)
    gen.append_tokens(prompt)
    while not gen.is_done():
        gen.generate_next_token()
    return [int(t) for t in gen.get_sequence(0)][len(prompt):]


def main() -> None:
    from activities.onnx_check import OnnxDecoder

    prompt, n, folders = json.loads(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    out = {}
    for f in folders:
        ort_tokens, _ = OnnxDecoder(Path(f)).greedy(prompt, n)
        out[f] = {"ort": ort_tokens, "genai": genai_tokens(f, prompt, n)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
