// The guide's troubleshooting table as pure decisions: judge an attempt, pick the next remedy, shrink
// the batch after an out-of-memory. No I/O: the workflow and its unit tests both call these.
import type { ExperimentSpec, RemediationStep } from '../lib/spec/spec-types';
import type { ScoreMetrics } from '../activities/types';

// The settings one fine-tuning attempt runs with; dataset is absent in runs that never grow their data.
export interface AttemptSettings {
  training: ExperimentSpec['training'];
  lora: ExperimentSpec['lora'];
  dataset?: { target_size: number };
}

// Why an attempt is followed by another, or by nothing.
export type Branch = 'initial' | 'below_threshold' | 'overfitting' | 'out_of_memory';

// How an attempt did against the thresholds.
export type Verdict =
  | { kind: 'passed' }
  | { kind: 'overfitting'; failed: string[]; gap: number }
  | { kind: 'below_threshold'; failed: string[] };

// The metrics a threshold applies to, by name.
const THRESHOLD_KEYS = ['tool_accuracy', 'param_accuracy', 'tool_detection'] as const;

// Which thresholds a score misses (meeting a threshold means >=).
export function missedThresholds(metrics: ScoreMetrics, thresholds: ExperimentSpec['evaluation']['thresholds']): string[] {
  return THRESHOLD_KEYS.filter((key) => metrics[key] < thresholds[key]);
}

// Judges an attempt: passed, overfitting (train beats validation by more than the gap), or below threshold.
export function judgeAttempt(
  val: ScoreMetrics,
  train: ScoreMetrics | null,
  evaluation: Pick<ExperimentSpec['evaluation'], 'thresholds' | 'overfit_gap'>,
): Verdict {
  const failed = missedThresholds(val, evaluation.thresholds);
  if (failed.length === 0) return { kind: 'passed' };
  const gap = train ? train.tool_accuracy - val.tool_accuracy : 0;
  if (train && gap > evaluation.overfit_gap) return { kind: 'overfitting', failed, gap };
  return { kind: 'below_threshold', failed };
}

// Applies one remediation step on top of the current settings; a data_factor step grows the dataset's
// target_size, never above maxTargetSize (remediation.max_target_size) and never below its current size.
export function applyStep(settings: AttemptSettings, step: RemediationStep, maxTargetSize = Number.POSITIVE_INFINITY): AttemptSettings {
  const training = { ...settings.training };
  const lora = { ...settings.lora };
  const dataset = settings.dataset ? { ...settings.dataset } : undefined;
  if (step.data_factor !== undefined && dataset !== undefined) {
    dataset.target_size = Math.max(dataset.target_size, Math.min(maxTargetSize, Math.round(dataset.target_size * step.data_factor)));
  }
  if (step.num_train_epochs !== undefined) training.num_train_epochs = step.num_train_epochs;
  if (step.learning_rate !== undefined) training.learning_rate = step.learning_rate;
  if (step.weight_decay !== undefined) training.weight_decay = step.weight_decay;
  if (step.lora_r !== undefined) lora.lora_r = step.lora_r;
  if (step.lora_alpha !== undefined) lora.lora_alpha = step.lora_alpha;
  if (step.lora_dropout !== undefined) lora.lora_dropout = step.lora_dropout;
  return dataset === undefined ? { training, lora } : { training, lora, dataset };
}

// How far down each list of remedies the run has gone.
export interface RemedyCursor {
  below_threshold: number;
  overfitting: number;
}

// The next thing to do after a judged attempt.
export type NextAction =
  | { action: 'stop'; reason: string }
  | { action: 'retry'; branch: 'below_threshold' | 'overfitting'; step: RemediationStep; cursor: RemedyCursor };

// Picks the next remedy for a verdict, within the spec's limits; overfitting falls back to the
// below-threshold remedies once its own are used up.
export function planNext(verdict: Verdict, attemptsDone: number, cursor: RemedyCursor, remediation: ExperimentSpec['remediation']): NextAction {
  if (verdict.kind === 'passed') return { action: 'stop', reason: 'thresholds met' };
  if (attemptsDone >= remediation.max_attempts) {
    return { action: 'stop', reason: `below thresholds (${verdict.failed.join(', ')}) after ${attemptsDone} attempt${attemptsDone === 1 ? '' : 's'}: max_attempts is ${remediation.max_attempts}` };
  }
  const tryList = (branch: 'below_threshold' | 'overfitting'): NextAction | null => {
    const step = remediation[branch][cursor[branch]];
    if (!step) return null;
    return { action: 'retry', branch, step, cursor: { ...cursor, [branch]: cursor[branch] + 1 } };
  };
  const next = (verdict.kind === 'overfitting' ? tryList('overfitting') : null) ?? tryList('below_threshold');
  if (next) return next;
  return { action: 'stop', reason: `below thresholds (${verdict.failed.join(', ')}) and no remediation step left` };
}

// Halves the batch and doubles accumulation (same effective batch) after an out-of-memory, or null
// when the spec's limits forbid it.
export function shrinkBatch(training: ExperimentSpec['training'], oomRetriesUsed: number, rules: ExperimentSpec['remediation']['out_of_memory']): ExperimentSpec['training'] | null {
  if (oomRetriesUsed >= rules.max_retries) return null;
  const batch = Math.floor(training.per_device_train_batch_size / 2);
  if (batch < Math.max(1, rules.min_batch_size)) return null;
  const factor = training.per_device_train_batch_size / batch;
  return { ...training, per_device_train_batch_size: batch, gradient_accumulation_steps: Math.round(training.gradient_accumulation_steps * factor) };
}

// The settings that differ from the spec's, for the summary of each attempt.
export function describeOverrides(base: AttemptSettings, current: AttemptSettings): Record<string, number> {
  const out: Record<string, number> = {};
  for (const section of ['training', 'lora', 'dataset'] as const) {
    for (const [key, value] of Object.entries(current[section] ?? {})) {
      const before = (base[section] as Record<string, unknown> | undefined)?.[key];
      if (typeof value === 'number' && value !== before) out[key] = value;
    }
  }
  return out;
}
