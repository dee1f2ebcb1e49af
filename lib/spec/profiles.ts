// Named retry and timeout profiles, and the policy each stage runs under. Pure code: the workflow uses it.
import type { ExperimentSpec, RetryPolicy, TimeoutProfile } from './spec-types';

// The pipeline's stages that run as activities with a policy from the spec.
export const POLICY_STAGES = ['dataset', 'preflight', 'predict', 'score', 'finetune', 'report', 'merge', 'export', 'quantize', 'validate_quantized', 'benchmark'] as const;
export type PolicyStage = (typeof POLICY_STAGES)[number];

// Retry profiles every spec can name without defining them.
export const BUILTIN_RETRY_PROFILES: Record<string, RetryPolicy> = {
  none: { maximum_attempts: 1 },
  quick: { maximum_attempts: 3, initial_interval: '1s', backoff_coefficient: 2, maximum_interval: '10s' },
  standard: { maximum_attempts: 5, initial_interval: '2s', backoff_coefficient: 2, maximum_interval: '1m' },
  patient: { maximum_attempts: 10, initial_interval: '5s', backoff_coefficient: 2, maximum_interval: '5m' },
};

// Timeout profiles every spec can name without defining them.
export const BUILTIN_TIMEOUT_PROFILES: Record<string, TimeoutProfile> = {
  short: { start_to_close: '5m' },
  medium: { start_to_close: '30m', heartbeat: '2m' },
  long: { start_to_close: '4h', heartbeat: '2m' },
  training: { start_to_close: '48h', heartbeat: '2m' },
};

// Used when a stage entry names only one of its two profiles.
const STAGE_DEFAULTS: Record<PolicyStage, { retry: string; timeout: string }> = {
  dataset: { retry: 'quick', timeout: 'short' },
  preflight: { retry: 'standard', timeout: 'medium' },
  predict: { retry: 'standard', timeout: 'long' },
  score: { retry: 'quick', timeout: 'short' },
  finetune: { retry: 'patient', timeout: 'training' },
  report: { retry: 'quick', timeout: 'short' },
  merge: { retry: 'standard', timeout: 'long' },
  export: { retry: 'quick', timeout: 'long' },
  quantize: { retry: 'quick', timeout: 'long' },
  validate_quantized: { retry: 'quick', timeout: 'long' },
  benchmark: { retry: 'quick', timeout: 'long' },
};

// Activity options in Temporal's terms for one stage, ready for proxyActivities.
export interface StageActivityPolicy {
  retryProfile: string;
  timeoutProfile: string;
  startToCloseTimeout: string;
  heartbeatTimeout?: string;
  retry: { maximumAttempts: number; initialInterval: string; backoffCoefficient: number; maximumInterval: string; nonRetryableErrorTypes: string[] };
}

// Failure types no retry can fix; activities raise them non-retryable, and policies list them too.
export const PERMANENT_ERROR_TYPES = ['InvalidSpec', 'ModelNotFound', 'TargetModulesNotFound', 'OutOfMemory', 'GpuUnavailable', 'DatasetError', 'PathOutsideArtifacts', 'MergeMismatch', 'ExportMismatch', 'UnsupportedArchitecture', 'ExportFailed', 'InvalidHoldout'];

// The profile names a stage uses, after filling in the built-in defaults.
export function stageProfileNames(spec: Pick<ExperimentSpec, 'stages'>, stage: PolicyStage): { retry: string; timeout: string } {
  const entry = (spec.stages as Record<string, { retry?: string; timeout?: string } | undefined>)[stage] ?? {};
  return { retry: entry.retry ?? STAGE_DEFAULTS[stage].retry, timeout: entry.timeout ?? STAGE_DEFAULTS[stage].timeout };
}

// A profile by name, the spec's own first; own properties only, so 'constructor' is not a profile.
export function findProfile<T>(name: string, custom: Record<string, T>, builtin: Record<string, T>): T | undefined {
  if (Object.hasOwn(custom, name)) return custom[name];
  return Object.hasOwn(builtin, name) ? builtin[name] : undefined;
}

// Resolves a stage's retry and timeout profiles from the spec into Temporal activity options.
export function resolveStagePolicy(spec: Pick<ExperimentSpec, 'stages' | 'retry_profiles' | 'timeout_profiles'>, stage: PolicyStage): StageActivityPolicy {
  const names = stageProfileNames(spec, stage);
  const retry = findProfile(names.retry, spec.retry_profiles, BUILTIN_RETRY_PROFILES);
  const timeout = findProfile(names.timeout, spec.timeout_profiles, BUILTIN_TIMEOUT_PROFILES);
  if (!retry) throw new Error(`stages.${stage}.retry: no retry profile named '${names.retry}'`);
  if (!timeout) throw new Error(`stages.${stage}.timeout: no timeout profile named '${names.timeout}'`);
  return {
    retryProfile: names.retry,
    timeoutProfile: names.timeout,
    startToCloseTimeout: timeout.start_to_close,
    ...(timeout.heartbeat ? { heartbeatTimeout: timeout.heartbeat } : {}),
    retry: {
      maximumAttempts: retry.maximum_attempts,
      initialInterval: retry.initial_interval ?? '1s',
      backoffCoefficient: retry.backoff_coefficient ?? 2,
      maximumInterval: retry.maximum_interval ?? '1m',
      nonRetryableErrorTypes: PERMANENT_ERROR_TYPES,
    },
  };
}
