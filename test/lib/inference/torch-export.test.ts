// The TypeScript engine loads a variant made by the torch.onnx fallback exporter (plain attention, no
// GroupQueryAttention) unchanged: its fp32 decodes the builder export's greedy tokens, its INT4 onnxruntime-genai's.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine, type Engine } from '../../../lib/inference';
import { PROJECT_ROOT } from '../../../lib/local/project';
import { onnxFixture, PYTHON, removeScratchDirs, scratchDir, type OnnxFixture } from '../../helpers/onnx-fixture';

const REFERENCE = path.join(PROJECT_ROOT, 'python-activities', 'tests', 'onnx_reference.py');

function readCases(fx: OnnxFixture, n: number): { id: string; query: string; prompt: string }[] {
  return readFileSync(fx.data.cases, 'utf8').trim().split('\n').slice(0, n).map((l) => JSON.parse(l) as { id: string; query: string; prompt: string });
}

describe('engine on a torch.onnx fallback export', () => {
  let fx: OnnxFixture;
  let torchEngine: Engine;
  let builderEngine: Engine;
  beforeAll(async () => {
    fx = await onnxFixture();
    torchEngine = await loadEngine(fx.torchFp32, { threads: 1 });
    builderEngine = await loadEngine(fx.fp32, { threads: 1 });
  }, 240_000);
  afterAll(async () => {
    await torchEngine?.close();
    await builderEngine?.close();
    removeScratchDirs();
  });

  it('the graph takes no position_ids and keeps its own KV-cache layout', () => {
    const genai = JSON.parse(readFileSync(`${fx.torchFp32}/genai_config.json`, 'utf8')) as { search: { past_present_share_buffer: boolean } };
    expect(genai.search.past_present_share_buffer).toBe(false);
    expect(torchEngine.files.decoder.numLayers).toBe(builderEngine.files.decoder.numLayers);
  });

  it('greedy tokens equal the builder export on the validation cases (which equal PyTorch: reference.test.ts)', async () => {
    const cases = readCases(fx, 4);
    for (const c of cases) {
      const got = await torchEngine.generateCase(c, { maxNewTokens: 32, stopAfterToolUse: false });
      const want = await builderEngine.generateCase(c, { maxNewTokens: 32, stopAfterToolUse: false });
      expect(got.tokenIds.length).toBeGreaterThan(0);
      expect({ id: c.id, ids: got.tokenIds, text: got.text }).toEqual({ id: c.id, ids: want.tokenIds, text: want.text });
    }
  });

  it('the fallback INT4 (MatMulNBits + GatherBlockQuantized, plain attention) decodes onnxruntime-genai\'s tokens', async () => {
    const cases = readCases(fx, 3);
    const file = path.join(scratchDir('tt-torch-int4-'), 'request.json');
    writeFileSync(file, JSON.stringify({ genai_runs: [{ dir: fx.torchInt4, cases, record_format: 'text', max_new_tokens: 24 }] }));
    const run = await execa(PYTHON, [REFERENCE, fx.hfDir, file], { reject: false, timeout: 120_000 });
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    const genai = (JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as { genai: number[][][] }).genai[0]!;
    const int4 = await loadEngine(fx.torchInt4, { threads: 1 });
    try {
      for (const [i, c] of cases.entries()) {
        const got = await int4.generateCase(c, { maxNewTokens: 24, stopAfterToolUse: false });
        const ids = got.stopReason === 'eos' ? got.tokenIds.slice(0, -1) : got.tokenIds; // genai leaves out the eos
        expect({ id: c.id, ids }).toEqual({ id: c.id, ids: genai[i] });
      }
    } finally {
      await int4.close();
    }
  }, 120_000);
});
