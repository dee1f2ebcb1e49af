// The built-in held-out requests: valid, spread over every tool and the no-tool answer, and unseen:
// no request and no distinctive argument value of theirs appears anywhere in the generated data.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeQuery } from '../../../lib/dataset/canonical';
import { generateDataset, type DatasetConfig } from '../../../lib/dataset/generate-dataset';
import { BUILTIN_HOLDOUT_FILE, HoldoutError, readHoldoutCases, writeHoldoutCases } from '../../../lib/holdout/holdout-cases';
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

// String argument values that are not enum members (enum values are meant to be taught).
function distinctiveValues(calls: { tool: string; params: Record<string, JsonValue> }[]): string[] {
  return calls.flatMap((c) => {
    const props = (tools.find((t) => t.name === c.tool)?.inputSchema.properties ?? {}) as Record<string, { enum?: unknown[] }>;
    return Object.entries(c.params).flatMap(([k, v]) => (props[k]?.enum ? [] : strings(v)));
  }).filter((v) => !CONVENTIONS.has(v));
}

describe('built-in held-out requests', () => {
  it('are at least 60 valid cases over all ten tools, with no-tool cases, in a file the dataset stage never reads', async () => {
    const cases = await readHoldoutCases(BUILTIN_HOLDOUT_FILE, tools);
    expect(cases.length).toBeGreaterThanOrEqual(60);
    const called = new Set(cases.flatMap((c) => c.expected.map((e) => e.tool)));
    expect(called).toEqual(new Set(tools.map((t) => t.name)));
    expect(cases.filter((c) => c.expected.length === 0).length).toBeGreaterThanOrEqual(5);
    expect(cases.filter((c) => c.expected.length > 1).length).toBeGreaterThanOrEqual(3);
    const datasetSources = readdirSync(join(__dirname, '../../../lib/dataset')).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(__dirname, '../../../lib/dataset', f), 'utf8'));
    expect(datasetSources.some((text) => /holdout/i.test(text))).toBe(false);
  });

  it('share no request and no distinctive value with a large generated dataset (600 examples, two seeds)', async () => {
    const cases = await readHoldoutCases(BUILTIN_HOLDOUT_FILE, tools);
    const config: DatasetConfig = {
      format: 'text', augment_dataset: true, target_size: 600, validation_split: 0.2, tool_files: [], example_files: [],
      on_bad_record: 'fail', train_cases_sample: 0,
    };
    for (const seed of [42, 7]) {
      const out = mkdtempSync(join(tmpdir(), 'tooltune-holdout-'));
      const result = await generateDataset(config, seed, out);
      const records = [result.val_cases_path, result.train_cases_path, result.suite_cases_path, join(out, 'train.jsonl'), join(out, 'val.jsonl')]
        .flatMap((p) => readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
      const trainCases = readFileSync(join(out, 'train.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { prompt: string; completion: string });
      const queries = new Set(records.map((r) => normalizeQuery(typeof r.query === 'string' ? r.query : String(r.prompt ?? '').replace(/^[^]*User: /, '').replace(/\nAssistant:$/, ''))));
      const text = trainCases.map((r) => r.completion).join('\n') + readFileSync(result.val_path, 'utf8');
      for (const c of cases) {
        expect(queries.has(normalizeQuery(c.query)), `${c.id}: request seen in the dataset`).toBe(false);
        for (const v of distinctiveValues(c.expected)) {
          expect(text.includes(`'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`), `${c.id}: value ${JSON.stringify(v)} seen in the dataset (seed ${seed})`).toBe(false);
        }
      }
    }
  }, 60_000);

  it('render with the run prompt header and reject a bad file naming the case', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tooltune-holdout-'));
    const toolsPath = join(dir, 'tools.json');
    writeFileSync(toolsPath, JSON.stringify(tools));
    const out = await writeHoldoutCases({ holdoutPath: BUILTIN_HOLDOUT_FILE, toolsPath, promptTools: 'names', outPath: join(dir, 'h.jsonl') });
    const first = JSON.parse(readFileSync(out.cases_path, 'utf8').split('\n')[0] ?? '{}') as { prompt: string };
    expect(first.prompt).toMatch(/^Tools: read; write; .*\nUser: .+\nAssistant:$/);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${JSON.stringify({ id: 'x', query: 'q', expected: [{ tool: 'read', params: { nope: 1 } }] })}\n`);
    await expect(writeHoldoutCases({ holdoutPath: bad, toolsPath, promptTools: 'none', outPath: join(dir, 'o.jsonl') })).rejects.toThrow(HoldoutError);
    await expect(readHoldoutCases(bad, tools)).rejects.toThrow(/bad\.jsonl: case 1 \(x\)/);
  });
});
