// Stage "spec": loads and validates the spec where the workers run, and lays out the run's folder.
import { mkdir } from 'node:fs/promises';
import { ApplicationFailure } from '@temporalio/activity';
import { writeJsonAtomic } from '../lib/atomic-write';
import { resolveInside } from '../lib/paths';
import { loadSpec, type SpecSource } from '../lib/spec/load-spec';
import { InvalidSpecError } from '../lib/spec/problems';
import type { PrepareRunInput, RunPlan } from './types';

// Turns a workflow id into a safe folder name.
export function runFolderName(workflowId: string): string {
  const cleaned = workflowId.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return cleaned.slice(0, 200) || 'run';
}

// Picks the one spec source the input names.
function toSource(input: PrepareRunInput['source']): SpecSource {
  if (typeof input.specPath === 'string') return { specPath: input.specPath };
  if (typeof input.specText === 'string') return { specText: input.specText };
  if (input.spec && typeof input.spec === 'object' && !Array.isArray(input.spec)) return { spec: input.spec };
  throw ApplicationFailure.nonRetryable('the workflow input needs specPath (a file), specText (YAML) or spec (an object)', 'InvalidSpec');
}

// Validates the spec (non-retryable InvalidSpec with every problem on failure) and creates the run folder.
export async function prepareRun(input: PrepareRunInput): Promise<RunPlan> {
  let loaded;
  try {
    loaded = await loadSpec(toSource(input.source));
  } catch (err) {
    if (err instanceof InvalidSpecError) {
      throw ApplicationFailure.create({ type: 'InvalidSpec', message: err.message, details: [err.problems], nonRetryable: true });
    }
    throw err;
  }
  const runDir = resolveInside(loaded.artifactsRoot, `runs/${runFolderName(input.workflow_id)}`);
  await mkdir(runDir, { recursive: true });
  await writeJsonAtomic(`${runDir}/spec.resolved.json`, { source: loaded.file, spec: loaded.spec });
  return {
    spec: loaded.spec,
    spec_file: loaded.file,
    artifacts_root: loaded.artifactsRoot,
    run_dir: runDir,
    tool_files: loaded.toolFiles,
    example_files: loaded.exampleFiles,
    gguf_file: loaded.ggufFile,
    holdout_file: loaded.holdoutFile,
  };
}
