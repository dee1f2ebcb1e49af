// Coverage: stats.json counts every tool parameter per side of the split, the split keeps each
// parameter's last training example in train, and a parameter training never shows fails the stage.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError, generateDataset, type DatasetConfig } from '../../../lib/dataset/generate-dataset';
import { BASE_EXAMPLES } from '../../../lib/dataset/base-examples';
import { selectBases } from '../../../lib/dataset/select-bases';
import { coverageKeys } from '../../../lib/dataset/coverage';
import { loadBuiltinTools } from '../../../lib/tools/load-tools';

const config: DatasetConfig = {
  format: 'text', augment_dataset: true, target_size: 80, validation_split: 0.2, tool_files: [], example_files: [],
  on_bad_record: 'fail', train_cases_sample: 0,
};
const out = () => mkdtempSync(join(tmpdir(), 'tooltune-cov-'));

describe('parameter coverage', () => {
  it('trains every parameter of every built-in tool, for several seeds and sizes, and says so in the stats', async () => {
    for (const [seed, size] of [[42, 80], [7, 60], [3, 240]] as const) {
      const { stats } = await generateDataset({ ...config, target_size: size }, seed, out());
      expect(stats.coverage.missing_parameters, `seed ${seed} size ${size}`).toEqual([]);
      expect(stats.coverage.per_parameter['grep.multiline']?.train).toBeGreaterThan(0);
      expect(stats.coverage.per_tool.memory_usage?.train).toBeGreaterThan(0);
      expect(stats.coverage.enum_values['memory_usage.action']?.missing).toEqual([]);
      expect(stats.by_tool['no-tool']?.train).toBeGreaterThan(0);
    }
  }, 60_000);

  it('keeps a covering subset when target_size is below the number of base examples', () => {
    const tools = loadBuiltinTools();
    const chosen = selectBases(BASE_EXAMPLES, 60, 1, tools);
    expect(chosen).toHaveLength(60);
    const all = new Set(BASE_EXAMPLES.flatMap((b) => [...coverageKeys(b.calls, tools)]));
    const kept = new Set(chosen.flatMap((b) => [...coverageKeys(b.calls, tools)]));
    expect([...all].filter((k) => !kept.has(k))).toEqual([]);
  });

  it('fails before training, naming the parameter, when a tool parameter never appears; require_coverage: false allows it', async () => {
    const dir = out();
    const toolFile = join(dir, 'extra.json');
    writeFileSync(toolFile, JSON.stringify({ name: 'deploy', description: 'Deploy', inputSchema: { type: 'object', properties: { env: { type: 'string' } }, required: ['env'] } }));
    const target = out();
    const err = await generateDataset({ ...config, tool_files: [toolFile] }, 42, target).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as DatasetError).issues.map((i) => i.message).join('\n')).toMatch(/tool parameter deploy\.env never appears in training/);
    expect(readdirSync(target)).toEqual([]);
    const ok = await generateDataset({ ...config, tool_files: [toolFile], require_coverage: false }, 42, out());
    expect(ok.stats.coverage.missing_parameters).toEqual(['deploy.env']);
  });
});
