// Counts of the generated dataset, written as stats.json for the report and for a person checking the data.
import type { CoverageStats } from './coverage';
import type { DatasetIssue } from './dataset-error';
import { toolNameOf } from './render-records';
import type { Example } from './types';

// Counts on each side of the split.
export interface SplitCounts {
  train: number;
  val: number;
  total: number;
}

// stats.json: everything is a count or a copy of the config, so the file is the same for the same inputs.
export interface DatasetStats {
  format: 'text' | 'chat';
  seed: number;
  target_size: number;
  validation_split: number;
  total: number;
  train: number;
  val: number;
  base_examples: number;
  augmented: number;
  composed: number;
  user_records: number;
  skipped_records: number;
  skipped: DatasetIssue[];
  by_category: Record<string, SplitCounts>;
  by_tool: Record<string, SplitCounts>;
  by_difficulty: Record<string, SplitCounts>;
  calls_by_tool: Record<string, SplitCounts>;
  cases: { train: number; val: number; suite: number };
  /** Per tool and per parameter (train/val), enum values taught and missing, parameters training lacks. */
  coverage: CoverageStats;
}

function countBy(train: readonly Example[], val: readonly Example[], keysOf: (ex: Example) => string[]): Record<string, SplitCounts> {
  const counts = new Map<string, SplitCounts>();
  const add = (ex: Example, side: 'train' | 'val'): void => {
    for (const key of keysOf(ex)) {
      const c = counts.get(key) ?? { train: 0, val: 0, total: 0 };
      c[side]++;
      c.total++;
      counts.set(key, c);
    }
  };
  train.forEach((ex) => add(ex, 'train'));
  val.forEach((ex) => add(ex, 'val'));
  return Object.fromEntries([...counts.keys()].sort().map((k) => [k, counts.get(k) as SplitCounts]));
}

// What computeStats needs besides the two sides of the split.
export interface StatsInput {
  format: 'text' | 'chat';
  seed: number;
  target_size: number;
  validation_split: number;
  skipped: DatasetIssue[];
  cases: { train: number; val: number; suite: number };
  coverage: CoverageStats;
}

// Counts by category, tool_name, difficulty and called tool, per side of the split.
export function computeStats(train: readonly Example[], val: readonly Example[], input: StatsInput): DatasetStats {
  const all = [...train, ...val];
  const count = (source: Example['source']): number => all.filter((ex) => ex.source === source).length;
  return {
    format: input.format,
    seed: input.seed,
    target_size: input.target_size,
    validation_split: input.validation_split,
    total: all.length,
    train: train.length,
    val: val.length,
    base_examples: count('base'),
    augmented: count('augmented'),
    composed: count('composed'),
    user_records: count('user'),
    skipped_records: input.skipped.length,
    skipped: input.skipped,
    by_category: countBy(train, val, (ex) => [ex.category]),
    by_tool: countBy(train, val, (ex) => [toolNameOf(ex.calls)]),
    by_difficulty: countBy(train, val, (ex) => [ex.difficulty]),
    calls_by_tool: countBy(train, val, (ex) => ex.calls.map((c) => c.tool)),
    cases: input.cases,
    coverage: input.coverage,
  };
}
