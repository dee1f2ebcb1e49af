"""Batched decoding in which a row leaves the batch as soon as it has finished, and a waiting prompt takes its place.

Why not `model.generate`: it runs every row of a batch until the last one stops, so one answer that loops to
max_new_tokens makes the 47 finished rows beside it pay for every step (the demo's held-out batch: 48 rows whose
answers average 37 tokens ran 128 steps), and each batch of a run ends in such a tail. Here a row that emits EOS or
meets the stop rule is dropped from the batch and from the KV cache (`Cache.batch_select_indices`); once a quarter
of the places are free, the next waiting prompts are prefilled and join the running rows, their KV cache and mask
left-padded to the batch's length (the padding masked, cache columns no row attends to dropped). A predict call over
several case sets thus pays for one tail, not one per batch and set. The tokens are the ones `generate` picks for each
row alone: the same greedy argmax over float32 logits, the same position ids from each row's own mask
(test_decoding.py checks them against `generate` token for token, with and without refills).
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


def refillable(cache: Any) -> bool:
    """True when every layer of the KV cache is a plain growing one whose rows can be padded and joined."""
    from transformers.cache_utils import DynamicLayer

    layers = getattr(cache, "layers", None)
    return bool(layers) and all(type(layer) is DynamicLayer for layer in layers)


class _Running:
    """The rows decoding now: their cache, attention mask, next positions and last logits."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.cache: Any = None
        self.mask: Any = None
        self.pos: Any = None
        self.logits: Any = None

    def join(self, rows: list[int], cache: Any, mask: Any, pos: Any, logits: Any) -> None:
        """Add prefilled rows; the shorter side's cache and mask are left-padded (masked) to the longer one's."""
        import torch
        import torch.nn.functional as F

        if not self.rows:
            self.rows, self.cache, self.mask, self.pos, self.logits = rows, cache, mask, pos, logits
            return
        width = max(self.mask.shape[1], mask.shape[1])
        pad_mine, pad_theirs = width - self.mask.shape[1], width - mask.shape[1]  # columns each side gets on the left
        for mine, theirs in zip(self.cache.layers, cache.layers):
            mine.keys = torch.cat([F.pad(mine.keys, (0, 0, pad_mine, 0)), F.pad(theirs.keys, (0, 0, pad_theirs, 0))])
            mine.values = torch.cat([F.pad(mine.values, (0, 0, pad_mine, 0)), F.pad(theirs.values, (0, 0, pad_theirs, 0))])
        self.mask = torch.cat([F.pad(self.mask, (pad_mine, 0)), F.pad(mask, (pad_theirs, 0))])
        self.rows = self.rows + rows
        self.pos, self.logits = torch.cat([self.pos, pos]), torch.cat([self.logits, logits])

    def keep(self, running: Any) -> None:
        """Keep only the rows at these batch indices, then drop the cache columns no remaining row attends to."""
        idx = running.tolist()
        self.rows = [self.rows[i] for i in idx]
        self.cache.batch_select_indices(running)
        self.mask, self.pos, self.logits = self.mask[running], self.pos[running], self.logits[running]
        first = int(self.mask.any(0).int().argmax())
        if first > 0 and refillable(self.cache):
            for layer in self.cache.layers:
                layer.keys, layer.values = layer.keys[:, :, first:], layer.values[:, :, first:]
            self.mask = self.mask[:, first:]


def _prefill(model: Any, prompts: list[list[int]], pad_id: int, device: Any) -> tuple[Any, Any, Any, Any]:
    """(cache, mask, next positions, last logits) of left-padded prompts."""
    import torch

    width = max(len(p) for p in prompts)
    ids = torch.tensor([[pad_id] * (width - len(p)) + p for p in prompts], dtype=torch.long, device=device)
    mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts], dtype=torch.long, device=device)
    pos = (mask.cumsum(-1) - 1).clamp(min=0)
    keep_kw = {"logits_to_keep": 1} if accepts_logits_to_keep(model) else {}
    out = model(input_ids=ids, attention_mask=mask, position_ids=pos, use_cache=True, **keep_kw)
    return out.past_key_values, mask, pos[:, -1:], out.logits[:, -1].float()


def decode_pool(model: Any, prompts: list[list[int]], pad_id: int, batch_size: int, max_new_tokens: int,
                eos_ids: Collection[int], stop: StopRule, temperature: float = 0.0,
                on_done: Callable[[int], None] = lambda row: None) -> list[list[int]]:
    """New token ids for each prompt (unpadded token ids), at most batch_size rows decoding at a time; a row ends
    at EOS (kept), when stop(its ids) is true, or at max_new_tokens, and waiting prompts take the freed places once a
    quarter of the batch is free (or none is left running). on_done(row) is called as each row ends. Call under
    torch.no_grad(); feeding prompts sorted by length keeps the padding small."""
    import torch

    device = model.device
    eos = torch.tensor(sorted(eos_ids), dtype=torch.long, device=device)
    generated: list[list[int]] = [[] for _ in prompts]
    waiting = list(range(len(prompts)))
    batch = _Running()
    refill_at = max(1, batch_size // 4)
    while waiting or batch.rows:
        free = batch_size - len(batch.rows)
        if waiting and (free >= refill_at or not batch.rows) and (not batch.rows or refillable(batch.cache)):
            take, waiting = waiting[:free], waiting[free:]
            batch.join(take, *_prefill(model, [prompts[i] for i in take], pad_id, device))
        tokens = next_tokens(batch.logits, temperature)
        done = torch.isin(tokens, eos)
        for j, (row, token) in enumerate(zip(batch.rows, tokens.tolist())):
            generated[row].append(token)
            if not done[j] and (len(generated[row]) >= max_new_tokens or stop(generated[row])):
                done[j] = True
        for j in done.nonzero().squeeze(1).tolist():
            on_done(batch.rows[j])
        if bool(done.all()):
            batch = _Running()
            continue
        if bool(done.any()):
            running = (~done).nonzero().squeeze(1)
            batch.keep(running)
            tokens = tokens[running]
        batch.mask = torch.cat([batch.mask, batch.mask.new_ones(batch.mask.shape[0], 1)], dim=1)
        batch.pos = batch.pos + 1
        out = model(input_ids=tokens[:, None], attention_mask=batch.mask, position_ids=batch.pos,
                    past_key_values=batch.cache, use_cache=True)
        batch.logits = out.logits[:, -1].float()
    return generated
