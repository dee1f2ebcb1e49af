// The content-keyed stage cache on real files: keys follow content, records verify sizes and hashes,
// reuse copies the files into the new run and rebases paths, and a deleted or tampered file is a miss.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputPaths, rebaseOutput, recordStage, reuseStage, stageKey } from '../../../lib/cache/stage-cache';

let tmp: string;
let oldRun: string;
let newRun: string;
const output = () => ({ dir: `${oldRun}/dataset`, train_path: `${oldRun}/dataset/train.jsonl`, stats: { train: 2 }, elsewhere: '/etc/hostname' });

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'tooltune-cache-'));
  oldRun = path.join(tmp, 'runs', 'old');
  newRun = path.join(tmp, 'runs', 'new');
  await mkdir(path.join(oldRun, 'dataset', 'sub'), { recursive: true });
  await writeFile(path.join(oldRun, 'dataset', 'train.jsonl'), '{"a":1}\n{"a":2}\n');
  await writeFile(path.join(oldRun, 'dataset', 'sub', 'tools.json'), '[]\n');
  await writeFile(path.join(oldRun, 'dataset', '.train.jsonl.123.tmp'), 'half');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('stageKey', () => {
  it('depends on content, not key order, and on stage, parts and input hashes', () => {
    const base = stageKey('finetune', { lora: { lora_r: 32, lora_alpha: 64 }, training: { seed: 1 } }, { 0: 'aa' });
    expect(stageKey('finetune', { training: { seed: 1 }, lora: { lora_alpha: 64, lora_r: 32 } }, { 0: 'aa' })).toBe(base);
    expect(stageKey('finetune', { lora: { lora_r: 64, lora_alpha: 64 }, training: { seed: 1 } }, { 0: 'aa' })).not.toBe(base);
    expect(stageKey('finetune', { lora: { lora_r: 32, lora_alpha: 64 }, training: { seed: 1 } }, { 0: 'ab' })).not.toBe(base);
    expect(stageKey('predict', { lora: { lora_r: 32, lora_alpha: 64 }, training: { seed: 1 } }, { 0: 'aa' })).not.toBe(base);
  });
});

describe('record and reuse', () => {
  it('records the files an output names inside the run folder, not temp files or paths outside', async () => {
    expect(outputPaths(output(), oldRun)).toEqual([`${oldRun}/dataset`, `${oldRun}/dataset/train.jsonl`]);
    const record = await recordStage(oldRun, 'dataset', 'dataset', 'k1', output());
    expect(record.files.map((f) => f.path).sort()).toEqual(['dataset/sub/tools.json', 'dataset/train.jsonl']);
    expect(record.files.find((f) => f.path === 'dataset/train.jsonl')).toMatchObject({ size: 16, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.parse(await readFile(path.join(oldRun, 'cache', 'dataset.json'), 'utf8')).key).toBe('k1');
  });

  it('reuses a verified record: files copied, paths rebased onto the new run, recorded there too', async () => {
    const found = await reuseStage(oldRun, newRun, 'dataset', 'k1');
    expect(found).toEqual({ output: { dir: `${newRun}/dataset`, train_path: `${newRun}/dataset/train.jsonl`, stats: { train: 2 }, elsewhere: '/etc/hostname' } });
    expect(await readFile(path.join(newRun, 'dataset', 'train.jsonl'), 'utf8')).toBe('{"a":1}\n{"a":2}\n');
    expect(JSON.parse(await readFile(path.join(newRun, 'cache', 'dataset.json'), 'utf8')).key).toBe('k1');
  });

  it('misses on another key, a missing record, a tampered or a deleted file', async () => {
    expect(await reuseStage(oldRun, newRun, 'dataset', 'k2')).toEqual({ miss: 'inputs changed' });
    expect(await reuseStage(oldRun, newRun, 'preflight', 'k1')).toEqual({ miss: 'not recorded in the old run' });
    await writeFile(path.join(oldRun, 'dataset', 'train.jsonl'), '{"a":1}\n{"a":3}\n'); // same size, other content
    expect(await reuseStage(oldRun, newRun, 'dataset', 'k1')).toEqual({ miss: 'dataset/train.jsonl changed content' });
    await writeFile(path.join(oldRun, 'dataset', 'train.jsonl'), '{"a":1}\n'); // half-written
    expect(await reuseStage(oldRun, newRun, 'dataset', 'k1')).toEqual({ miss: 'dataset/train.jsonl changed size' });
    await rm(path.join(oldRun, 'dataset', 'sub', 'tools.json'));
    expect(await reuseStage(oldRun, newRun, 'dataset', 'k1')).toMatchObject({ miss: expect.stringMatching(/missing|changed/) });
  });

  it('rebases only paths under the old run folder', () => {
    expect(rebaseOutput({ a: '/x/runs/old/f', b: '/x/runs/older/f', c: ['/x/runs/old'] }, '/x/runs/old', '/y/new')).toEqual({ a: '/y/new/f', b: '/x/runs/older/f', c: ['/y/new'] });
  });
});
