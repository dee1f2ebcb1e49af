// Stage "holdout": renders the held-out requests (a file the dataset stage never reads) with the run's
// prompt header into <run_dir>/holdout/holdout_cases.jsonl, for the same predict and score as val and the suite.
import { ApplicationFailure } from '@temporalio/activity';
import { HoldoutError, writeHoldoutCases } from '../lib/holdout/holdout-cases';
import { resolveInside } from '../lib/paths';
import type { HoldoutInput, HoldoutOutput } from './types';

// Checks and renders the held-out cases; a bad file is a non-retryable InvalidHoldout naming file and case.
export async function prepareHoldout(input: HoldoutInput): Promise<HoldoutOutput> {
  const outPath = resolveInside(input.run_dir, 'holdout/holdout_cases.jsonl');
  try {
    return await writeHoldoutCases({ holdoutPath: input.holdout_path, toolsPath: input.tools_path, promptTools: input.prompt_tools, outPath });
  } catch (err) {
    if (err instanceof HoldoutError) {
      throw ApplicationFailure.create({ type: 'InvalidHoldout', message: err.message, details: [err.problems.slice(0, 200)], nonRetryable: true });
    }
    throw err;
  }
}
