// The TypeScript engine loads a variant made by the torch.onnx fallback exporter (plain attention, no
// GroupQueryAttention) unchanged, and decodes the same greedy tokens as on the builder's export of the same model.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine, type Engine } from '../../../lib/inference';
import { onnxFixture, type OnnxFixture } from '../../helpers/onnx-fixture';

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
  });

  it('the graph takes no position_ids and keeps its own KV-cache layout', () => {
    const genai = JSON.parse(readFileSync(`${fx.torchFp32}/genai_config.json`, 'utf8')) as { search: { past_present_share_buffer: boolean } };
    expect(genai.search.past_present_share_buffer).toBe(false);
    expect(torchEngine.files.decoder.numLayers).toBe(builderEngine.files.decoder.numLayers);
  });

  it('greedy tokens equal the builder export on the validation cases (which equal PyTorch: reference.test.ts)', async () => {
    const cases = readFileSync(fx.data.cases, 'utf8').trim().split('\n').slice(0, 4).map((l) => JSON.parse(l) as { id: string; query: string; prompt: string });
    for (const c of cases) {
      const got = await torchEngine.generateCase(c, { maxNewTokens: 32, stopAfterToolUse: false });
      const want = await builderEngine.generateCase(c, { maxNewTokens: 32, stopAfterToolUse: false });
      expect(got.tokenIds.length).toBeGreaterThan(0);
      expect({ id: c.id, ids: got.tokenIds, text: got.text }).toEqual({ id: c.id, ids: want.tokenIds, text: want.text });
    }
  });
});
