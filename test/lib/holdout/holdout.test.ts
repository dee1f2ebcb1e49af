// The held-out request files (the built-in one and three written blind): valid, spread over every tool and
// the no-tool answer, and unseen: no request and no distinctive argument value of theirs appears anywhere in
// the generated data, the other files or the training records of specs/data.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeQuery } from '../../../lib/dataset/canonical';
import { parseUserRecord } from '../../../lib/dataset/parse-user-record';
import { generateDataset, type DatasetConfig } from '../../../lib/dataset/generate-dataset';
import { readJsonl } from '../../../lib/score/read-jsonl';
import { BUILTIN_HOLDOUT_FILE, HOLDOUT_2_FILE, HOLDOUT_3_FILE, HOLDOUT_4_FILE, HoldoutError, readHoldoutCases, writeHoldoutCases } from '../../../lib/holdout/holdout-cases';
import type { JsonValue } from '../../../lib/tool-call/syntax';
import { loadBuiltinTools } from '../../../lib/tools/load-tools';

const tools = loadBuiltinTools();
// Values a convention fixes whatever the phrasing ("run the tests" is `npm test`; "create X" writes '').
const CONVENTIONS = new Set(['npm test', '']);

function strings(v: JsonValue | undefined): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  return [];
}

// Arguments whose values come from a closed vocabulary the schema does not list as an enum: grep's `type`
// is one of ripgrep's file type names (py, sql, go...), taught like enum members.
const CLOSED_VOCABULARY = new Set(['grep.type']);

// String argument values that are not enum members (enum values are meant to be taught).
function distinctiveValues(calls: { tool: string; params: Record<string, JsonValue> }[]): string[] {
  return calls.flatMap((c) => {
    const props = (tools.find((t) => t.name === c.tool)?.inputSchema.properties ?? {}) as Record<string, { enum?: unknown[] }>;
    return Object.entries(c.params).flatMap(([k, v]) => (props[k]?.enum || CLOSED_VOCABULARY.has(`${c.tool}.${k}`) ? [] : strings(v)));
  }).filter((v) => !CONVENTIONS.has(v));
}

// What each file must hold: its size, the fewest cases per tool, no-tool and multi-call cases, and whether
// every parameter of every tool must appear in it.
const FILES = [
  { name: 'mcp-holdout.jsonl', path: BUILTIN_HOLDOUT_FILE, min: 60, perTool: 1, noTool: 5, multi: 3, everyParam: false },
  { name: 'mcp-holdout-2.jsonl', path: HOLDOUT_2_FILE, min: 70, perTool: 5, noTool: 10, multi: 5, everyParam: true },
  { name: 'mcp-holdout-3.jsonl', path: HOLDOUT_3_FILE, min: 70, perTool: 5, noTool: 10, multi: 5, everyParam: true },
  { name: 'mcp-holdout-4.jsonl', path: HOLDOUT_4_FILE, min: 70, perTool: 5, noTool: 10, multi: 5, everyParam: true },
];

// A generated dataset's requests and call text, built once per seed and shared by every file's checks.
interface GeneratedText { queries: Set<string>; text: string }
const generated = new Map<number, Promise<GeneratedText>>();
function generatedFor(seed: number): Promise<GeneratedText> {
  let p = generated.get(seed);
  if (p === undefined) {
    p = (async () => {
      const config: DatasetConfig = {
        format: 'text', augment_dataset: true, target_size: 600, validation_split: 0.2, tool_files: [], example_files: [],
        on_bad_record: 'fail', train_cases_sample: 0, compose_fraction: 0.75,
      };
      const out = mkdtempSync(join(tmpdir(), 'tooltune-holdout-'));
      const result = await generateDataset(config, seed, out);
      const records = [result.val_cases_path, result.train_cases_path, result.suite_cases_path, join(out, 'train.jsonl'), join(out, 'val.jsonl')]
        .flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
      const trainCases = readFileSync(join(out, 'train.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { prompt: string; completion: string });
      const queries = new Set(records.map((r) => normalizeQuery(typeof r.query === 'string' ? r.query : String(r.prompt ?? '').replace(/^[^]*User: /, '').replace(/\nAssistant:$/, ''))));
      return { queries, text: trainCases.map((r) => r.completion).join('\n') + readFileSync(result.val_path, 'utf8') };
    })();
    generated.set(seed, p);
  }
  return p;
}

describe.each(FILES)('held-out requests $name', (file) => {
  it(`are at least ${file.min} valid cases over all ten tools, with no-tool and multi-call cases, in a file the dataset stage never reads`, async () => {
    const cases = await readHoldoutCases(file.path, tools);
    expect(cases.length).toBeGreaterThanOrEqual(file.min);
    const perTool = new Map<string, number>();
    for (const e of cases.flatMap((c) => c.expected)) perTool.set(e.tool, (perTool.get(e.tool) ?? 0) + 1);
    expect(new Set(perTool.keys())).toEqual(new Set(tools.map((t) => t.name)));
    for (const [tool, n] of perTool) expect(n, `${tool} cases`).toBeGreaterThanOrEqual(file.perTool);
    expect(cases.filter((c) => c.expected.length === 0).length).toBeGreaterThanOrEqual(file.noTool);
    expect(cases.filter((c) => c.expected.length > 1).length).toBeGreaterThanOrEqual(file.multi);
    if (file.everyParam) {
      const used = new Set(cases.flatMap((c) => c.expected.flatMap((e) => Object.keys(e.params).map((k) => `${e.tool}.${k}`))));
      const all = tools.flatMap((t) => Object.keys(t.inputSchema.properties ?? {}).map((k) => `${t.name}.${k}`));
      expect(all.filter((k) => !used.has(k))).toEqual([]);
    }
    const datasetSources = readdirSync(join(__dirname, '../../../lib/dataset')).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(__dirname, '../../../lib/dataset', f), 'utf8'));
    expect(datasetSources.some((text) => /holdout/i.test(text))).toBe(false);
  });

  it('share no request and no distinctive value with a large generated dataset (600 examples, two seeds)', async () => {
    const cases = await readHoldoutCases(file.path, tools);
    for (const seed of [42, 7]) {
      const { queries, text } = await generatedFor(seed);
      for (const c of cases) {
        expect.soft(queries.has(normalizeQuery(c.query)), `${c.id}: request seen in the dataset`).toBe(false);
        for (const v of distinctiveValues(c.expected)) {
          expect.soft(text.includes(`'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`), `${c.id}: value ${JSON.stringify(v)} seen in the dataset (seed ${seed})`).toBe(false);
        }
      }
    }
  }, 60_000);
});

describe('held-out request files', () => {
  it('share no request and no distinctive value with each other', async () => {
    const all = await Promise.all(FILES.map((f) => readHoldoutCases(f.path, tools)));
    for (const [i, earlier] of all.entries()) {
      const queries = new Set(earlier.map((c) => normalizeQuery(c.query)));
      const values = new Set(earlier.flatMap((c) => distinctiveValues(c.expected)));
      expect(values.size).toBeGreaterThan(50);
      for (const later of all.slice(i + 1)) {
        for (const c of later) {
          expect.soft(queries.has(normalizeQuery(c.query)), `${c.id}: request also in ${FILES[i]?.name}`).toBe(false);
          for (const v of distinctiveValues(c.expected)) expect.soft(values.has(v), `${c.id}: value ${JSON.stringify(v)} also in ${FILES[i]?.name}`).toBe(false);
        }
      }
    }
  });

  // specs/data/*.jsonl, the demo's hand-written training records (dataset.example_files), were written by
  // sessions that never read the held-out files; this keeps them so.
  it('share no request and no distinctive value with the demo\'s training records', async () => {
    const dataDir = join(__dirname, '../../../specs/data');
    const files = readdirSync(dataDir).filter((f) => f.endsWith('.jsonl'));
    const records = (await Promise.all(files.map((f) => readJsonl(join(dataDir, f), (value) => {
      const problems: string[] = [];
      const record = parseUserRecord(value, problems);
      if (record === undefined || problems.length > 0) throw new Error(problems.join('; '));
      return record;
    })))).flat();
    expect(records.length).toBeGreaterThan(200);
    const queries = new Set(records.map((r) => normalizeQuery(r.query)));
    // A spec may train on any of them together, and the dataset stage refuses a request given twice.
    expect(queries.size, 'a request in two of the specs/data files').toBe(records.length);
    const values = new Set(records.flatMap((r) => distinctiveValues(r.calls)));
    for (const [i, cases] of (await Promise.all(FILES.map((f) => readHoldoutCases(f.path, tools)))).entries()) {
      for (const c of cases) {
        expect.soft(queries.has(normalizeQuery(c.query)), `${FILES[i]?.name} ${c.id}: request in the training records`).toBe(false);
        for (const v of distinctiveValues(c.expected)) expect.soft(values.has(v), `${FILES[i]?.name} ${c.id}: value ${JSON.stringify(v)} in the training records`).toBe(false);
      }
    }
  });

  it('render with the run prompt header and reject a bad file naming the case', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tooltune-holdout-'));
    const toolsPath = join(dir, 'tools.json');
    writeFileSync(toolsPath, JSON.stringify(tools));
    for (const [i, f] of FILES.entries()) {
      const out = await writeHoldoutCases({ holdoutPath: f.path, toolsPath, promptTools: 'names', outPath: join(dir, `h${i}.jsonl`) });
      const first = JSON.parse(readFileSync(out.cases_path, 'utf8').split('\n')[0] ?? '{}') as { prompt: string };
      expect(first.prompt).toMatch(/^Tools: read; write; .*\nUser: .+\nAssistant:$/);
    }
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${JSON.stringify({ id: 'x', query: 'q', expected: [{ tool: 'read', params: { nope: 1 } }] })}\n`);
    await expect(writeHoldoutCases({ holdoutPath: bad, toolsPath, promptTools: 'none', outPath: join(dir, 'o.jsonl') })).rejects.toThrow(HoldoutError);
    await expect(readHoldoutCases(bad, tools)).rejects.toThrow(/bad\.jsonl: case 1 \(x\)/);
  });
});
