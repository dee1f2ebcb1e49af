// Composed examples: valid, repeatable, varied, covering every parameter and enum value, and faithful
// to the request (the values a call copies are in the request as typed).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callsKey, normalizeQuery } from '../../../lib/dataset/canonical';
import { composeExamples, type ComposeOptions } from '../../../lib/dataset/compose/compose-examples';
import { drawGrepOptionKinds, GREP_CLASHES } from '../../../lib/dataset/compose/shell-intents';
import { createRng } from '../../../lib/dataset/prng';
import { generateDataset, type DatasetConfig } from '../../../lib/dataset/generate-dataset';
import { growTrainSet } from '../../../lib/dataset/grow-train-set';
import { SUITE_CASES } from '../../../lib/dataset/suite-cases';
import type { Example } from '../../../lib/dataset/types';
import { loadBuiltinTools } from '../../../lib/tools/load-tools';
import { createParamsChecker } from '../../../lib/tools/validate-params';

const tools = loadBuiltinTools();
const check = createParamsChecker(tools);

function options(seed: number, count: number, taken = new Set<string>()): ComposeOptions {
  return { count, seed, takenQueries: taken, forbiddenCalls: new Set(SUITE_CASES.map((s) => callsKey(s.expected))), checkParams: check };
}

const many = composeExamples(options(42, 1500));

describe('composeExamples', () => {
  it('is repeatable for a seed and differs between seeds', () => {
    expect(composeExamples(options(42, 200)).map((e) => e.query)).toEqual(many.slice(0, 200).map((e) => e.query));
    const other = composeExamples(options(7, 200)).map((e) => e.query);
    expect(other.filter((q) => many.some((e) => e.query === q)).length).toBeLessThan(20);
  });

  it('makes valid calls with unique requests, none of the suite, each its own group', () => {
    expect(many).toHaveLength(1500);
    expect(new Set(many.map((e) => normalizeQuery(e.query))).size).toBe(1500);
    const suite = new Set(SUITE_CASES.map((s) => normalizeQuery(s.query)));
    for (const ex of many) {
      expect(suite.has(normalizeQuery(ex.query))).toBe(false);
      expect(ex.calls.flatMap((c) => check(c)), ex.query).toEqual([]);
      expect(ex.base_id).toBe(ex.id);
      expect(ex.source).toBe('composed');
    }
  });

  it('uses every parameter and every enum value of every built-in tool, with multi-call and no-tool requests', () => {
    const used = new Set(many.flatMap((e) => e.calls.flatMap((c) => Object.keys(c.params).map((k) => `${c.tool}.${k}`))));
    // Enum values over three seeds' examples: each of agent_spawn's 17 types is drawn uniformly in ~70 spawn
    // requests per 1500 examples, so one seed misses some type about one time in four; three together, about
    // one in 20,000. (The dataset still teaches every enum value: the hand-written base examples use each one.)
    const pooled = [...many, ...composeExamples(options(7, 1500)), ...composeExamples(options(3, 1500))];
    const values = new Set(pooled.flatMap((e) => e.calls.flatMap((c) => Object.entries(c.params).map(([k, v]) => `${c.tool}.${k}=${String(v)}`))));
    for (const t of tools) {
      for (const [param, schema] of Object.entries(t.inputSchema.properties as Record<string, { enum?: string[] }>)) {
        expect(used.has(`${t.name}.${param}`), `${t.name}.${param}`).toBe(true);
        for (const v of schema.enum ?? []) expect(values.has(`${t.name}.${param}=${v}`), `${t.name}.${param}=${v}`).toBe(true);
      }
    }
    const share = (f: (e: Example) => boolean): number => many.filter(f).length / many.length;
    expect(share((e) => e.calls.length > 1)).toBeGreaterThan(0.05);
    expect(share((e) => e.calls.length === 0)).toBeGreaterThan(0.08);
  });

  it('puts the values a call copies into the request as typed', () => {
    const lower = (s: string): string => s.toLowerCase();
    for (const ex of many) {
      const q = lower(ex.query);
      for (const c of ex.calls) {
        const p = c.params as Record<string, unknown>;
        if (c.tool === 'edit') for (const k of ['file_path', 'old_string', 'new_string']) expect(q, `${ex.query}: ${k}`).toContain(lower(String(p[k])));
        if (c.tool === 'read' && !String(p.file_path).startsWith('config/')) expect(q).toContain(lower(String(p.file_path)));
        if (c.tool === 'bash' && !String(p.command).startsWith('npm ')) expect(q).toContain(lower(String(p.command)));
        if (c.tool === 'memory_usage' && p.action !== 'list' && p.action !== 'search') expect(q).toContain(lower(String(p.key)));
        if (typeof p.content === 'string' && p.content !== '') expect(q).toContain(lower(p.content));
      }
    }
  });

  it('varies the phrasing: no request shape (its argument values and numbers blanked) covers 3 % of the tool requests', () => {
    const shapes = new Map<string, number>();
    const calling = many.filter((ex) => ex.calls.length > 0);
    for (const ex of calling) {
      const values = ex.calls.flatMap((c) => Object.values(c.params).flatMap((v) => (typeof v === 'string' && v.length > 1 ? [v] : [])));
      let shape = ex.query.toLowerCase();
      for (const v of values.sort((a, b) => b.length - a.length)) shape = shape.split(v.toLowerCase()).join('X');
      shape = shape.replace(/\d+/g, 'N').replace(/['"`]/g, '');
      shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
    }
    expect(shapes.size).toBeGreaterThan(calling.length / 4);
    expect(Math.max(...shapes.values()) / calling.length).toBeLessThan(0.03);
  });

  it('fills compose_fraction of the added examples in generateDataset, the rest variants of the base examples', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tooltune-compose-'));
    const r = await generateDataset({ format: 'text', augment_dataset: true, target_size: 400, validation_split: 0.1, tool_files: [],
      example_files: [], on_bad_record: 'fail', train_cases_sample: 0, compose_fraction: 0.75 }, 42, out);
    expect(r.stats.total).toBe(400);
    expect(r.stats.composed).toBe(Math.round((400 - r.stats.base_examples) * 0.75));
    expect(r.stats.augmented + r.stats.composed + r.stats.base_examples).toBe(400);
    const train = readFileSync(r.train_path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string });
    expect(train.some((t) => t.id.startsWith('cmp-'))).toBe(true);
    await expect(generateDataset({ format: 'text', augment_dataset: true, target_size: 400, validation_split: 0.1, tool_files: [],
      example_files: [], on_bad_record: 'fail', train_cases_sample: 0, compose_fraction: 1.5 }, 42, out)).rejects.toThrow(/compose_fraction/);
  });

  it('writes the calls alone when call_preamble is false, and keeps the text of answers without a call', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tooltune-compose-'));
    const r = await generateDataset({ format: 'text', augment_dataset: true, target_size: 300, validation_split: 0.1, tool_files: [],
      example_files: [], on_bad_record: 'fail', train_cases_sample: 0, compose_fraction: 0.5, call_preamble: false }, 42, out);
    const records = readFileSync(r.train_path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { completion: string; tool_name: string });
    for (const rec of records) {
      if (rec.tool_name === 'no-tool') expect(rec.completion).toMatch(/^ [^<\s]/);
      else expect(rec.completion.startsWith(' <tool_use>'), rec.completion).toBe(true);
    }
  });

  it('keeps the validation requests out of a grown training set (remediation data_factor) with composed data', async () => {
    const config: DatasetConfig = { format: 'text', augment_dataset: true, target_size: 300, validation_split: 0.1, tool_files: [],
      example_files: [], on_bad_record: 'fail', train_cases_sample: 0, compose_fraction: 0.75 };
    const out = mkdtempSync(join(tmpdir(), 'tooltune-compose-'));
    const r = await generateDataset(config, 42, out);
    const read = (p: string): { base_id: string; prompt: string }[] => readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { base_id: string; prompt: string });
    const val = read(r.val_path);
    expect(val.some((v) => v.base_id.startsWith('cmp-'))).toBe(true);
    const grown = await growTrainSet({ ...config, target_size: 600 }, 42, r.val_path, mkdtempSync(join(tmpdir(), 'tooltune-grow-')));
    const train = read(grown.train_path);
    expect(train.length).toBeGreaterThan(450);
    const valPrompts = new Set(val.map((v) => v.prompt.toLowerCase()));
    expect(train.filter((t) => valPrompts.has(t.prompt.toLowerCase()))).toEqual([]);
    expect(grown.left_out).toBeGreaterThanOrEqual(val.length);
  });

  it("combines two grep options in 3 of 5 combined requests and three in 2 of 5, never two that clash", () => {
    // The 2-or-3 target was once redrawn for every candidate option, which made 4 in 5 requests carry three.
    const rng = createRng(11);
    const draws = Array.from({ length: 2000 }, () => drawGrepOptionKinds(rng));
    const three = draws.filter((k) => k.length === 3).length / draws.length;
    expect(three).toBeGreaterThan(0.35);
    expect(three).toBeLessThan(0.45);
    expect(draws.every((k) => k.length >= 2 && k.length <= 3)).toBe(true);
    for (const kinds of draws) for (const k of kinds) expect(kinds.filter((x) => GREP_CLASHES[x].includes(k))).toEqual([]);
  });
});
