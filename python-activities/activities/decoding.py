"""Batched decoding that lets each row leave the batch as soon as it has finished.

Why not `model.generate`: it runs every row of a batch until the last one stops, so one answer that loops to
max_new_tokens makes the 47 finished rows beside it pay for every step (the demo's held-out batch: 48 rows whose
answers average 37 tokens ran 128 steps). Here a row that emits EOS or meets the stop rule is dropped from the
batch and from the KV cache (`Cache.batch_select_indices`), so later steps cost only the rows still running. The
tokens are the ones `generate` picks: the same greedy argmax over the same float32 logits, the same position ids
from the left-padded attention mask (test_decoding.py checks them against `generate` token for token).
"""

from __future__ import annotations

from typing import Any, Callable, Collection

from .modelio import accepts_logits_to_keep

StopRule = Callable[[list[int]], bool]


def next_tokens(logits: Any, temperature: float) -> Any:
    """Greedy argmax, or a draw from softmax(logits / temperature) as `generate` samples with top_k 0 and top_p 1."""
    import torch

    if temperature > 0:
        return torch.multinomial(torch.softmax(logits / temperature, dim=-1), num_samples=1).squeeze(1)
    return logits.argmax(dim=-1)


def decode_rows(model: Any, input_ids: Any, attention_mask: Any, max_new_tokens: int, eos_ids: Collection[int],
                stop: StopRule, temperature: float = 0.0) -> list[list[int]]:
    """New token ids per row of a left-padded batch; a row ends at EOS (kept), when stop(its ids) is true, or at
    max_new_tokens. Call under torch.no_grad()."""
    import torch

    mask = attention_mask
    pos = (mask.long().cumsum(-1) - 1).clamp(min=0)
    keep_kw = {"logits_to_keep": 1} if accepts_logits_to_keep(model) else {}
    out = model(input_ids=input_ids, attention_mask=mask, position_ids=pos, use_cache=True, **keep_kw)
    cache, logits = out.past_key_values, out.logits[:, -1].float()
    rows = torch.arange(input_ids.shape[0], device=input_ids.device)
    eos = torch.tensor(sorted(eos_ids), dtype=torch.long, device=input_ids.device)
    generated: list[list[int]] = [[] for _ in range(input_ids.shape[0])]
    for step in range(max_new_tokens):
        tokens = next_tokens(logits, temperature)
        done = torch.isin(tokens, eos)
        for j, (row, token) in enumerate(zip(rows.tolist(), tokens.tolist())):
            generated[row].append(token)
            if not done[j] and stop(generated[row]):
                done[j] = True
        if step == max_new_tokens - 1 or bool(done.all()):
            break
        if bool(done.any()):  # finished rows leave the batch and the cache
            running = (~done).nonzero().squeeze(1)
            cache.batch_select_indices(running)
            rows, mask, pos, tokens = rows[running], mask[running], pos[running], tokens[running]
        mask = torch.cat([mask, mask.new_ones(mask.shape[0], 1)], dim=1)
        pos = pos[:, -1:] + 1
        out = model(input_ids=tokens[:, None], attention_mask=mask, position_ids=pos, past_key_values=cache, use_cache=True)
        logits = out.logits[:, -1].float()
    return generated
