// Stage "dataset": generates the MCP tool-calling dataset into the run folder; returns paths and counts.
import { ApplicationFailure } from '@temporalio/activity';
import { DatasetError, generateDataset as generate, type DatasetConfig } from '../lib/dataset/generate-dataset';
import type { ExperimentSpec } from '../lib/spec/spec-types';
import { resolveInside } from '../lib/paths';
import type { DatasetInput, DatasetOutput } from './types';

// Most bad-record lines carried in a failure (the full list is in the message's count).
const MAX_ISSUES_IN_FAILURE = 200;

// The dataset library's settings from a spec and its resolved input files (the activity and the CLI share it).
export function datasetConfigOf(spec: ExperimentSpec, toolFiles: string[], exampleFiles: string[]): DatasetConfig {
  return { ...spec.dataset, tool_files: toolFiles, example_files: exampleFiles };
}

// Writes train/val/cases/tools/stats under <run_dir>/dataset; bad user records fail non-retryably.
export async function generateDataset(input: DatasetInput): Promise<DatasetOutput> {
  const dir = resolveInside(input.run_dir, 'dataset');
  try {
    const result = await generate(datasetConfigOf(input.spec, input.tool_files, input.example_files), input.spec.seed, dir);
    return { dir, ...result, stats: { ...result.stats } };
  } catch (err) {
    if (err instanceof DatasetError) {
      throw ApplicationFailure.create({ type: 'DatasetError', message: err.message, details: [err.issues.slice(0, MAX_ISSUES_IN_FAILURE)], nonRetryable: true });
    }
    throw err;
  }
}
