// A broken variant folder gets an InferenceError naming the file, never a crash inside onnxruntime.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceError, loadEngine } from '../../../lib/inference';
import { onnxFixture, removeScratchDirs, scratchDir, type OnnxFixture } from '../../helpers/onnx-fixture';

let fx: OnnxFixture;
beforeAll(async () => {
  fx = await onnxFixture();
}, 240_000);
afterAll(removeScratchDirs);

// A writable copy of the int4 variant, changed by `edit`.
function brokenCopy(edit: (dir: string) => void): string {
  const dir = path.join(scratchDir('tt-variant-'), 'int4');
  cpSync(fx.int4, dir, { recursive: true });
  edit(dir);
  return dir;
}

function editJson(file: string, change: (v: Record<string, any>) => void): void {
  const v = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
  change(v);
  writeFileSync(file, JSON.stringify(v));
}

async function loadError(dir: string): Promise<InferenceError> {
  const err = await loadEngine(dir, { threads: 1 }).then(
    async (e) => {
      await e.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InferenceError);
  return err as InferenceError;
}

describe('variant folder errors', () => {
  it.each([
    ['model.onnx.data', 'external data file model.onnx.data is missing'],
    ['model.onnx', 'missing from the variant folder'],
    ['tokenizer.json', 'missing from the variant folder'],
    ['genai_config.json', 'missing from the variant folder'],
    ['tokenizer_config.json', 'missing from the variant folder'],
  ])('missing %s', async (name, message) => {
    const dir = brokenCopy((d) => rmSync(path.join(d, name)));
    const err = await loadError(dir);
    expect(err.message).toContain(path.join(dir, name));
    expect(err.message).toContain(message);
  });

  it.each(['genai_config.json', 'tokenizer.json', 'tokenizer_config.json', 'config.json'])('corrupt JSON in %s', async (name) => {
    const dir = brokenCopy((d) => writeFileSync(path.join(d, name), '{"model": {'));
    const err = await loadError(dir);
    expect(err.message).toMatch(new RegExp(`^${path.join(dir, name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON`));
  });

  it('a corrupt ONNX graph names model.onnx', async () => {
    const dir = brokenCopy((d) => writeFileSync(path.join(d, 'model.onnx'), Buffer.from('this is not a protobuf graph')));
    const err = await loadError(dir);
    expect(err.message).toContain(`${path.join(dir, 'model.onnx')}: onnxruntime cannot load the model`);
  });

  it('a tokenizer with more ids than the logits have rows', async () => {
    const dir = brokenCopy((d) => editJson(path.join(d, 'tokenizer.json'), (t) => {
      t.added_tokens.push({ id: fx.vocabSize + 100, content: '<extra>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
    }));
    const err = await loadError(dir);
    expect(err.message).toContain(path.join(dir, 'tokenizer.json'));
    expect(err.message).toContain(`logits have ${fx.vocabSize} rows`);
  });

  it("a tokenizer whose eos token is not the model's", async () => {
    const dir = brokenCopy((d) => editJson(path.join(d, 'tokenizer_config.json'), (t) => {
      t.eos_token = '<|pad|>';
    }));
    const err = await loadError(dir);
    expect(err.message).toContain('belongs to another model');
  });

  it('genai_config.json that does not fit the graph', async () => {
    const layers = await loadError(brokenCopy((d) => editJson(path.join(d, 'genai_config.json'), (g) => {
      g.model.decoder.num_hidden_layers = 3;
    })));
    expect(layers.message).toMatch(/model\.onnx: the graph lacks past_key_values\.2\.key/);
    const vocab = await loadError(brokenCopy((d) => editJson(path.join(d, 'genai_config.json'), (g) => {
      g.model.vocab_size = fx.vocabSize + 10;
    })));
    expect(vocab.message).toMatch(/config\.json: vocab_size \d+ differs/);
    const heads = await loadError(brokenCopy((d) => editJson(path.join(d, 'genai_config.json'), (g) => {
      g.model.decoder.head_size = 'sixteen';
    })));
    expect(heads.message).toContain('genai_config.json: model.decoder.head_size must be a positive integer');
  });

  it('a run folder without the variant, and an unknown variant', async () => {
    const run = path.dirname(path.dirname(path.dirname(fx.int4)));
    await expect(loadEngine(run, { variant: 'int8' })).rejects.toThrow(/has no int8 variant \(it has: fp32, int4\)/);
    await expect(loadEngine(run, { variant: 'int3' as 'int8' })).rejects.toThrow(/variant must be one of fp32, int8, int4/);
    await expect(loadEngine(path.join(run, 'nope'))).rejects.toThrow(/no such folder/);
    await expect(loadEngine(path.join(run, 'data'))).rejects.toThrow(/neither a variant folder/);
  });
});
