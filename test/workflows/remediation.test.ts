// The pure remediation decisions: judging an attempt, picking the next remedy, applying it, shrinking the
// batch after an out-of-memory, and describing what an attempt changed. Specs come from the real validator.
import { describe, expect, it } from 'vitest';
import type { ScoreMetrics } from '../../activities/types';
import { applyStep, describeOverrides, judgeAttempt, missedThresholds, planNext, shrinkBatch, type AttemptSettings, type RemedyCursor } from '../../workflows/remediation';
import { buildSpec } from '../helpers/spec';

const spec = buildSpec();
const evaluation = spec.evaluation; // thresholds 0.95 / 0.98 / 0.97, overfit_gap 0.1
const remediation = spec.remediation;
const start: RemedyCursor = { below_threshold: 0, overfitting: 0 };

function score(tool: number, param = tool, detection = tool): ScoreMetrics {
  return { total: 10, tool_detection: detection, tool_parsing: detection, tool_accuracy: tool, param_accuracy: param, schema_validity: 1 };
}

describe('the spec defaults these tests rely on', () => {
  it('are the guide troubleshooting table', () => {
    expect(evaluation.thresholds).toEqual({ tool_accuracy: 0.95, param_accuracy: 0.98, tool_detection: 0.97 });
    expect(evaluation.overfit_gap).toBe(0.1);
    expect(remediation.below_threshold).toEqual([{ num_train_epochs: 10 }, { lora_r: 64, lora_alpha: 128 }, { learning_rate: 2e-5 }]);
    expect(remediation.overfitting).toEqual([{ weight_decay: 0.05 }, { lora_r: 16, lora_alpha: 32 }]);
    expect(remediation.out_of_memory).toEqual({ max_retries: 2, min_batch_size: 1 });
  });
});

describe('judgeAttempt', () => {
  it('passes when every metric meets its threshold exactly (>=)', () => {
    expect(judgeAttempt(score(0.95, 0.98, 0.97), null, evaluation)).toEqual({ kind: 'passed' });
  });

  it('lists the missed thresholds in a fixed order', () => {
    expect(judgeAttempt(score(0.96, 0.5, 0.969), null, evaluation)).toEqual({ kind: 'below_threshold', failed: ['param_accuracy', 'tool_detection'] });
    expect(missedThresholds(score(0.1), evaluation.thresholds)).toEqual(['tool_accuracy', 'param_accuracy', 'tool_detection']);
  });

  it('calls it overfitting when the training sample beats validation tool accuracy by more than overfit_gap', () => {
    expect(judgeAttempt(score(0.6), score(0.8), evaluation)).toEqual({ kind: 'overfitting', failed: ['tool_accuracy', 'param_accuracy', 'tool_detection'], gap: 0.8 - 0.6 });
  });

  it('is below threshold, not overfitting, at a gap equal to overfit_gap or with no training sample', () => {
    const exact = { ...evaluation, overfit_gap: 0.25 };
    expect(judgeAttempt(score(0.5), score(0.75), exact).kind).toBe('below_threshold');
    expect(judgeAttempt(score(0.5), null, evaluation).kind).toBe('below_threshold');
    expect(judgeAttempt(score(0.5), score(0.4), evaluation).kind).toBe('below_threshold');
  });

  it('passes a model that meets its thresholds even when the training sample scores much higher', () => {
    expect(judgeAttempt(score(0.99), score(1), { ...evaluation, overfit_gap: 0 })).toEqual({ kind: 'passed' });
  });
});

describe('planNext', () => {
  const below = { kind: 'below_threshold' as const, failed: ['tool_accuracy'] };
  const overfit = { kind: 'overfitting' as const, failed: ['tool_accuracy'], gap: 0.2 };

  it('stops when the attempt passed', () => {
    expect(planNext({ kind: 'passed' }, 1, start, remediation)).toEqual({ action: 'stop', reason: 'thresholds met' });
  });

  it('walks the below_threshold steps in order, advancing only its own cursor', () => {
    const first = planNext(below, 1, start, remediation);
    expect(first).toEqual({ action: 'retry', branch: 'below_threshold', step: { num_train_epochs: 10 }, cursor: { below_threshold: 1, overfitting: 0 } });
    const second = planNext(below, 2, first.action === 'retry' ? first.cursor : start, remediation);
    expect(second).toEqual({ action: 'retry', branch: 'below_threshold', step: { lora_r: 64, lora_alpha: 128 }, cursor: { below_threshold: 2, overfitting: 0 } });
    expect(start).toEqual({ below_threshold: 0, overfitting: 0 });
  });

  it('takes the overfitting steps for an overfitting verdict, then falls back to below_threshold ones', () => {
    expect(planNext(overfit, 1, start, remediation)).toEqual({ action: 'retry', branch: 'overfitting', step: { weight_decay: 0.05 }, cursor: { below_threshold: 0, overfitting: 1 } });
    expect(planNext(overfit, 3, { below_threshold: 0, overfitting: 2 }, remediation)).toEqual({
      action: 'retry', branch: 'below_threshold', step: { num_train_epochs: 10 }, cursor: { below_threshold: 1, overfitting: 2 },
    });
  });

  it('stops at max_attempts, naming the missed thresholds', () => {
    expect(planNext(below, 4, start, remediation)).toEqual({ action: 'stop', reason: 'below thresholds (tool_accuracy) after 4 attempts: max_attempts is 4' });
    expect(planNext(below, 1, start, { ...remediation, max_attempts: 1 })).toEqual({ action: 'stop', reason: 'below thresholds (tool_accuracy) after 1 attempt: max_attempts is 1' });
  });

  it('stops when no step is left on either list', () => {
    const reason = 'below thresholds (tool_accuracy) and no remediation step left';
    expect(planNext(below, 1, { below_threshold: 3, overfitting: 0 }, remediation)).toEqual({ action: 'stop', reason });
    expect(planNext(overfit, 1, start, { ...remediation, overfitting: [], below_threshold: [] })).toEqual({ action: 'stop', reason });
  });
});

describe('applyStep', () => {
  const base: AttemptSettings = { training: spec.training, lora: spec.lora };

  it('sets each field a step names and nothing else, without touching its input', () => {
    const next = applyStep(base, { num_train_epochs: 10, learning_rate: 2e-5, weight_decay: 0.05, lora_r: 64, lora_alpha: 128, lora_dropout: 0.1 });
    expect(next.training).toEqual({ ...spec.training, num_train_epochs: 10, learning_rate: 2e-5, weight_decay: 0.05 });
    expect(next.lora).toEqual({ ...spec.lora, lora_r: 64, lora_alpha: 128, lora_dropout: 0.1 });
    expect(base.training.num_train_epochs).toBe(5);
    expect(base.lora.lora_r).toBe(32);
    expect(next.training).not.toBe(base.training);
  });

  it('adds up over steps', () => {
    const twice = applyStep(applyStep(base, { num_train_epochs: 10 }), { lora_r: 64, lora_alpha: 128 });
    expect(describeOverrides(base, twice)).toEqual({ num_train_epochs: 10, lora_r: 64, lora_alpha: 128 });
  });
});

describe('applyStep: more data (data_factor)', () => {
  const withData: AttemptSettings = { training: spec.training, lora: spec.lora, dataset: { target_size: 80 } };

  it('multiplies target_size and reports it as an override', () => {
    const next = applyStep(withData, { data_factor: 2 }, 1000);
    expect(next.dataset).toEqual({ target_size: 160 });
    expect(withData.dataset).toEqual({ target_size: 80 });
    expect(describeOverrides(withData, next)).toEqual({ target_size: 160 });
  });

  it('stops at remediation.max_target_size and never shrinks the data', () => {
    expect(applyStep(withData, { data_factor: 3 }, 200).dataset).toEqual({ target_size: 200 });
    expect(applyStep(applyStep(withData, { data_factor: 3 }, 200), { data_factor: 2 }, 200).dataset).toEqual({ target_size: 200 });
    expect(applyStep({ ...withData, dataset: { target_size: 300 } }, { data_factor: 2 }, 200).dataset).toEqual({ target_size: 300 });
  });

  it('adds up with the other remedies, and leaves settings without a dataset section alone', () => {
    const next = applyStep(applyStep(withData, { data_factor: 1.5 }, 1000), { num_train_epochs: 10 });
    expect(describeOverrides(withData, next)).toEqual({ target_size: 120, num_train_epochs: 10 });
    expect(applyStep({ training: spec.training, lora: spec.lora }, { data_factor: 2 })).not.toHaveProperty('dataset');
  });

  it('is a step the spec accepts, with a cap that defaults to 1000', () => {
    const custom = buildSpec({ remediation: { below_threshold: [{ data_factor: 2 }, { num_train_epochs: 10 }], max_target_size: 400 } });
    expect(custom.remediation.below_threshold[0]).toEqual({ data_factor: 2 });
    expect(custom.remediation.max_target_size).toBe(400);
    expect(spec.remediation.max_target_size).toBe(1000);
    expect(() => buildSpec({ remediation: { below_threshold: [{ data_factor: 1 }] } })).toThrow(/data_factor/);
  });
});

describe('shrinkBatch', () => {
  const rules = { max_retries: 2, min_batch_size: 1 };
  const training = { ...spec.training, per_device_train_batch_size: 4, gradient_accumulation_steps: 4 };

  it('halves the batch and doubles accumulation, keeping the effective batch', () => {
    const smaller = shrinkBatch(training, 0, rules);
    expect(smaller).toEqual({ ...training, per_device_train_batch_size: 2, gradient_accumulation_steps: 8 });
    expect(shrinkBatch(smaller!, 1, rules)).toMatchObject({ per_device_train_batch_size: 1, gradient_accumulation_steps: 16 });
  });

  it('rounds an odd batch down and scales accumulation by the real factor', () => {
    expect(shrinkBatch({ ...training, per_device_train_batch_size: 3, gradient_accumulation_steps: 2 }, 0, rules)).toMatchObject({ per_device_train_batch_size: 1, gradient_accumulation_steps: 6 });
  });

  it('returns null when the retries are used up, the batch is 1, or it would go below min_batch_size', () => {
    expect(shrinkBatch(training, 2, rules)).toBeNull();
    expect(shrinkBatch(training, 0, { max_retries: 0, min_batch_size: 1 })).toBeNull();
    expect(shrinkBatch({ ...training, per_device_train_batch_size: 1 }, 0, rules)).toBeNull();
    expect(shrinkBatch(training, 0, { max_retries: 5, min_batch_size: 3 })).toBeNull();
    expect(shrinkBatch(training, 0, { max_retries: 5, min_batch_size: 2 })).toMatchObject({ per_device_train_batch_size: 2 });
  });
});

describe('describeOverrides', () => {
  const base: AttemptSettings = { training: spec.training, lora: spec.lora };

  it('is empty for the spec settings themselves', () => {
    expect(describeOverrides(base, base)).toEqual({});
    expect(describeOverrides(base, { training: { ...spec.training }, lora: { ...spec.lora } })).toEqual({});
  });

  it('lists the numbers that differ, from both sections, and ignores non-numeric fields', () => {
    const current: AttemptSettings = {
      training: { ...spec.training, per_device_train_batch_size: 2, gradient_accumulation_steps: 8, lr_scheduler_type: 'cosine' },
      lora: { ...spec.lora, lora_dropout: 0.2, lora_target_modules: ['qkv_proj'] },
    };
    expect(describeOverrides(base, current)).toEqual({ per_device_train_batch_size: 2, gradient_accumulation_steps: 8, lora_dropout: 0.2 });
  });
});
