// Builds real, validated specs for tests: a small base spec with fast retry and timeout profiles, merged
// with per-test overrides and run through the same parser and validator as the workers (defaults filled in).
import { stringify } from 'yaml';
import type { RunPlan } from '../../activities/types';
import { parseAndValidate } from '../../lib/spec/load-spec';
import { POLICY_STAGES } from '../../lib/spec/profiles';
import type { ExperimentSpec } from '../../lib/spec/spec-types';

// A JSON-like plain object.
type Plain = Record<string, unknown>;

// Every stage retries quickly (100 ms, at most 3 attempts) and times out in 30 s: failing tests stay fast.
export const TEST_SPEC_BASE: Plain = {
  name: 'wf-test',
  description: 'workflow test spec',
  model: { model_name: 'tiny-phi3', source: 'tiny' },
  // The suite stages have their own test; the others assert exact stage lists without them.
  evaluation: { score_suite: false },
  retry_profiles: { fast: { maximum_attempts: 3, initial_interval: '100ms', backoff_coefficient: 1, maximum_interval: '100ms' } },
  timeout_profiles: { fast: { start_to_close: '30s' } },
  stages: Object.fromEntries(POLICY_STAGES.map((stage) => [stage, { retry: 'fast', timeout: 'fast' }])),
};

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Deep-merges plain objects; arrays and scalars in `over` replace; an undefined value removes the key.
export function mergeDeep(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) delete out[key];
    else if (isPlain(value) && isPlain(out[key])) out[key] = mergeDeep(out[key], value);
    else out[key] = value;
  }
  return out;
}

// The test spec as a plain object, before validation.
export function specObject(overrides: Plain = {}): Plain {
  return mergeDeep(TEST_SPEC_BASE, overrides);
}

// The test spec as YAML text, ready for a workflow's `specText` input.
export function specYaml(overrides: Plain = {}): string {
  return stringify(specObject(overrides));
}

// A validated spec with every default filled in; throws InvalidSpecError when the overrides break it.
export function buildSpec(overrides: Plain = {}): ExperimentSpec {
  return parseAndValidate(specYaml(overrides), '(test spec)').spec;
}

// The RunPlan prepareRun would return for a spec, laid out under a fake artifacts root (nothing is written).
export function buildRunPlan(spec: ExperimentSpec, workflowId: string, artifactsRoot = '/tmp/tooltune-test-artifacts'): RunPlan {
  return {
    spec,
    spec_file: '(inline spec text)',
    artifacts_root: artifactsRoot,
    run_dir: `${artifactsRoot}/runs/${workflowId}`,
    tool_files: [],
    example_files: [],
    gguf_file: null,
    holdout_file: spec.evaluation.holdout_cases === false ? null : '/tmp/tooltune-test-holdout.jsonl',
  };
}
