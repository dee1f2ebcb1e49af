// `tooltune dataset <spec> --out <dir>`: the dataset a run would train on, without a run.
import path from 'node:path';
import { datasetConfigOf } from '../../activities/dataset';
import { DatasetError, generateDataset } from '../../lib/dataset/generate-dataset';
import { HoldoutError, writeHoldoutCases } from '../../lib/holdout/holdout-cases';
import { expectPositionals, type Command } from '../command';
import { UsageError, err, say, warn } from '../io';
import { loadSpecOrReport } from './validate';

export const datasetCommand: Command = {
  name: 'dataset',
  summary: 'Write train.jsonl, val.jsonl, cases, tools.json and stats.json for a spec',
  usage: 'tooltune dataset <spec.yaml> --out <dir> [--json]',
  options: { out: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals }) {
    const [specPath] = expectPositionals(positionals, ['spec.yaml']) as [string];
    if (typeof values.out !== 'string') throw new UsageError('--out <dir> is required');
    const loaded = await loadSpecOrReport(specPath);
    if (!loaded) return 1;
    try {
      const result = await generateDataset(datasetConfigOf(loaded.spec, loaded.toolFiles, loaded.exampleFiles), loaded.spec.seed, path.resolve(values.out));
      // The held-out cases come from their own file (the dataset stage never reads it), with the same prompt.
      const holdout = loaded.holdoutFile
        ? await writeHoldoutCases({ holdoutPath: loaded.holdoutFile, toolsPath: result.tools_path, promptTools: loaded.spec.dataset.prompt_tools, outPath: path.join(path.resolve(values.out), 'holdout_cases.jsonl') })
        : null;
      if (values.json) say(JSON.stringify({ ...result, holdout_cases_path: holdout?.cases_path ?? null }));
      else {
        const stats = result.stats as unknown as Record<string, unknown>;
        say(`wrote ${path.resolve(values.out)}: ${JSON.stringify({ total: stats.total, train: stats.train, val: stats.val ?? stats.validation })}`);
        for (const file of [result.train_path, result.val_path, result.val_cases_path, result.suite_cases_path, result.tools_path, result.stats_path]) say(`  ${file}`);
        if (holdout) say(`  ${holdout.cases_path} (${holdout.count} held-out cases)`);
      }
      return 0;
    } catch (e) {
      if (!(e instanceof DatasetError) && !(e instanceof HoldoutError)) throw e;
      warn(err.red(e.message));
      return 1;
    }
  },
};
