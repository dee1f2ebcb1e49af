// The decode loop: one prefill run, then one run per new token, feeding each step's present KV back as the next past.
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { createRng, type Rng } from '../dataset/prng';
import { InferenceError } from './errors';
import type { StepConstraint } from './grammar/tool-constraint';
import type { OpenSession } from './session';
import { cutAtStop, endsInOpeningTag, insideOpenBlock, ranPastBlocks, STOP_TAIL_TOKENS } from './stop-rule';
import type { TextTokenizer } from './tokenizer';
import type { DecoderSpec } from './variant';

// How a generation is sampled and when it stops.
export interface DecodeOptions {
  maxNewTokens: number;
  /** 0 = greedy (argmax, the first maximum as torch.argmax); above 0 samples from softmax(logits / temperature). */
  temperature: number;
  /** Seed of the sampling PRNG (mulberry32): the same seed gives the same tokens. */
  seed: number;
  /** Stop once the output has run past its last </tool_use> block (predict.py's rule). */
  stopAfterToolUse: boolean;
  /** Until this many tokens exist, eos is masked out and the stop rule is not applied (benchmarks: equal lengths). */
  minNewTokens?: number;
  /** Grammar masks for each step (constrained decoding); the chosen token advances it. */
  constraint?: StepConstraint | null;
  /** Stops between steps with an AbortError (a client that went away, a shutdown). */
  signal?: AbortSignal;
  /** Called with each new token id as it is chosen (streaming). */
  onToken?: (tokenId: number) => void;
  /** With temperature above 0: sample among the likeliest tokens whose probabilities add up to this (1: all). */
  topP?: number;
  /** Stop once the text outside tool-call blocks holds one of these (stop-rule.ts cutAtStop). */
  stopSequences?: readonly string[];
}

// Prompt tokens run in the pass that yields the first logits. Two, not one: MatMulNBits (INT4, accuracy level 4)
// takes another kernel for a one-row input, and the last row's logits then differ from a full prefill's (by up to
// 1.07 on Gemma 3 270M INT4); with two or more rows they are bit-identical to it.
export const PREFILL_TAIL = 2;

// Past max_new_tokens, a constrained generation inside an open `<tool_use>` block gets up to this many more
// tokens to close it the shortest way the grammar allows (StepConstraint.pickClosing): a call cut off by the
// budget would not parse, and constrained calls must always parse. A bound, not a typical cost: a character-
// level tokenizer may need ~40 tokens to write three missing required arguments; the demo model needs a few.
export const CLOSING_ALLOWANCE = 64;

// Where a constrained generation stands once past its budget: inside a block (close it), still writing the
// opening tag (finish it first, as the grammar and the model choose), or done. checkStop and the picker both ask
// after each token; the answer for a generation's current length is kept so its text is decoded once.
type ClosingState = 'inside' | 'opening' | 'done';
const closingStates = new WeakMap<readonly number[], { length: number; state: Promise<ClosingState> }>();
function closingState(tok: TextTokenizer, tokenIds: readonly number[]): Promise<ClosingState> {
  const known = closingStates.get(tokenIds);
  if (known?.length === tokenIds.length) return known.state;
  const state = tok.decode(tokenIds).then((text): ClosingState => (insideOpenBlock(text) ? 'inside' : endsInOpeningTag(text) ? 'opening' : 'done'));
  closingStates.set(tokenIds, { length: tokenIds.length, state });
  return state;
}

// Why generation ended ('context_length': prompt + new tokens reached genai_config.json's context_length;
// 'stop_sequence': the text reached one of DecodeOptions.stopSequences).
export type StopReason = 'eos' | 'tool_use' | 'max_new_tokens' | 'context_length' | 'stop_sequence';

// The new tokens (an eos that ended generation is included, as in transformers' generate) and timings.
export interface DecodeResult {
  tokenIds: number[];
  stopReason: StopReason;
  prefillMs: number;
  decodeMs: number;
}

// Runs prefill and the decode steps for one prompt (batch 1).
export async function decodeTokens(open: OpenSession, d: DecoderSpec, tok: TextTokenizer, promptIds: readonly number[], opts: DecodeOptions): Promise<DecodeResult> {
  const { session, wantsPositionIds } = open;
  const promptLen = promptIds.length;
  // One all-ones mask for every step: each step feeds a view of its first `total` entries.
  const budget = opts.maxNewTokens + (opts.constraint ? CLOSING_ALLOWANCE : 0);
  const mask = new BigInt64Array(Math.min(d.contextLength, promptLen + budget) + 1).fill(1n);
  const tokenIds: number[] = [];
  const pick = createPicker(d, tok, opts, tokenIds);
  const started = performance.now();
  opts.signal?.throwIfAborted();
  let out = await prefillOne(open, d, promptIds);
  let next = await pick(lastLogits(out[d.logits] as ort.Tensor, d.vocabSize));
  const prefillMs = performance.now() - started;
  const stepIds = new BigInt64Array(1);
  const stepPos = new BigInt64Array(1);
  let stopReason: StopReason;
  for (;;) {
    tokenIds.push(next);
    opts.onToken?.(next);
    const stop = await checkStop(d, tok, opts, promptLen, tokenIds);
    if (stop) {
      stopReason = stop;
      break;
    }
    const total = promptLen + tokenIds.length;
    stepIds[0] = BigInt(next);
    const step: Record<string, ort.Tensor> = {
      [d.inputIds]: new ort.Tensor('int64', stepIds, [1, 1]),
      [d.attentionMask]: new ort.Tensor('int64', mask.subarray(0, total), [1, total]),
    };
    if (wantsPositionIds) {
      stepPos[0] = BigInt(total - 1);
      step[d.positionIds] = new ort.Tensor('int64', stepPos, [1, 1]);
    }
    for (let i = 0; i < d.numLayers; i++) {
      step[d.pastKey(i)] = out[d.presentKey(i)] as ort.Tensor;
      step[d.pastValue(i)] = out[d.presentValue(i)] as ort.Tensor;
    }
    opts.signal?.throwIfAborted();
    out = await session.run(step);
    next = await pick(lastLogits(out[d.logits] as ort.Tensor, d.vocabSize));
  }
  return { tokenIds, stopReason, prefillMs, decodeMs: performance.now() - started - prefillMs };
}

// Prefill of one prompt at batch 1: all but the last PREFILL_TAIL prompt tokens without fetching logits (a
// [1, P, vocab] copy of which only the last row is read: a quarter of a 300-token prefill of Gemma 3), then the
// tail on top of that cache. The output holds the last position's logits and the prompt's KV cache.
export async function prefillOne(open: OpenSession, d: DecoderSpec, promptIds: readonly number[]): Promise<ort.InferenceSession.ReturnType> {
  const { session, kvType, wantsPositionIds } = open;
  const promptLen = promptIds.length;
  const mask = new BigInt64Array(promptLen).fill(1n);
  const ids = BigInt64Array.from(promptIds, (id) => BigInt(id));
  const positions = BigInt64Array.from(promptIds, (_, i) => BigInt(i));
  const emptyPast = new ort.Tensor(kvType, kvType === 'float16' ? new Uint16Array(0) : new Float32Array(0), [1, d.numKvHeads, 0, d.headSize]);
  const presentNames = Array.from({ length: d.numLayers }, (_, i) => [d.presentKey(i), d.presentValue(i)]).flat();
  // Feeds for tokens [from, to) of `ids` on top of the cache in `past` (null: empty).
  const feedsFor = (from: number, to: number, past: ort.InferenceSession.ReturnType | null): Record<string, ort.Tensor> => {
    const feeds: Record<string, ort.Tensor> = {
      [d.inputIds]: new ort.Tensor('int64', ids.subarray(from, to), [1, to - from]),
      [d.attentionMask]: new ort.Tensor('int64', mask.subarray(0, to), [1, to]),
    };
    if (wantsPositionIds) feeds[d.positionIds] = new ort.Tensor('int64', positions.subarray(from, to), [1, to - from]);
    for (let i = 0; i < d.numLayers; i++) {
      feeds[d.pastKey(i)] = past ? (past[d.presentKey(i)] as ort.Tensor) : emptyPast;
      feeds[d.pastValue(i)] = past ? (past[d.presentValue(i)] as ort.Tensor) : emptyPast;
    }
    return feeds;
  };
  const head = promptLen > PREFILL_TAIL ? promptLen - PREFILL_TAIL : 0;
  const cache = head > 0 ? await session.run(feedsFor(0, head, null), presentNames) : null;
  return session.run(feedsFor(head, promptLen, cache));
}

// A token chooser for one generation (eos masked before minNewTokens) that advances its grammar with the choice;
// past max_new_tokens inside an open block (see checkStop), the grammar's closing choice.
// The grammar's mask is computed only when the grammar rejects the unconstrained choice: the first choice is kept
// when allowed, which is exactly greedy-under-the-mask, and a masked redraw after a rejection samples the masked
// distribution (p(y) + p(rejected) * p(y) / Z = p(y) / Z); most steps then cost one accept, not a mask.
export function createPicker(d: DecoderSpec, tok: TextTokenizer, opts: DecodeOptions, tokenIds: readonly number[]): (row: Float32Array) => Promise<number> {
  const sample = opts.temperature > 0 ? sampler(opts.temperature, createRng(opts.seed), opts.topP ?? 1) : argmax;
  const minNew = opts.minNewTokens ?? 0;
  return async (row) => {
    if (opts.constraint && tokenIds.length >= opts.maxNewTokens && (await closingState(tok, tokenIds)) === 'inside') return opts.constraint.pickClosing(row);
    if (tokenIds.length < minNew) for (const eos of d.eosTokenIds) if (eos < row.length) row[eos] = -Infinity;
    const first = sample(row);
    if (!opts.constraint || opts.constraint.accept(first)) return first;
    await opts.constraint.maskLogits(row);
    const id = sample(row);
    if (!opts.constraint.accept(id)) throw new InferenceError(`the grammar rejected token ${id} it had allowed`);
    return id;
  };
}

// Why a generation stops after its newest token (the last of tokenIds), or null to go on: eos, the grammar's end,
// the stop rule after </tool_use>, max_new_tokens (unless a constrained call is still open: CLOSING_ALLOWANCE),
// then the model's context.
export async function checkStop(d: DecoderSpec, tok: TextTokenizer, opts: DecodeOptions, promptLen: number, tokenIds: readonly number[]): Promise<StopReason | null> {
  const next = tokenIds[tokenIds.length - 1] as number;
  if (d.eosTokenIds.includes(next)) return 'eos';
  if (opts.constraint?.isTerminated()) return 'eos';
  if (opts.stopAfterToolUse && tokenIds.length >= (opts.minNewTokens ?? 0)) {
    const tail = tokenIds.slice(-STOP_TAIL_TOKENS);
    if (tok.mayHoldGt(tail) && ranPastBlocks(await tok.decode(tail))) return 'tool_use';
  }
  if (opts.stopSequences?.length && cutAtStop(await tok.decode(tokenIds), opts.stopSequences).hit) return 'stop_sequence';
  if (tokenIds.length >= opts.maxNewTokens) {
    const closing = opts.constraint && tokenIds.length < opts.maxNewTokens + CLOSING_ALLOWANCE && promptLen + tokenIds.length < d.contextLength;
    if (!closing || (await closingState(tok, tokenIds)) === 'done') return 'max_new_tokens';
  }
  if (promptLen + tokenIds.length >= d.contextLength) return 'context_length';
  return null;
}

// The last position's logits as a view (no copy) of the [1, seq, vocab] output.
export function lastLogits(t: ort.Tensor, vocab: number): Float32Array {
  const data = t.data as Float32Array;
  return data.subarray(data.length - vocab);
}

// Greedy choice: the first index of the largest logit.
export function argmax(row: Float32Array): number {
  let best = 0;
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) {
    const v = row[i] as number;
    if (v > max) {
      max = v;
      best = i;
    }
  }
  return best;
}

// Temperature sampling with a seeded PRNG; topP below 1 keeps only the likeliest tokens whose probabilities
// add up to topP (nucleus sampling), as OpenAI's top_p. No top-k: predict.py's settings.
export function sampler(temperature: number, rng: Rng, topP = 1): (row: Float32Array) => number {
  let probs = new Float64Array(0);
  return (row) => {
    if (probs.length !== row.length) probs = new Float64Array(row.length);
    let max = -Infinity;
    for (let i = 0; i < row.length; i++) max = Math.max(max, row[i] as number);
    let sum = 0;
    for (let i = 0; i < row.length; i++) {
      const p = Math.exp(((row[i] as number) - max) / temperature);
      probs[i] = p;
      sum += p;
    }
    if (topP < 1) {
      // The nucleus: tokens by falling probability until they hold topP of the mass; only tokens above a
      // millionth of the mass can matter, which keeps the sort short.
      const order = [];
      for (let i = 0; i < row.length; i++) if ((probs[i] as number) > sum * 1e-6) order.push(i);
      order.sort((a, b) => (probs[b] as number) - (probs[a] as number));
      let kept = 0;
      let n = 0;
      while (n < order.length && kept < topP * sum) kept += probs[order[n++] as number] as number;
      let r = rng() * kept;
      for (let k = 0; k < n; k++) {
        r -= probs[order[k] as number] as number;
        if (r < 0) return order[k] as number;
      }
      return order[Math.max(0, n - 1)] as number;
    }
    let r = rng() * sum;
    for (let i = 0; i < row.length; i++) {
      r -= probs[i] as number;
      if (r < 0) return i;
    }
    return row.length - 1;
  };
}
