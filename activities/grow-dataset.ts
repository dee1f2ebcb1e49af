// Stage "grow-dataset" (remediation "more data"): a larger training set for a later attempt, written to
// <run_dir>/dataset-<target_size>/train.jsonl; the validation split of the run stays as it is.
import { ApplicationFailure } from '@temporalio/activity';
import { DatasetError } from '../lib/dataset/generate-dataset';
import { growTrainSet } from '../lib/dataset/grow-train-set';
import { resolveInside } from '../lib/paths';
import { datasetConfigOf } from './dataset';
import type { GrowDatasetInput, GrowDatasetOutput } from './types';

// Generates the dataset at input.target_size and keeps the records whose base example is not a validation one.
export async function growDataset(input: GrowDatasetInput): Promise<GrowDatasetOutput> {
  const dir = resolveInside(input.run_dir, `dataset-${input.target_size}`);
  const config = { ...datasetConfigOf(input.spec, input.tool_files, input.example_files), target_size: input.target_size };
  try {
    return await growTrainSet(config, input.spec.seed, input.val_path, dir);
  } catch (err) {
    if (err instanceof DatasetError) throw ApplicationFailure.create({ type: 'DatasetError', message: err.message, details: [err.issues.slice(0, 200)], nonRetryable: true });
    throw err;
  }
}
