import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseToolUse } from '../../../lib/tool-call/syntax';
import { loadBuiltinTools } from '../../../lib/tools/load-tools';
import { createParamsChecker } from '../../../lib/tools/validate-params';
import { normalizeQuery } from '../../../lib/dataset/canonical';
import { DatasetError, generateDataset, type DatasetConfig, type DatasetResult } from '../../../lib/dataset/generate-dataset';
import { CATEGORIES, type ChatRecord, type EvalCase, type TextRecord } from '../../../lib/dataset/types';

const guide: DatasetConfig = {
  format: 'text',
  augment_dataset: true,
  target_size: 80,
  validation_split: 0.2,
  tool_files: [],
  example_files: [],
  on_bad_record: 'fail',
  train_cases_sample: 20,
};
const check = createParamsChecker(loadBuiltinTools());

function outDir(): string {
  return mkdtempSync(join(tmpdir(), 'tooltune-dataset-'));
}
function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as T);
}
function readAll(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

describe('generateDataset with the guide settings (text, augmented, 80, 0.2)', () => {
  let dir: string;
  let result: DatasetResult;
  let train: TextRecord[];
  let val: TextRecord[];
  beforeAll(async () => {
    dir = outDir();
    result = await generateDataset(guide, 42, dir);
    train = readJsonl<TextRecord>(result.train_path);
    val = readJsonl<TextRecord>(result.val_path);
  });

  it('writes the seven files and nothing else', () => {
    expect(readdirSync(dir).sort()).toEqual([
      'stats.json', 'suite_cases.jsonl', 'tools.json', 'train.jsonl', 'train_cases.jsonl', 'val.jsonl', 'val_cases.jsonl',
    ]);
  });

  it('makes 60-100 examples over all eight categories, about 20 % for validation', () => {
    const total = train.length + val.length;
    expect(total).toBe(80);
    expect(new Set([...train, ...val].map((r) => r.category))).toEqual(new Set(CATEGORIES));
    expect(val.length / total).toBeGreaterThan(0.15);
    expect(val.length / total).toBeLessThan(0.25);
    expect(result.stats).toMatchObject({ total: 80, train: train.length, val: val.length, augmented: 80 - result.stats.base_examples });
  });

  it('writes records in the contract shape, with parseable and schema-valid calls', () => {
    for (const r of [...train, ...val]) {
      expect(Object.keys(r)).toEqual(['id', 'base_id', 'text', 'prompt', 'completion', 'tool_name', 'category', 'difficulty']);
      expect(r.text).toBe(r.prompt + r.completion);
      expect(r.prompt).toMatch(/^User: [^]+\nAssistant:$/);
      if (r.tool_name === 'no-tool') {
        expect(r.completion, r.id).not.toContain('<tool_use>');
        continue;
      }
      expect(r.completion).toMatch(/^ I'll [^\n]+\n<tool_use>/);
      const parsed = parseToolUse(r.completion);
      expect(parsed.errors, r.id).toEqual([]);
      expect(parsed.calls.length).toBeGreaterThan(0);
      expect(parsed.blocks).toBe(parsed.calls.length);
      expect(r.tool_name).toBe(parsed.calls.length > 1 ? 'multi-step' : parsed.calls[0]?.tool);
      for (const call of parsed.calls) expect(check(call), r.id).toEqual([]);
    }
  });

  it('keeps queries unique and never splits a base_id or a query across train and val', () => {
    const q = (r: TextRecord): string => normalizeQuery(r.prompt.slice('User: '.length, -'\nAssistant:'.length));
    const all = [...train, ...val].map(q);
    expect(new Set(all).size).toBe(all.length);
    const trainBases = new Set(train.map((r) => r.base_id));
    expect(val.filter((r) => trainBases.has(r.base_id))).toEqual([]);
    const trainQueries = new Set(train.map(q));
    expect(val.filter((r) => trainQueries.has(q(r)))).toEqual([]);
  });

  it('writes the fixed suite, none of whose queries is trained on', () => {
    const suite = readJsonl<EvalCase>(result.suite_cases_path);
    expect(suite).toHaveLength(20);
    const trainQueries = new Set(train.map((r) => normalizeQuery(r.prompt.slice(6, -11))));
    for (const c of suite) {
      expect(Object.keys(c)).toEqual(['id', 'query', 'prompt', 'category', 'difficulty', 'expected']);
      expect(c.prompt).toBe(`User: ${c.query}\nAssistant:`);
      expect(trainQueries.has(normalizeQuery(c.query)), c.query).toBe(false);
    }
  });

  it('writes val cases for every val record and a sample of train cases', () => {
    const valCases = readJsonl<EvalCase>(result.val_cases_path);
    expect(valCases.map((c) => c.id)).toEqual(val.map((r) => r.id));
    for (const c of valCases) {
      const record = val.find((r) => r.id === c.id);
      expect(record?.prompt).toBe(c.prompt);
      expect(parseToolUse(record?.completion ?? '').calls).toEqual(c.expected);
    }
    const trainCases = readJsonl<EvalCase>(result.train_cases_path);
    expect(trainCases).toHaveLength(20);
    const trainIds = new Set(train.map((r) => r.id));
    for (const c of trainCases) expect(trainIds.has(c.id)).toBe(true);
  });

  it('writes the tools in use and the stats', () => {
    const tools = JSON.parse(readFileSync(result.tools_path, 'utf8')) as { name: string }[];
    expect(tools.map((t) => t.name)).toContain('memory_usage');
    const stats = JSON.parse(readFileSync(result.stats_path, 'utf8')) as typeof result.stats;
    expect(stats).toEqual(result.stats);
    expect(Object.values(stats.by_category).reduce((n, c) => n + c.val, 0)).toBe(val.length);
    expect(stats.skipped_records).toBe(0);
  });

  it('is byte-identical on a second run, and different for another seed', async () => {
    const again = outDir();
    await generateDataset(guide, 42, again);
    expect(readAll(again)).toEqual(readAll(dir));
    const other = outDir();
    await generateDataset(guide, 7, other);
    expect(readFileSync(join(other, 'train.jsonl'), 'utf8')).not.toBe(readFileSync(join(dir, 'train.jsonl'), 'utf8'));
  });
});

describe('generateDataset options', () => {
  it('writes chat records when asked', async () => {
    const result = await generateDataset({ ...guide, format: 'chat' }, 42, outDir());
    const records = readJsonl<ChatRecord>(result.train_path);
    for (const r of records) {
      expect(Object.keys(r)).toEqual(['id', 'base_id', 'messages', 'tool_name', 'category', 'difficulty']);
      const [user, assistant] = r.messages;
      expect(user.role).toBe('user');
      expect(assistant.tool_calls.length > 0).toBe(r.tool_name !== 'no-tool');
      for (const tc of assistant.tool_calls) {
        expect(tc.type).toBe('function');
        expect(check({ tool: tc.function.name, params: tc.function.arguments })).toEqual([]);
      }
    }
  });

  it('uses only the base examples without augmentation', async () => {
    const result = await generateDataset({ ...guide, augment_dataset: false }, 42, outDir());
    expect(result.stats.augmented).toBe(0);
    expect(result.stats.total).toBe(result.stats.base_examples);
  });

  it('reaches larger target sizes', async () => {
    const result = await generateDataset({ ...guide, target_size: 200, train_cases_sample: 500 }, 3, outDir());
    expect(result.stats.total).toBe(200);
    expect(result.stats.cases.train).toBe(result.stats.train);
  });

  it('rejects a bad config, listing every problem', async () => {
    const bad = { ...guide, validation_split: 1, target_size: 0, format: 'xml' } as unknown as DatasetConfig;
    const err = await generateDataset(bad, 42, outDir()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as DatasetError).issues.map((i) => i.message)).toEqual([
      'format must be "text" or "chat"',
      'target_size must be a positive integer',
      'validation_split must be between 0 and 1 (exclusive)',
    ]);
  });
});

describe('prompt_tools', () => {
  it('opens every text prompt and case prompt with the tools line, and text stays prompt + completion', async () => {
    const result = await generateDataset({ ...guide, prompt_tools: 'signatures' }, 42, outDir());
    const train = readJsonl<TextRecord>(result.train_path);
    const cases = readJsonl<EvalCase>(result.suite_cases_path);
    const header = 'Tools: read(file_path, offset?, limit?); write(file_path, content); edit(file_path, old_string, new_string, replace_all?);';
    for (const r of train) {
      expect(r.prompt.startsWith(header)).toBe(true);
      expect(r.text).toBe(r.prompt + r.completion);
      expect(r.prompt).toMatch(/\nUser: .*\nAssistant:$/s);
    }
    for (const c of cases) expect(c.prompt).toBe(`${train[0]?.prompt.split('\n')[0]}\nUser: ${c.query}\nAssistant:`);
  });

  it("lists names only with 'names', and nothing with 'none'", async () => {
    const names = readJsonl<TextRecord>((await generateDataset({ ...guide, prompt_tools: 'names' }, 42, outDir())).train_path);
    expect(names[0]?.prompt.split('\n')[0]).toBe('Tools: read; write; edit; bash; grep; glob; swarm_init; agent_spawn; task_orchestrate; memory_usage');
    const none = readJsonl<TextRecord>((await generateDataset({ ...guide, prompt_tools: 'none' }, 42, outDir())).train_path);
    expect(none[0]?.prompt.startsWith('User: ')).toBe(true);
  });
});
