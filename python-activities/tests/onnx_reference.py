"""PyTorch reference for the TypeScript engine's tests: prompts and greedy tokens of the HF model, predict-style.

    python tests/onnx_reference.py HF_DIR REQUEST.json   ->  prints {"runs": [[...], ...], "prompts": [[...], ...]}

REQUEST.json: {"runs": [{"cases": [...], "record_format": "text"|"chat", "max_new_tokens": N,
"stop_after_tool_use": bool}, ...], "templates": [...], "template_cases": [...]} (one process, torch loaded once).
runs: per run and case, predict.py's case_prompt, its token ids, and the ids and text of model.generate(do_sample=False)
alone (batch 1) with predict.py's tokenization, stopping criteria and trimming.
prompts: per chat template in "templates", case_prompt of every template case in the chat format.
genai: per {"dir", "cases", "record_format", "max_new_tokens"} in "genai_runs", the greedy new tokens of
onnxruntime-genai (the reference runtime for the builder's files) on that variant folder, same prompts and ids.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class ToolUseStop:
    """StoppingCriteria for model.generate: per row, predict's stop rule (stops_after_blocks) on its new tokens."""

    def __init__(self, tokenizer, prompt_len: int) -> None:
        self.tok, self.prompt_len = tokenizer, prompt_len

    def __call__(self, input_ids, scores, **kw):
        import torch

        from activities.predict import stops_after_blocks

        stop = stops_after_blocks(self.tok)
        return torch.tensor([stop(row) for row in input_ids[:, self.prompt_len:].tolist()], dtype=torch.bool, device=input_ids.device)


def main() -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, StoppingCriteriaList

    from activities.formatting import case_prompt
    from activities.predict import trim

    torch.set_num_threads(1)
    hf_dir, request = sys.argv[1], json.loads(Path(sys.argv[2]).read_text())
    tok = AutoTokenizer.from_pretrained(hf_dir)
    model = AutoModelForCausalLM.from_pretrained(hf_dir, dtype=torch.float32).eval()
    runs = []
    for run in request.get("runs", []):
        fmt, generations = run["record_format"], []
        for case in run["cases"]:
            prompt = case_prompt(tok, case, fmt)
            enc = tok([prompt], return_tensors="pt", add_special_tokens=(fmt == "text"))
            plen = enc["input_ids"].shape[1]
            stops = StoppingCriteriaList([ToolUseStop(tok, plen)]) if run.get("stop_after_tool_use", True) else None
            with torch.no_grad():
                gen = model.generate(**enc, max_new_tokens=run["max_new_tokens"], do_sample=False, temperature=None,
                                     top_p=None, top_k=None, pad_token_id=tok.pad_token_id,
                                     eos_token_id=tok.eos_token_id, stopping_criteria=stops)
            ids = gen[0, plen:].tolist()
            text = tok.decode(ids, skip_special_tokens=True)
            generations.append({"prompt": prompt, "prompt_ids": enc["input_ids"][0].tolist(), "ids": ids,
                                "text": trim(text) if stops else text})
        runs.append(generations)
    prompts = []
    for template in request.get("templates", []):
        tok.chat_template = template
        prompts.append([case_prompt(tok, c, "chat") for c in request.get("template_cases", [])])
    genai = []
    for run in request.get("genai_runs", []):
        import onnxruntime_genai as og

        og_model = og.Model(run["dir"])
        seqs = []
        for case in run["cases"]:
            prompt = case_prompt(tok, case, run["record_format"])
            ids = tok(prompt, add_special_tokens=(run["record_format"] == "text"))["input_ids"]
            params = og.GeneratorParams(og_model)
            params.set_search_options(max_length=len(ids) + run["max_new_tokens"], do_sample=False)
            gen = og.Generator(og_model, params)
            gen.append_tokens(ids)
            while not gen.is_done():
                gen.generate_next_token()
            seqs.append([int(t) for t in gen.get_sequence(0)][len(ids):])
        genai.append(seqs)
    print(json.dumps({"runs": runs, "prompts": prompts, "genai": genai}))


if __name__ == "__main__":
    main()
