// Stage "dataset": generates the MCP tool-calling dataset into the run folder; returns paths and counts.
import { ApplicationFailure } from '@temporalio/activity';
import { DatasetError, generateDataset as generate } from '../lib/dataset/generate-dataset';
import { resolveInside } from '../lib/paths';
import type { DatasetInput, DatasetOutput } from './types';

// Most bad-record lines carried in a failure (the full list is in the message's count).
const MAX_ISSUES_IN_FAILURE = 200;

// Writes train/val/cases/tools/stats under <run_dir>/dataset; bad user records fail non-retryably.
export async function generateDataset(input: DatasetInput): Promise<DatasetOutput> {
  const dir = resolveInside(input.run_dir, 'dataset');
  const { dataset, seed } = input.spec;
  try {
    const result = await generate(
      {
        format: dataset.format,
        augment_dataset: dataset.augment_dataset,
        target_size: dataset.target_size,
        validation_split: dataset.validation_split,
        tool_files: input.tool_files,
        example_files: input.example_files,
        on_bad_record: dataset.on_bad_record,
        train_cases_sample: dataset.train_cases_sample,
        prompt_tools: dataset.prompt_tools,
      },
      seed,
      dir,
    );
    return { dir, ...result, stats: { ...result.stats } };
  } catch (err) {
    if (err instanceof DatasetError) {
      throw ApplicationFailure.create({ type: 'DatasetError', message: err.message, details: [err.issues.slice(0, MAX_ISSUES_IN_FAILURE)], nonRetryable: true });
    }
    throw err;
  }
}
