// Batched decoding (Engine.generateMany) on the tiny fp32 model: the same greedy tokens as one prompt at a time,
// with prompts of different lengths, rows that finish early and leave their slot to the next prompt, constrained
// rows each with their own grammar, and the same clear errors.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine, type Engine, type StepConstraint } from '../../../lib/inference';
import { loadTokenizer } from '../../../lib/inference/tokenizer';
import { readVariant } from '../../../lib/inference/variant';
import { loadBuiltinTools } from '../../../lib/tools/load-tools';
import { onnxFixture } from '../../helpers/onnx-fixture';

const TOOLS = loadBuiltinTools();

describe('batched decoding on the tiny fp32 model', () => {
  let engine: Engine;
  let prompts: string[];

  beforeAll(async () => {
    const fx = await onnxFixture();
    engine = await loadEngine(fx.fp32, { threads: 1 });
    const cases = readFileSync(fx.data.cases, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { prompt: string });
    // Val prompts plus a very short and a long one: rows of different lengths share each step.
    prompts = [...cases.slice(0, 8).map((c) => c.prompt), engine.prompts.forRequest('hi'), engine.prompts.forRequest(`Read ${'the config file and then '.repeat(12)}stop`)];
  }, 300_000);
  afterAll(() => engine?.close());

  const one = async (opts: { maxNewTokens: number; stopAfterToolUse?: boolean }) => {
    const out = [];
    for (const p of prompts) out.push(await engine.generatePrompt(p, opts));
    return out;
  };

  it('gives the tokens, texts and stop reasons of one-at-a-time decoding, in input order', async () => {
    const lengths = new Set(await Promise.all(prompts.map(async (p) => (await engine.generatePrompt(p, { maxNewTokens: 1 })).promptTokens)));
    expect(lengths.size).toBeGreaterThan(3);
    const single = await one({ maxNewTokens: 40 });
    const finished: number[] = [];
    const batched = await engine.generateMany(prompts, { maxNewTokens: 40, batchSize: 4, onResult: (i) => finished.push(i) });
    expect(batched.map((r) => r.tokenIds)).toEqual(single.map((r) => r.tokenIds));
    expect(batched.map((r) => r.text)).toEqual(single.map((r) => r.text));
    expect(batched.map((r) => r.stopReason)).toEqual(single.map((r) => r.stopReason));
    expect(batched.map((r) => r.promptTokens)).toEqual(single.map((r) => r.promptTokens));
    // Rows finished at different steps (early stops freed slots for waiting prompts), each reported once.
    expect(new Set(single.map((r) => r.newTokens)).size).toBeGreaterThan(1);
    expect([...finished].sort((a, b) => a - b)).toEqual(prompts.map((_, i) => i));
    for (const r of batched) expect(r.latencyMs).toBeGreaterThan(0);
  }, 120_000);

  it('rows that run to max_new_tokens, and batches without refill, give the same tokens', async () => {
    const single = await one({ maxNewTokens: 24, stopAfterToolUse: false });
    const batched = await engine.generateMany(prompts, { maxNewTokens: 24, stopAfterToolUse: false, batchSize: 3, refill: false });
    expect(batched.map((r) => r.tokenIds)).toEqual(single.map((r) => r.tokenIds));
    expect(batched.some((r) => r.stopReason === 'max_new_tokens')).toBe(true);
  }, 120_000);

  it.each([40, 6])('constrained rows each follow their own grammar, as they would alone (max_new_tokens %i: open calls are closed past it)', async (maxNewTokens) => {
    const compiler = await engine.constraints();
    const choices = [{ name: 'glob' }, 'required', { name: 'bash' }, 'auto', { name: 'read' }] as const;
    const single = [];
    for (const [i, p] of prompts.slice(0, 5).entries()) {
      const c = await compiler.start(TOOLS, choices[i]);
      single.push(await engine.generatePrompt(p, { maxNewTokens, constraint: c }).finally(() => c?.dispose()));
    }
    let made = 0;
    let disposed = 0;
    const batched = await engine.generateMany(prompts.slice(0, 5), {
      maxNewTokens, batchSize: 5,
      constraintFor: async (i) => {
        const c = (await compiler.start(TOOLS, choices[i]))!;
        made += 1;
        return { ...c, maskLogits: c.maskLogits, accept: c.accept, isTerminated: c.isTerminated, dispose: () => { disposed += 1; c.dispose(); } } satisfies StepConstraint;
      },
    });
    expect(batched.map((r) => r.tokenIds)).toEqual(single.map((r) => r.tokenIds));
    expect(batched[0]!.text.startsWith('<tool_use>glob(')).toBe(true);
    expect(batched[2]!.text.startsWith('<tool_use>bash(')).toBe(true);
    expect([made, disposed]).toEqual([5, 5]);
    for (const r of batched) if (r.text.includes('<tool_use>')) expect(r.text.lastIndexOf('</tool_use>'), r.text).toBeGreaterThan(r.text.lastIndexOf('<tool_use>'));
  }, 120_000);

  it('bad options and prompts get the clear errors of single generation; constraints made are freed', async () => {
    await expect(engine.generateMany(prompts, { batchSize: 0 })).rejects.toThrow(/batchSize must be an integer from 1 to 512, got 0/);
    await expect(engine.generateMany(prompts, { maxNewTokens: 0 })).rejects.toThrow(/maxNewTokens must be a positive integer/);
    await expect(engine.generateMany(['User: hi', []], { batchSize: 2 })).rejects.toThrow(/the prompt encodes to no tokens/);
    const context = engine.files.decoder.contextLength;
    const compiler = await engine.constraints();
    let open = 0;
    const tooLong = Array.from({ length: context }, () => 5);
    const run = engine.generateMany(['User: hi\nAssistant:', tooLong], {
      batchSize: 2,
      constraintFor: async () => {
        const c = (await compiler.start(TOOLS, 'auto'))!;
        open += 1;
        return { ...c, maskLogits: c.maskLogits, accept: c.accept, isTerminated: c.isTerminated, dispose: () => { open -= 1; c.dispose(); } };
      },
    });
    await expect(run).rejects.toThrow(new RegExp(`the prompt has ${context} tokens; the model's context is ${context}`));
    expect(open).toBe(0);
    const controller = new AbortController();
    controller.abort();
    await expect(engine.generateMany(prompts, { signal: controller.signal })).rejects.toThrow(/abort/i);
  }, 60_000);
});

describe("the stop rule's shortcut", () => {
  it("flags every token whose text holds '>' (the stop rule skips decoding tails without one)", async () => {
    const tok = loadTokenizer(readVariant((await onnxFixture()).fp32));
    let flagged = 0;
    for (let id = 0; id < tok.size; id++) {
      if ((await tok.decode([id])).includes('>')) expect(tok.mayHoldGt([id]), `id ${id}`).toBe(true);
      if (tok.mayHoldGt([id])) flagged += 1;
    }
    expect(flagged).toBeGreaterThan(0);
    expect(flagged).toBeLessThan(tok.size / 4);
    expect(tok.mayHoldGt([tok.size + 5])).toBe(true); // an id the vocabulary lacks: decode to be sure
  }, 60_000);
});
