// The dataset stage: base examples + augmentation + user records → checked, split, written files.
import { join } from 'node:path';
import { loadTools, ToolDefinitionError, type ToolDefinition } from '../tools/load-tools';
import { createParamsChecker } from '../tools/validate-params';
import { augmentExamples } from './augment';
import { composeExamples } from './compose/compose-examples';
import { BASE_EXAMPLES } from './base-examples';
import { callsKey, normalizeQuery, orderParams } from './canonical';
import { DatasetError, type DatasetIssue } from './dataset-error';
import { deriveRng, shuffle } from './prng';
import { readUserRecords } from './read-user-records';
import { renderToolsHeader, toChatRecord, toEvalCase, toTextRecord, type PromptTools } from './render-records';
import { splitExamples } from './split';
import { computeStats, type DatasetStats } from './stats';
import { computeCoverage, coverageIssues, coverageKeys } from './coverage';
import { selectBases } from './select-bases';
import { SUITE_CASES } from './suite-cases';
import type { BaseExample, ChatRecord, Example, TextRecord } from './types';
import { toJsonl, writeFilesAtomically } from './write-files';

// Re-exported so callers (CLI, activity) import the stage's whole surface from one module.
export { DatasetError, type DatasetIssue } from './dataset-error';
// The shape of stats.json, re-exported for the same reason.
export type { DatasetStats } from './stats';

// The dataset section of a spec, as the stage uses it (paths already resolved and checked by the caller).
export interface DatasetConfig {
  format: 'text' | 'chat';
  augment_dataset: boolean;
  /** Total examples after augmentation: variants are added until base + user records reach it. */
  target_size: number;
  /** Fraction of examples for validation, 0 < x < 1. */
  validation_split: number;
  /** Extra tool definition files, absolute paths. */
  tool_files: string[];
  /** Extra JSONL record files, absolute paths. */
  example_files: string[];
  on_bad_record: 'fail' | 'skip';
  /** How many train examples to also write as cases (the overfitting check). */
  train_cases_sample: number;
  /** Which tools the text-format prompt lists before the request (default none). */
  prompt_tools?: PromptTools;
  /** Fail (DatasetError) when a tool parameter never appears in training (default true). */
  require_coverage?: boolean;
  /** Share of the added examples composed from per-tool intents instead of variants of the base examples (default 0). */
  compose_fraction?: number;
  /** Whether answers that call tools open with the one-sentence reply (default true). */
  call_preamble?: boolean;
}

// Where the stage wrote its files, and the counts it wrote to stats.json.
export interface DatasetResult {
  train_path: string;
  val_path: string;
  val_cases_path: string;
  train_cases_path: string;
  suite_cases_path: string;
  tools_path: string;
  stats_path: string;
  stats: DatasetStats;
}

function checkConfig(c: DatasetConfig): DatasetIssue[] {
  const problems: string[] = [];
  if (c.format !== 'text' && c.format !== 'chat') problems.push('format must be "text" or "chat"');
  if (!Number.isInteger(c.target_size) || c.target_size < 1) problems.push('target_size must be a positive integer');
  if (!(c.validation_split > 0 && c.validation_split < 1)) problems.push('validation_split must be between 0 and 1 (exclusive)');
  if (c.on_bad_record !== 'fail' && c.on_bad_record !== 'skip') problems.push('on_bad_record must be "fail" or "skip"');
  if (!Number.isInteger(c.train_cases_sample) || c.train_cases_sample < 0) problems.push('train_cases_sample must be a non-negative integer');
  if (c.compose_fraction !== undefined && !(c.compose_fraction >= 0 && c.compose_fraction <= 1)) problems.push('compose_fraction must be between 0 and 1');
  return problems.map((message) => ({ file: 'dataset config', line: 0, message }));
}

function loadCheckedTools(files: string[]): ToolDefinition[] {
  try {
    return loadTools(files);
  } catch (err) {
    if (!(err instanceof ToolDefinitionError)) throw err;
    throw new DatasetError('bad tool definitions', err.problems.map((message) => ({ file: err.file, line: 0, message })));
  }
}

// The base examples as pool examples, arguments in schema order; a broken one is a bug in this repo.
function baseExamples(bases: readonly BaseExample[], tools: readonly ToolDefinition[], check: ReturnType<typeof createParamsChecker>): Example[] {
  return bases.map((b) => {
    const calls = b.calls.map((c) => orderParams(c, tools));
    const problems = calls.flatMap((c) => check(c));
    if (problems.length > 0) throw new Error(`base example ${b.id} is invalid: ${problems.join('; ')}`);
    return { ...b, base_id: b.id, calls, source: 'base' as const };
  });
}

// Generates train/val/cases/tools/stats files in outDir; the same config and seed give the same bytes.
export async function generateDataset(config: DatasetConfig, seed: number, outDir: string): Promise<DatasetResult> {
  const configIssues = checkConfig(config);
  if (configIssues.length > 0) throw new DatasetError('bad dataset config', configIssues);
  const tools = loadCheckedTools(config.tool_files);
  const check = createParamsChecker(tools);
  // All base examples guard the user's ids and queries; a target below their count keeps a covering subset.
  const allBase = baseExamples(BASE_EXAMPLES, tools, check);

  const suiteQueries = new Map(SUITE_CASES.map((s) => [normalizeQuery(s.query), s.id]));
  const takenQueries = new Map(allBase.map((b) => [normalizeQuery(b.query), b.id]));
  const user = readUserRecords(config.example_files, {
    tools, checkParams: check, takenIds: new Set(allBase.map((b) => b.id)), takenQueries, suiteQueries,
  });
  if (user.issues.length > 0 && config.on_bad_record === 'fail') {
    throw new DatasetError(`${user.issues.length} bad record(s) in the example files`, user.issues);
  }

  const chosen = selectBases(BASE_EXAMPLES, Math.max(1, config.target_size - user.examples.length), seed, tools);
  const base = allBase.filter((b) => chosen.some((c) => c.id === b.id));
  const wanted = config.augment_dataset ? Math.max(0, config.target_size - base.length - user.examples.length) : 0;
  const composedCount = Math.round(wanted * (config.compose_fraction ?? 0));
  const rules = {
    seed,
    takenQueries: new Set([...takenQueries.keys(), ...suiteQueries.keys()]),
    forbiddenCalls: new Set(SUITE_CASES.map((s) => callsKey(s.expected.map((c) => orderParams(c, tools))))),
    checkParams: check,
  };
  const inSchemaOrder = (ex: Example): Example => ({ ...ex, calls: ex.calls.map((c) => orderParams(c, tools)) });
  const augmented = augmentExamples(chosen, { ...rules, count: wanted - composedCount }).map(inSchemaOrder);
  const composed = composeExamples({ ...rules, count: composedCount }).map(inSchemaOrder);

  // Each base example followed by its variants, then the composed examples, then the user's records.
  const pool = [...base.flatMap((b) => [b, ...augmented.filter((a) => a.base_id === b.id)]), ...composed, ...user.examples];
  const { train, val } = splitExamples(pool, config.validation_split, seed, (ex) => coverageKeys(ex.calls, tools));
  const coverage = computeCoverage(train, val, tools);
  if (config.require_coverage !== false && coverage.missing_parameters.length > 0) {
    throw new DatasetError(`${coverage.missing_parameters.length} tool parameter(s) never appear in training`, coverageIssues(coverage));
  }
  const sampled = new Set(shuffle(train, deriveRng(seed, 'train-cases')).slice(0, config.train_cases_sample));
  const header = renderToolsHeader(tools, config.prompt_tools ?? 'none');
  const trainCases = train.filter((ex) => sampled.has(ex)).map((ex) => toEvalCase(ex, header));
  const valCases = val.map((ex) => toEvalCase(ex, header));
  const suite = SUITE_CASES.map((s) => toEvalCase({ ...s, calls: s.expected.map((c) => orderParams(c, tools)) }, header));
  const spoken = (ex: Example): Example => (config.call_preamble === false && ex.calls.length > 0 ? { ...ex, reply: '' } : ex);
  const toRecord = (ex: Example): TextRecord | ChatRecord => (config.format === 'chat' ? toChatRecord(spoken(ex)) : toTextRecord(spoken(ex), header));
  const stats = computeStats(train, val, {
    format: config.format, seed, target_size: config.target_size, validation_split: config.validation_split,
    skipped: user.issues, cases: { train: trainCases.length, val: valCases.length, suite: suite.length }, coverage,
  });

  const result: DatasetResult = {
    train_path: join(outDir, 'train.jsonl'),
    val_path: join(outDir, 'val.jsonl'),
    val_cases_path: join(outDir, 'val_cases.jsonl'),
    train_cases_path: join(outDir, 'train_cases.jsonl'),
    suite_cases_path: join(outDir, 'suite_cases.jsonl'),
    tools_path: join(outDir, 'tools.json'),
    stats_path: join(outDir, 'stats.json'),
    stats,
  };
  await writeFilesAtomically(
    new Map([
      [result.train_path, toJsonl(train.map(toRecord))],
      [result.val_path, toJsonl(val.map(toRecord))],
      [result.val_cases_path, toJsonl(valCases)],
      [result.train_cases_path, toJsonl(trainCases)],
      [result.suite_cases_path, toJsonl(suite)],
      [result.tools_path, `${JSON.stringify(tools, null, 2)}\n`],
      [result.stats_path, `${JSON.stringify(stats, null, 2)}\n`],
    ]),
  );
  return result;
}
