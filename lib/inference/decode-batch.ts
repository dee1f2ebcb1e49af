// Batched greedy (or seeded) decoding: up to N prompts share one onnxruntime run per step. A CPU decode step of a
// small model is memory-bound (every weight is read once per step whatever the rows), so N rows cost far less than
// N steps. Each prompt is prefilled alone at batch 1 (decode.ts's prefill: its first token is the batch-1 one), then
// joins the batch; a row that finishes leaves it and the next waiting prompt takes its slot (continuous batching).
//
// Why rows of different lengths can share a step: the builder's graphs feed GroupQueryAttention with
// seqlens_k = ReduceSum(attention_mask) - 1 and total_sequence_length = the mask's width. For token generation
// GQA takes row b's past length from seqlens_k[b], copies that many positions of its past (right-padded to the
// widest row), writes the new K/V at that position, rotates with position seqlens_k[b] and attends over
// seqlens_k[b] + 1 positions (onnxruntime contrib_ops/cpu/bert/gqa_attention_base.h, group_query_attention.cc).
// So each row's mask holds as many ones as its real length, and what lies past it in the cache is never read.
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { checkStop, createPicker, lastLogits, prefillOne, type DecodeOptions, type DecodeResult } from './decode';
import type { OpenSession } from './session';
import type { TextTokenizer } from './tokenizer';
import type { DecoderSpec } from './variant';

// One prompt of a batch with its own options (its own grammar constraint, stop rule and limits).
export interface BatchItem {
  promptIds: readonly number[];
  opts: DecodeOptions;
}

// How the batch runs.
export interface BatchSettings {
  /** Rows decoded together, at least 1. */
  batchSize: number;
  /** true: a finished row's slot takes the next prompt at once; false: a new batch starts when all rows finished. */
  refill: boolean;
  signal?: AbortSignal;
}

// A row's result; startedAt/finishedAt are performance.now() stamps of its admission and last token.
export interface BatchDecodeResult extends DecodeResult {
  startedAt: number;
  finishedAt: number;
}

// KV cache data of one row: a [1, heads, len, dim] prefill output, or row `row` of a [B, heads, width, dim] step output.
type KvSource = { out: ort.InferenceSession.ReturnType; row: number };
type KvData = Float32Array | Uint16Array;

interface Row {
  index: number;
  item: BatchItem;
  tokenIds: number[];
  pick: (row: Float32Array) => Promise<number>;
  /** Positions held in its KV cache (prompt + tokens fed so far). */
  len: number;
  next: number;
  kv: KvSource;
  startedAt: number;
  prefillMs: number;
  firstTokenAt: number;
}

// Decodes `count` prompts, `load(i)` giving the i-th when its turn comes; `done(i, result)` is awaited as each
// finishes (in finishing order). A throw (abort, a grammar that rejects) stops the whole batch.
export async function decodeBatch(open: OpenSession, d: DecoderSpec, tok: TextTokenizer, count: number, load: (index: number) => Promise<BatchItem>, done: (index: number, result: BatchDecodeResult) => Promise<void> | void, settings: BatchSettings): Promise<void> {
  const { session, wantsPositionIds } = open;
  const size = Math.max(1, Math.floor(settings.batchSize));
  let active: Row[] = [];
  let nextIndex = 0;
  let changed = true;
  let kv: ort.Tensor[] = []; // past key, past value per layer for the rows of `active`, in order
  const finish = async (row: Row, stopReason: DecodeResult['stopReason']) => {
    const finishedAt = performance.now();
    await done(row.index, { tokenIds: row.tokenIds, stopReason, prefillMs: row.prefillMs, decodeMs: finishedAt - row.firstTokenAt, startedAt: row.startedAt, finishedAt });
  };
  for (;;) {
    // Admit waiting prompts into free slots (with refill off, only into an empty batch).
    const admit = settings.refill || active.length === 0;
    while (admit && active.length < size && nextIndex < count) {
      settings.signal?.throwIfAborted();
      const index = nextIndex++;
      const startedAt = performance.now();
      const item = await load(index);
      const tokenIds: number[] = [];
      const pick = createPicker(d, tok, item.opts, tokenIds);
      const out = await prefillOne(open, d, item.promptIds);
      const first = await pick(lastLogits(out[d.logits] as ort.Tensor, d.vocabSize));
      const firstTokenAt = performance.now();
      const row: Row = { index, item, tokenIds, pick, len: item.promptIds.length, next: first, kv: { out, row: 0 }, startedAt, prefillMs: firstTokenAt - startedAt, firstTokenAt };
      tokenIds.push(first);
      item.opts.onToken?.(first);
      const stop = await checkStop(d, tok, item.opts, row.len, tokenIds);
      if (stop) await finish(row, stop);
      else {
        active.push(row);
        changed = true;
      }
    }
    if (active.length === 0) {
      if (nextIndex >= count) return;
      continue;
    }
    if (changed) kv = gatherCache(d, active);
    changed = false;
    const rows = active.length;
    const width = kv[0]!.dims[2] as number;
    const ids = new BigInt64Array(rows);
    const mask = new BigInt64Array(rows * (width + 1));
    const positions = new BigInt64Array(rows);
    active.forEach((r, b) => {
      ids[b] = BigInt(r.next);
      mask.fill(1n, b * (width + 1), b * (width + 1) + r.len + 1);
      positions[b] = BigInt(r.len);
    });
    const feeds: Record<string, ort.Tensor> = {
      [d.inputIds]: new ort.Tensor('int64', ids, [rows, 1]),
      [d.attentionMask]: new ort.Tensor('int64', mask, [rows, width + 1]),
    };
    if (wantsPositionIds) feeds[d.positionIds] = new ort.Tensor('int64', positions, [rows, 1]);
    for (let i = 0; i < d.numLayers; i++) {
      feeds[d.pastKey(i)] = kv[2 * i]!;
      feeds[d.pastValue(i)] = kv[2 * i + 1]!;
    }
    settings.signal?.throwIfAborted();
    const out = await session.run(feeds);
    const logits = (out[d.logits] as ort.Tensor).data as Float32Array;
    const still: Row[] = [];
    for (const [b, r] of active.entries()) {
      r.len += 1;
      r.kv = { out, row: b };
      const next = await r.pick(logits.subarray(b * d.vocabSize, (b + 1) * d.vocabSize));
      r.tokenIds.push(next);
      r.item.opts.onToken?.(next);
      r.next = next;
      const stop = await checkStop(d, tok, r.item.opts, r.item.promptIds.length, r.tokenIds);
      if (stop) await finish(r, stop);
      else still.push(r);
    }
    if (still.length !== active.length) changed = true;
    active = still;
    if (!changed) kv = Array.from({ length: d.numLayers }, (_, i) => [out[d.presentKey(i)] as ort.Tensor, out[d.presentValue(i)] as ort.Tensor]).flat();
  }
}

// Builds the batch's past K/V per layer, [rows, heads, width, dim] with width the longest row: each row's valid
// positions first, zeros after (never read: its mask says how many are valid).
function gatherCache(d: DecoderSpec, rows: readonly Row[]): ort.Tensor[] {
  const width = Math.max(...rows.map((r) => r.len));
  const heads = d.numKvHeads;
  const dim = d.headSize;
  const tensors: ort.Tensor[] = [];
  for (let i = 0; i < d.numLayers; i++) {
    for (const name of [d.presentKey(i), d.presentValue(i)]) {
      const sample = rows[0]!.kv.out[name] as ort.Tensor;
      const target = new (sample.data.constructor as new (n: number) => KvData)(rows.length * heads * width * dim);
      rows.forEach((r, b) => {
        const src = r.kv.out[name] as ort.Tensor;
        const data = src.data as KvData;
        const srcWidth = src.dims[2] as number;
        for (let h = 0; h < heads; h++) {
          const from = ((r.kv.row * heads + h) * srcWidth) * dim;
          target.set(data.subarray(from, from + r.len * dim), ((b * heads + h) * width) * dim);
        }
      });
      tensors.push(new ort.Tensor(sample.type as 'float32', target as Float32Array, [rows.length, heads, width, dim]));
    }
  }
  return tensors;
}
