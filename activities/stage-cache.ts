// The stage cache's activities (see lib/cache/stage-cache.ts): record a completed stage in the run folder,
// and look a stage up in an earlier run for `tooltune resume`. Keys are computed here, where the input
// files can be hashed; the workflow chains them (a stage's key includes its upstream stages' keys).
import { ApplicationFailure } from '@temporalio/activity';
import { hashFile, recordStage, reuseStage, stageKey } from '../lib/cache/stage-cache';
import { isInside } from '../lib/paths';
import { readWorkerRoots } from '../lib/worker-roots';
import type { LookupStageInput, LookupStageOutput, RecordStageInput, RecordStageOutput } from './types';

// Both run folders must lie in the workers' artifacts root: a workflow input cannot name any folder.
function checkRunDir(dir: string, what: string): void {
  if (!isInside(readWorkerRoots().artifactsRoot, dir)) {
    throw ApplicationFailure.nonRetryable(`${what} ${dir} is not inside the workers' artifacts root (TOOLTUNE_ARTIFACTS_ROOT)`, 'InvalidSpec');
  }
}

// The key of a stage from its key parts and the hashes of its input files.
async function keyOf(stage: string, parts: unknown, inputFiles: string[]): Promise<string> {
  const hashes: Record<string, string> = {};
  for (const [i, file] of inputFiles.entries()) hashes[`${i}`] = await hashFile(file);
  return stageKey(stage, parts, hashes);
}

// Records a completed stage's output and files in its run folder; returns the stage's key.
export async function recordStageOutput(input: RecordStageInput): Promise<RecordStageOutput> {
  checkRunDir(input.run_dir, 'run_dir');
  const key = await keyOf(input.stage, input.parts, input.input_files);
  const record = await recordStage(input.run_dir, input.slot, input.stage, key, input.output);
  return { key, files: record.files.length };
}

// Reuses a stage of an earlier run when its key matches and its recorded files verify.
export async function lookupStage(input: LookupStageInput): Promise<LookupStageOutput> {
  checkRunDir(input.run_dir, 'run_dir');
  checkRunDir(input.old_run_dir, 'old_run_dir');
  const key = await keyOf(input.stage, input.parts, input.input_files);
  const found = await reuseStage(input.old_run_dir, input.run_dir, input.slot, key);
  return 'output' in found ? { key, hit: true, output: found.output } : { key, hit: false, reason: found.miss };
}
