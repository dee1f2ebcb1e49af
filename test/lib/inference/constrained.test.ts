// Constrained decoding in the engine on the tiny INT4 model: with the grammar on, every call parses and
// fits its schema and closes even when max_new_tokens runs out inside it (even from a model that was never trained on these tools' arguments), a named
// tool_choice is obeyed, and the benchmark's fixed-length option runs past eos and the stop rule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine, type Engine } from '../../../lib/inference';
import { CLOSING_ALLOWANCE } from '../../../lib/inference/decode';
import { loadBuiltinTools } from '../../../lib/tools/load-tools';
import { createParamsChecker } from '../../../lib/tools/validate-params';
import { onnxFixture } from '../../helpers/onnx-fixture';

const TOOLS = loadBuiltinTools();
const check = createParamsChecker(TOOLS);

describe('constrained decoding in the engine', () => {
  let engine: Engine;

  beforeAll(async () => {
    engine = await loadEngine((await onnxFixture()).int4, { threads: 1 });
  }, 300_000);
  afterAll(() => engine?.close());

  it('every call of a required tool_choice parses and validates', async () => {
    const compiler = await engine.constraints();
    const requests = ['Read the config file', 'find TODO in src', 'run the tests', 'start a mesh swarm', 'store the key foo'];
    // 48 tokens, and 6: the budget then runs out inside the call, which the closing allowance still closes.
    for (const maxNewTokens of [48, 6]) for (const request of requests) {
      const r = await engine.generate(request, { maxNewTokens, constraint: await compiler.start(TOOLS, 'required') });
      expect(r.text.startsWith('<tool_use>'), r.text).toBe(true);
      expect(r.text.endsWith('</tool_use>') || r.stopReason !== 'max_new_tokens', r.text).toBe(true);
      expect(r.newTokens).toBeLessThanOrEqual(maxNewTokens + CLOSING_ALLOWANCE);
      expect(r.parseErrors, r.text).toEqual([]);
      expect(r.toolCalls.length).toBeGreaterThan(0);
      for (const call of r.toolCalls) expect(check({ tool: call.name, params: call.parameters })).toEqual([]);
    }
  }, 120_000);

  it('a named tool_choice calls that tool', async () => {
    const compiler = await engine.constraints();
    const r = await engine.generate('hello', { maxNewTokens: 48, constraint: await compiler.start(TOOLS, { name: 'glob' }) });
    expect(r.text.startsWith('<tool_use>glob(pattern='), r.text).toBe(true);
  }, 60_000);

  it('minNewTokens makes exactly that many tokens, past eos and the stop rule', async () => {
    const r = await engine.generate('Read the config file', { maxNewTokens: 40, minNewTokens: 40 });
    expect(r.newTokens).toBe(40);
  }, 60_000);

  it('an aborted signal stops generation with an AbortError', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(engine.generate('Read the config file', { signal: controller.signal })).rejects.toThrow(/abort/i);
  });
});
