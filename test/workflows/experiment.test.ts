// The experiment workflow on Temporal's local dev server with stub activities: every branch of the run
// (passes at once, remediates then passes, gives up, out-of-memory, overfitting, invalid spec, transient
// failures) plus the progress query and the search attributes. One server and two workers serve the file.
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchmarkEngineInput, BenchmarkInput, ExportInput, FinetuneInput, MergeInput, PredictInput, ReportInput, ScoreMetrics, ValidateQuantizedInput } from '../../activities/types';
import { Worker } from '@temporalio/worker';
import { PERMANENT_ERROR_TYPES } from '../../lib/spec/profiles';
import { SEARCH_ATTRIBUTES, TASK_QUEUE, WORKFLOW_TYPE } from '../../lib/temporal/names';
import type { ExperimentInput, RunSummary, tooltuneExperiment } from '../../workflows/experiment';
import type { Progress, StageRecord } from '../../workflows/run-state';
import { specYaml } from '../helpers/spec';
import { HIGH, LOW, metrics, predictedSets, StubActivities, type Scenario } from '../helpers/stub-activities';
import { startWorkflowTestEnv, type WorkflowTestEnv } from '../helpers/workflow-env';

const stubs = new StubActivities();
let t: WorkflowTestEnv;

beforeAll(async () => {
  t = await startWorkflowTestEnv(stubs);
});
afterAll(async () => {
  await t?.teardown();
});

// Every run a test started, for the determinism check at the end.
const started: WorkflowHandle[] = [];

let counter = 0;
// A workflow id no other test uses.
function newId(label: string): string {
  counter += 1;
  return `wf-${label}-${counter}-${Date.now().toString(36)}`;
}

// Starts a run with its scripted scenario; the execution timeout keeps a stuck run from hanging the file.
async function start(id: string, input: ExperimentInput | undefined, scenario: Scenario = {}): Promise<WorkflowHandle<typeof tooltuneExperiment>> {
  stubs.script(id, scenario);
  const handle = await t.client.workflow.start<typeof tooltuneExperiment>(WORKFLOW_TYPE, {
    taskQueue: TASK_QUEUE, workflowId: id, args: input === undefined ? ([] as unknown as [ExperimentInput]) : [input], workflowExecutionTimeout: '40s',
  });
  started.push(handle);
  return handle;
}

async function run(label: string, overrides: Record<string, unknown>, scenario: Scenario = {}): Promise<{ id: string; summary: RunSummary }> {
  const id = newId(label);
  const handle = await start(id, { specText: specYaml(overrides) }, scenario);
  return { id, summary: await handle.result() };
}

// The error a run failed with (throws when it did not fail).
async function failureOf(handle: WorkflowHandle): Promise<WorkflowFailedError> {
  const outcome = await handle.result().then(
    (value: unknown) => ({ ok: true as const, value }),
    (err: unknown) => ({ ok: false as const, err }),
  );
  if (outcome.ok) throw new Error(`expected ${handle.workflowId} to fail; it returned ${JSON.stringify(outcome.value)}`);
  expect(outcome.err).toBeInstanceOf(WorkflowFailedError);
  return outcome.err as WorkflowFailedError;
}

function stage(summary: { stages: StageRecord[] }, name: string): StageRecord | undefined {
  return summary.stages.find((s) => s.name === name);
}

// Scores by label: validation of each attempt from `val`, its training sample from `train` (default: same as val).
function scripted(val: Record<number, number>, train: Record<number, number> = {}): (label: string) => ScoreMetrics {
  return (label) => {
    if (label === 'baseline') return metrics(0.1);
    const match = /^attempt-(\d+)(-train)?$/.exec(label);
    if (!match) throw new Error(`unexpected score label ${label}`);
    const n = Number(match[1]);
    const v = val[n] ?? HIGH;
    return metrics(match[2] ? (train[n] ?? v) : v);
  };
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const LATER_STAGES = ['export', 'quantize', 'validate-quantized', 'benchmark'];

describe('passes at once', () => {
  it('runs every stage once, scores baseline and attempt 1, skips the stages the spec leaves off', async () => {
    const { id, summary } = await run('pass', {});
    const runDir = `/tmp/tooltune-test-artifacts/runs/${id}`;
    expect(summary).toMatchObject({
      workflowId: id, status: 'passed', stoppedEarly: false, reason: 'thresholds met', runDir, spec: 'wf-test', model: 'tiny-phi3',
      bestAttempt: 1, reportPath: `${runDir}/report.md`, dataset: { train: 64, val: 16 },
    });
    expect(summary.metrics.baseline?.tool_accuracy).toBe(0.1);
    expect(summary.metrics.finetuned?.tool_accuracy).toBe(HIGH);
    expect(summary.preflight).toMatchObject({ architecture: 'Phi3ForCausalLM', model_path: `${runDir}/model` });
    expect(summary.preflight).not.toHaveProperty('linear_module_names');
    expect(summary.attempts).toHaveLength(1);
    expect(summary.attempts[0]).toMatchObject({ attempt: 1, dir: `${runDir}/attempt-1`, branch: 'initial', overrides: {}, status: 'passed', failed_thresholds: [] });
    expect(summary.attempts[0]?.finetune).toMatchObject({ adapter_dir: `${runDir}/attempt-1/adapter`, optimizer_steps: 40 });

    expect(summary.stages.map((s) => [s.name, s.status, s.attempts])).toEqual([
      ['spec', 'completed', 1],
      ['dataset', 'completed', 1],
      ['preflight', 'completed', 1],
      ['predict:baseline', 'completed', 1],
      ['score:baseline', 'completed', 1],
      ['finetune', 'completed', 1],
      ['predict:attempt-1+train', 'completed', 1],
      ['score:attempt-1', 'completed', 1],
      ['score:attempt-1-train', 'completed', 1],
      ['export', 'skipped', 0],
      ['quantize', 'skipped', 0],
      ['validate-quantized', 'skipped', 0],
      ['benchmark', 'skipped', 0],
      ['report', 'completed', 1],
    ]);
    for (const name of LATER_STAGES) expect(stage(summary, name)?.detail).toBe('not enabled in the spec');

    // Each cacheable stage is recorded for `tooltune resume` right after it completes.
    expect(stubs.callsOf(id).map((c) => c.activity)).toEqual([
      'prepareRun', 'generateDataset', 'recordStageOutput', 'preflight_model', 'recordStageOutput', 'predict', 'recordStageOutput', 'scorePredictions',
      'finetune', 'recordStageOutput', 'predict', 'recordStageOutput', 'scorePredictions', 'scorePredictions', 'writeReport',
    ]);
    // The attempt's val and training sample share one predict call (one batch).
    const predicts = stubs.inputsOf<PredictInput>(id, 'predict');
    expect(predicts.map((p) => predictedSets(p).map((s) => [s.adapter_dir, s.cases_path.split('/').pop(), s.out_path.split('/').pop()]))).toEqual([
      [[null, 'val-cases.jsonl', 'predictions-baseline.jsonl']],
      [[`${runDir}/attempt-1/adapter`, 'val-cases.jsonl', 'predictions-attempt-1.jsonl'], [`${runDir}/attempt-1/adapter`, 'train-cases.jsonl', 'predictions-attempt-1-train.jsonl']],
    ]);
    const [finetune] = stubs.inputsOf<FinetuneInput>(id, 'finetune');
    expect(finetune).toMatchObject({ attempt_dir: `${runDir}/attempt-1`, model_path: `${runDir}/model`, record_format: 'text' });
    expect(finetune?.training).toMatchObject({ num_train_epochs: 5, per_device_train_batch_size: 4, gradient_accumulation_steps: 4, weight_decay: 0.01 });
    expect(finetune?.lora).toMatchObject({ lora_r: 32, lora_alpha: 64 });
    const [report] = stubs.inputsOf<ReportInput>(id, 'writeReport');
    expect(report?.summary).toMatchObject({ status: 'passed', bestAttempt: 1 });
  });

  it('scores the base model only on the sets baseline_sets names', async () => {
    const { id, summary } = await run('base-val-only', { evaluation: { baseline_sets: ['val'], score_suite: true }, dataset: { train_cases_sample: 0 } });
    expect(summary.metrics.baseline?.tool_accuracy).toBeDefined();
    expect(summary.metrics.baseline_suite).toBeUndefined();
    expect(stage(summary, 'predict:baseline')?.status).toBe('completed');
    expect(stage(summary, 'predict:baseline-suite')).toBeUndefined();
    expect(summary.metrics.finetuned_suite).toBeDefined();
    const labels = stubs.inputsOf<PredictInput>(id, 'predict').map((p) => p.out_path.split('/').pop());
    expect(labels).toEqual(['predictions-baseline.jsonl', 'predictions-attempt-1.jsonl', 'predictions-attempt-1-suite.jsonl']);
  });

  it('skips the baseline when run_baseline is false, and runs export, validate-quantized and the benchmark', async () => {
    const { id, summary } = await run('pass-nobase', {
      evaluation: { run_baseline: false }, dataset: { train_cases_sample: 0 },
      quantization: { enabled: true, formats: [{ format: 'int8' }] }, benchmark: { enabled: true },
    });
    expect(summary.status).toBe('passed');
    expect(summary.metrics.baseline).toBeUndefined();
    expect(summary.metrics.finetuned?.tool_accuracy).toBe(HIGH);
    expect(stage(summary, 'baseline')).toMatchObject({ status: 'skipped', detail: 'evaluation.run_baseline is false' });
    expect(stage(summary, 'predict:baseline')).toBeUndefined();
    expect(stage(summary, 'predict:attempt-1-train')).toBeUndefined();
    expect(summary.attempts[0]?.train_metrics).toBeUndefined();
    for (const name of ['merge', 'export', 'quantize:int8']) expect(stage(summary, name)?.status).toBe('completed');
    for (const name of ['validate-quantized', 'benchmark:python', 'benchmark:engine']) expect(stage(summary, name)?.status).toBe('completed');
    expect(stubs.callsOf(id, 'predict')).toHaveLength(1);
    const [validation] = stubs.inputsOf<ValidateQuantizedInput>(id, 'validateQuantized');
    expect(validation?.variants.map((v) => [v.format, v.max_accuracy_drop])).toEqual([['int8', 0.03]]);
    expect(validation?.case_sets.map((c) => [c.label, c.judge])).toEqual(summary.metrics.finetuned_suite ? [['val', true], ['suite', false]] : [['val', true]]);
    expect(validation?.constrained).toBe(true);
    const [bench] = stubs.inputsOf<BenchmarkInput>(id, 'benchmark_python');
    expect(bench).toMatchObject({ merged_dir: `${summary.runDir}/export/merged`, out_dir: 'benchmark', new_tokens: 64, variants: [{ name: 'fp32' }, { name: 'int8' }] });
    const [joined] = stubs.inputsOf<BenchmarkEngineInput>(id, 'benchmarkEngine');
    expect(joined).toMatchObject({ grammar_variant: 'int8', variants: [{ name: 'fp32' }, { name: 'int8' }] });
    expect(summary.validation?.reason).toBe('stub: nothing validated');
    expect(summary.benchmark?.markdown_path).toBe(`${summary.runDir}/benchmark/benchmark.md`);
    const runDir = summary.runDir;
    const [merge] = stubs.inputsOf<MergeInput>(id, 'merge');
    expect(merge).toMatchObject({ adapter_dir: `${runDir}/attempt-1/adapter`, out_dir: `${runDir}/export/merged`, check: { prompts: 4, new_tokens: 32 } });
    const [fp32] = stubs.inputsOf<ExportInput>(id, 'export_onnx');
    expect(fp32).toMatchObject({ merged_dir: `${runDir}/export/merged`, out_dir: `${runDir}/export/onnx/fp32`, settings: { precision: 'fp32' }, reference_dir: null, exporter: 'auto' });
    const [int8] = stubs.inputsOf<ExportInput>(id, 'quantize_onnx');
    expect(int8).toMatchObject({ out_dir: `${runDir}/export/onnx/int8`, reference_dir: `${runDir}/export/onnx/fp32`, settings: { precision: 'int8', block_size: 32, accuracy_level: 4, symmetric: true } });
    expect(summary.artifacts?.merged).toMatchObject({ path: `${runDir}/export/merged`, tokens_equal: true });
    expect(summary.artifacts?.onnx?.fp32).toMatchObject({ path: `${runDir}/export/onnx/fp32`, ratio_to_fp32: 1, tokens_equal: true, exporter: 'stub builder' });
    expect(summary.artifacts?.onnx?.int8).toMatchObject({ ratio_to_fp32: 0.3, top1_agreement: 0.97, max_accuracy_drop: 0.03 });
    expect(summary.artifacts?.onnx?.int4).toBeUndefined();
  });

  it('rejects a block size the model does not allow after preflight, before any training', async () => {
    const id = newId('bad-block');
    const handle = await start(id, { specText: specYaml({ quantization: { enabled: true, formats: [{ format: 'int4', block_size: 256 }] } }) }, { matmulInputSizes: [640, 2048] });
    const err = await failureOf(handle);
    expect(err.cause).toBeInstanceOf(ApplicationFailure);
    expect((err.cause as ApplicationFailure).type).toBe('InvalidSpec');
    expect(err.cause?.message).toContain('quantization.formats[0].block_size: block_size 256 does not divide');
    expect(stubs.callsOf(id, 'finetune')).toHaveLength(0);
  });

  it('fails the run with ExportMismatch when the fp32 export disagrees with PyTorch, and still writes the report', async () => {
    const id = newId('export-mismatch');
    const handle = await start(id, { specText: specYaml({ quantization: { enabled: true } }) }, {
      exportOnnx: () => { throw ApplicationFailure.nonRetryable('fp32 ONNX disagrees', 'ExportMismatch'); },
    });
    const err = await failureOf(handle);
    expect(err.cause).toBeInstanceOf(ActivityFailure);
    expect((err.cause?.cause as ApplicationFailure).type).toBe('ExportMismatch');
    expect(stubs.callsOf(id, 'export_onnx')).toHaveLength(1);
    expect(stubs.callsOf(id, 'quantize_onnx')).toHaveLength(0);
    const [report] = stubs.inputsOf<ReportInput>(id, 'writeReport');
    expect(report?.summary).toMatchObject({ status: 'failed', artifacts: { merged: { tokens_equal: true } } });
  });
});

describe('remediates then passes', () => {
  it('retries below threshold with the first below_threshold step (10 epochs) and passes on attempt 2', async () => {
    const id = newId('remediate');
    const handle = await start(id, { specText: specYaml() }, { score: scripted({ 1: LOW, 2: HIGH }) });
    const summary = await handle.result();
    expect(summary.status).toBe('passed');
    expect(summary.bestAttempt).toBe(2);
    expect(summary.attempts.map((a) => [a.attempt, a.branch, a.overrides, a.status])).toEqual([
      [1, 'initial', {}, 'below_threshold'],
      [2, 'below_threshold', { num_train_epochs: 10 }, 'passed'],
    ]);
    expect(summary.attempts[0]?.failed_thresholds).toEqual(['tool_accuracy', 'param_accuracy', 'tool_detection']);
    expect(summary.attempts[1]?.dir).toMatch(/\/attempt-2$/);
    expect(summary.metrics.finetuned?.tool_accuracy).toBe(HIGH);
    const epochs = stubs.inputsOf<FinetuneInput>(id, 'finetune').map((f) => f.training.num_train_epochs);
    expect(epochs).toEqual([5, 10]);
    expect(stage(summary, 'finetune')).toMatchObject({ status: 'completed', attempts: 2 });
    expect(stage(summary, 'score:attempt-2')?.status).toBe('completed');

    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.attempt)).toBe(2);
    expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.branch)).toBe('below_threshold');
  });
});

describe('best attempt: passing beats failing', () => {
  // Scores by attempt with the three thresholded metrics set apart (thresholds 0.95 / 0.98 / 0.97).
  const byAttempt = (table: Record<number, ScoreMetrics>) => (label: string): ScoreMetrics => {
    if (label === 'baseline') return metrics(0.1);
    const n = Number(/^attempt-(\d+)/.exec(label)?.[1]);
    return table[n] ?? metrics(HIGH);
  };

  it('a later attempt that passes every threshold wins over an earlier one with higher tool accuracy that misses param accuracy', async () => {
    const failing = metrics(1, { param_accuracy: 0.5 });
    const passing = metrics(0.99, { tool_accuracy: 0.96 });
    const { summary } = await run('best-pass', {}, { score: byAttempt({ 1: failing, 2: passing }) });
    expect(summary.attempts.map((a) => a.status)).toEqual(['below_threshold', 'passed']);
    expect(summary.status).toBe('passed');
    expect(summary.stoppedEarly).toBe(false);
    expect(summary.bestAttempt).toBe(2);
    expect(summary.metrics.finetuned).toEqual(passing);
  });

  it('a later passing attempt wins over one with perfect tool and param accuracy that misses tool detection', async () => {
    const { summary } = await run('best-pass-first', {}, {
      score: byAttempt({ 1: metrics(1, { tool_detection: 0.5 }), 2: metrics(0.99, { tool_accuracy: 0.95 }) }),
    });
    expect(summary.bestAttempt).toBe(2);
    expect(summary.status).toBe('passed');
  });

  it('among failing attempts keeps the ranking: tool accuracy, then param accuracy, then detection', async () => {
    const { summary } = await run('best-fail-rank', { remediation: { max_attempts: 3 } }, {
      score: byAttempt({ 1: metrics(0.5, { tool_accuracy: 0.9 }), 2: metrics(0.5, { tool_accuracy: 0.9, param_accuracy: 0.6 }), 3: metrics(0.5, { tool_accuracy: 0.8 }) }),
    });
    expect(summary.status).toBe('below_threshold');
    expect(summary.bestAttempt).toBe(2);
  });
});

describe('held-out cases and more data', () => {
  it('scores the held-out cases for the baseline and the best attempt, and grows the data for a data_factor remedy', async () => {
    const id = newId('holdout-more-data');
    const overrides = {
      evaluation: { score_suite: false, holdout_cases: true },
      remediation: { max_attempts: 2, below_threshold: [{ data_factor: 2 }], max_target_size: 150 },
    };
    const score = (label: string): ScoreMetrics => (label.endsWith('holdout') ? metrics(0.5) : scripted({ 1: LOW, 2: HIGH })(label));
    const handle = await start(id, { specText: specYaml(overrides) }, { score });
    const summary = await handle.result();
    expect(summary.status).toBe('passed');
    expect(summary.attempts.map((a) => [a.attempt, a.branch, a.overrides])).toEqual([[1, 'initial', {}], [2, 'below_threshold', { target_size: 150 }]]);
    const grow = stubs.inputsOf<{ target_size: number; val_path: string }>(id, 'growDataset');
    expect(grow.map((g) => g.target_size)).toEqual([150]);
    expect(grow[0]?.val_path).toMatch(/\/dataset\/val\.jsonl$/);
    expect(stubs.inputsOf<FinetuneInput>(id, 'finetune').map((f) => f.train_path.split('/').slice(-2).join('/'))).toEqual(['dataset/train.jsonl', 'dataset-150/train.jsonl']);
    expect(stubs.callsOf(id, 'prepareHoldout')).toHaveLength(1);
    const predicts = stubs.inputsOf<PredictInput>(id, 'predict').flatMap(predictedSets).filter((p) => p.cases_path.endsWith('holdout_cases.jsonl'));
    expect(predicts.map((p) => [p.adapter_dir === null ? 'base' : 'adapter', p.out_path.split('/').pop()])).toEqual([
      ['base', 'predictions-baseline-holdout.jsonl'],
      ['adapter', 'predictions-attempt-2-holdout.jsonl'],
    ]);
    // The base model's val and held-out cases share one call; so do the best attempt's held-out cases after the loop.
    expect(stage(summary, 'predict:baseline+holdout')?.status).toBe('completed');
    expect(stage(summary, 'predict:attempt-2-holdout')?.status).toBe('completed');
    expect(summary.metrics.baseline_holdout?.tool_accuracy).toBe(0.5);
    expect(summary.metrics.finetuned_holdout?.tool_accuracy).toBe(0.5);
  });

  it('validates the quantized variants on the held-out cases too, under the grammar only when validate_holdout_free is false', async () => {
    const quantization = { enabled: true, formats: [{ format: 'int8' }] };
    const sets = async (name: string, extra: object) => {
      const { id } = await run(name, { evaluation: { score_suite: false, holdout_cases: true }, quantization: { ...quantization, ...extra } });
      return stubs.inputsOf<ValidateQuantizedInput>(id, 'validateQuantized')[0]?.case_sets.map((c) => [c.label, c.judge, c.constrained_only]);
    };
    // The default leaves the input as runs before the option had it (no key at all), so their histories replay.
    expect(await sets('holdout-free', {})).toEqual([['val', true, undefined], ['holdout', false, undefined]]);
    expect(await sets('holdout-grammar-only', { validate_holdout_free: false })).toEqual([['val', true, undefined], ['holdout', false, true]]);
  });

  it('issues no holdout or grow command when the spec leaves both off', async () => {
    const { id, summary } = await run('no-holdout', {});
    expect(stubs.callsOf(id, 'prepareHoldout')).toHaveLength(0);
    expect(stubs.callsOf(id, 'growDataset')).toHaveLength(0);
    expect(summary.metrics.finetuned_holdout).toBeUndefined();
  });
});

describe('remediates and gives up', () => {
  it('stops after max_attempts with cumulative overrides, keeps the best attempt and skips the later stages', async () => {
    const { id, summary } = await run('giveup', { remediation: { max_attempts: 3 } }, { score: scripted({ 1: 0.5, 2: 0.7, 3: 0.6 }) });
    expect(summary.status).toBe('below_threshold');
    expect(summary.stoppedEarly).toBe(true);
    expect(summary.reason).toBe('below thresholds (tool_accuracy, param_accuracy, tool_detection) after 3 attempts: max_attempts is 3');
    expect(summary.attempts.map((a) => [a.branch, a.overrides, a.status])).toEqual([
      ['initial', {}, 'below_threshold'],
      ['below_threshold', { num_train_epochs: 10 }, 'below_threshold'],
      ['below_threshold', { num_train_epochs: 10, lora_r: 64, lora_alpha: 128 }, 'below_threshold'],
    ]);
    const sent = stubs.inputsOf<FinetuneInput>(id, 'finetune').map((f) => [f.training.num_train_epochs, f.lora.lora_r, f.lora.lora_alpha, f.training.learning_rate]);
    expect(sent).toEqual([[5, 32, 64, 5e-5], [10, 32, 64, 5e-5], [10, 64, 128, 5e-5]]);
    expect(summary.bestAttempt).toBe(2);
    expect(summary.metrics.finetuned?.tool_accuracy).toBe(0.7);
    for (const name of LATER_STAGES) {
      expect(stage(summary, name)).toMatchObject({ status: 'skipped', detail: `stopped early: ${summary.reason}` });
    }
    expect(stage(summary, 'report')?.status).toBe('completed');
    expect(stubs.inputsOf<ReportInput>(id, 'writeReport')[0]?.summary).toMatchObject({ status: 'below_threshold', stoppedEarly: true });
  });

  it('with on_exhausted continue, does not stop early and reaches the later stages', async () => {
    const { summary } = await run('giveup-continue', {
      remediation: { max_attempts: 2, on_exhausted: 'continue' }, quantization: { enabled: true, formats: [{ format: 'int4' }] },
    }, { score: scripted({ 1: 0.5, 2: 0.5 }) });
    expect(summary.status).toBe('below_threshold');
    expect(summary.stoppedEarly).toBe(false);
    expect(summary.attempts).toHaveLength(2);
    expect(summary.bestAttempt).toBe(1); // a tie keeps the earlier attempt
    expect(['merge', 'export', 'quantize:int4', 'validate-quantized', 'benchmark'].map((name) => stage(summary, name)?.status)).toEqual(['completed', 'completed', 'completed', 'completed', 'skipped']);
    expect(summary.artifacts?.onnx?.int4?.settings).toEqual({ precision: 'int4', block_size: 32, accuracy_level: 4, symmetric: true });
  });

  it('stops when the remediation list runs out before max_attempts', async () => {
    const { summary } = await run('giveup-nosteps', { remediation: { max_attempts: 5, below_threshold: [{ learning_rate: 1e-4 }] } }, { score: () => metrics(LOW) });
    expect(summary.attempts.map((a) => a.overrides)).toEqual([{}, { learning_rate: 1e-4 }]);
    expect(summary.reason).toBe('below thresholds (tool_accuracy, param_accuracy, tool_detection) and no remediation step left');
    expect(summary.stoppedEarly).toBe(true);
  });
});

describe('out of memory', () => {
  const oomAbove = (limit: number) => (input: FinetuneInput): void => {
    if (input.training.per_device_train_batch_size > limit) {
      throw ApplicationFailure.create({
        type: 'OutOfMemory', nonRetryable: true, message: `CUDA out of memory at batch ${input.training.per_device_train_batch_size}`,
        details: [{ per_device_train_batch_size: input.training.per_device_train_batch_size }],
      });
    }
  };

  it('halves the batch and doubles gradient accumulation, then passes', async () => {
    const { id, summary } = await run('oom', {}, { finetune: oomAbove(2) });
    expect(summary.status).toBe('passed');
    expect(stubs.inputsOf<FinetuneInput>(id, 'finetune').map((f) => [f.training.per_device_train_batch_size, f.training.gradient_accumulation_steps])).toEqual([[4, 4], [2, 8]]);
    expect(summary.attempts.map((a) => [a.attempt, a.branch, a.overrides, a.status])).toEqual([
      [1, 'initial', {}, 'out_of_memory'],
      [2, 'out_of_memory', { per_device_train_batch_size: 2, gradient_accumulation_steps: 8 }, 'passed'],
    ]);
    expect(summary.attempts[0]?.metrics).toBeUndefined();
    expect(summary.bestAttempt).toBe(2);
    expect(stage(summary, 'predict:attempt-1')).toBeUndefined();
    expect(stage(summary, 'finetune')).toMatchObject({ status: 'completed', attempts: 2 });
    // non-retryable: the stage's retry policy (3 attempts) does not repeat the failed call
    expect(stubs.callsOf(id, 'finetune').map((c) => c.attempt)).toEqual([1, 1]);
  });

  it('fails the run with the OutOfMemory cause once max_retries halvings are used up', async () => {
    const id = newId('oom-exhausted');
    const handle = await start(id, { specText: specYaml({ remediation: { out_of_memory: { max_retries: 2 } } }) }, { finetune: oomAbove(0) });
    const err = await failureOf(handle);
    expect(err.cause).toBeInstanceOf(ActivityFailure);
    const cause = err.cause?.cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('OutOfMemory');
    expect((cause as ApplicationFailure).message).toBe('CUDA out of memory at batch 1');
    expect((cause as ApplicationFailure).details).toEqual([{ per_device_train_batch_size: 1 }]);
    expect(stubs.inputsOf<FinetuneInput>(id, 'finetune').map((f) => [f.training.per_device_train_batch_size, f.training.gradient_accumulation_steps])).toEqual([[4, 4], [2, 8], [1, 16]]);
    const progress = await handle.query<Progress>('progress');
    expect(progress.status).toBe('failed');
    expect(progress.attempts.map((a) => [a.branch, a.status])).toEqual([['initial', 'out_of_memory'], ['out_of_memory', 'out_of_memory'], ['out_of_memory', 'out_of_memory']]);
    const report = stubs.inputsOf<ReportInput>(id, 'writeReport');
    expect(report).toHaveLength(1);
    expect(report[0]?.summary).toMatchObject({ status: 'failed' });
  });

  it('never shrinks below min_batch_size', async () => {
    const id = newId('oom-min');
    const handle = await start(id, { specText: specYaml({ remediation: { out_of_memory: { max_retries: 5, min_batch_size: 2 } } }) }, { finetune: oomAbove(0) });
    const err = await failureOf(handle);
    expect((err.cause?.cause as ApplicationFailure).type).toBe('OutOfMemory');
    expect(stubs.inputsOf<FinetuneInput>(id, 'finetune').map((f) => f.training.per_device_train_batch_size)).toEqual([4, 2]);
  });
});

describe('overfitting', () => {
  it('retries with the first overfitting step (weight decay 0.05) when train beats validation by more than overfit_gap', async () => {
    const { id, summary } = await run('overfit', {}, { score: scripted({ 1: 0.6, 2: HIGH }, { 1: 0.8 }) });
    expect(summary.status).toBe('passed');
    expect(summary.attempts.map((a) => [a.branch, a.overrides, a.status])).toEqual([
      ['initial', {}, 'overfitting'],
      ['overfitting', { weight_decay: 0.05 }, 'passed'],
    ]);
    expect(summary.attempts[0]?.train_metrics?.tool_accuracy).toBe(0.8);
    expect(summary.attempts[0]?.metrics?.tool_accuracy).toBe(0.6);
    const sent = stubs.inputsOf<FinetuneInput>(id, 'finetune').map((f) => [f.training.weight_decay, f.training.num_train_epochs]);
    expect(sent).toEqual([[0.01, 5], [0.05, 5]]);
  });
});

describe('invalid spec', () => {
  it('fails at once with InvalidSpec when prepareRun rejects the spec, and runs nothing else', async () => {
    const id = newId('invalid');
    const handle = await start(id, { specText: specYaml({ lora: { lora_r: 0 } }) });
    const err = await failureOf(handle);
    expect(err.cause).toBeInstanceOf(ApplicationFailure);
    const cause = err.cause as ApplicationFailure;
    expect(cause.type).toBe('InvalidSpec');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toContain('lora.lora_r');
    const problems = cause.details?.[0] as { path: string }[];
    expect(problems.map((p) => p.path)).toEqual(['lora.lora_r']);
    expect(stubs.callsOf(id).map((c) => [c.activity, c.attempt])).toEqual([['prepareRun', 1]]);
  });

  it.each([
    ['none of the sources', {}, 'give exactly one of specPath, specText or spec (got none)'],
    ['two sources', { specPath: 'a.yaml', specText: 'name: x' }, 'give exactly one of specPath, specText or spec (got specPath, specText)'],
    ['no input at all', undefined, 'the workflow input must be an object with one of specPath, specText or spec (got none)'],
  ])('fails InvalidSpec without running an activity when the input has %s', async (_label, input, message) => {
    const id = newId('noinput');
    const err = await failureOf(await start(id, input as ExperimentInput | undefined));
    expect(err.cause).toBeInstanceOf(ApplicationFailure);
    expect((err.cause as ApplicationFailure).type).toBe('InvalidSpec');
    expect(err.cause?.message).toBe(message);
    expect(stubs.callsOf(id)).toEqual([]);
  });
});

describe('progress query and search attributes', () => {
  it('answers the progress query while fine-tuning, and leaves the search attributes and memo at the final state', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const id = newId('progress');
    const handle = await start(id, { specText: specYaml() }, { finetune: () => gate });
    await waitFor('finetune to start', () => stubs.callsOf(id, 'finetune').length === 1);

    const live = await handle.query<Progress>('progress');
    expect(live).toMatchObject({ status: 'running', stage: 'finetune', attempt: 1, branch: 'initial' });
    expect(live.stages.map((s) => [s.name, s.status])).toEqual([
      ['spec', 'completed'], ['dataset', 'completed'], ['preflight', 'completed'],
      ['predict:baseline', 'completed'], ['score:baseline', 'completed'], ['finetune', 'running'],
    ]);
    expect(live.attempts).toEqual([expect.objectContaining({ attempt: 1, status: 'running', branch: 'initial' })]);
    expect(live.metrics.baseline?.tool_accuracy).toBe(0.1);
    const during = await handle.describe();
    expect(during.typedSearchAttributes.get(SEARCH_ATTRIBUTES.stage)).toBe('finetune');
    expect(during.typedSearchAttributes.get(SEARCH_ATTRIBUTES.status)).toBe('running');

    release();
    const summary = await handle.result();
    expect(summary.status).toBe('passed');
    const done = await handle.describe();
    const attrs = done.typedSearchAttributes;
    expect([
      attrs.get(SEARCH_ATTRIBUTES.spec), attrs.get(SEARCH_ATTRIBUTES.model), attrs.get(SEARCH_ATTRIBUTES.stage),
      attrs.get(SEARCH_ATTRIBUTES.attempt), attrs.get(SEARCH_ATTRIBUTES.branch), attrs.get(SEARCH_ATTRIBUTES.status),
    ]).toEqual(['wf-test', 'tiny-phi3', 'report', 1, 'initial', 'passed']);
    expect(done.memo).toMatchObject({ spec: 'wf-test', model: 'tiny-phi3', description: 'workflow test spec', stage: 'report', attempt: 1, status: 'passed', report: `${summary.runDir}/report.html` });
    const after = await handle.query<Progress>('progress');
    expect(after.status).toBe('passed');
    expect(after.stages.at(-1)).toMatchObject({ name: 'report', status: 'completed' });
  });

  it('sets no search attributes when the input turns them off', async () => {
    const id = newId('no-sa');
    const handle = await start(id, { specText: specYaml(), searchAttributes: false });
    expect((await handle.result()).status).toBe('passed');
    const done = await handle.describe();
    expect(done.typedSearchAttributes.get(SEARCH_ATTRIBUTES.stage)).toBeUndefined();
    expect(done.typedSearchAttributes.get(SEARCH_ATTRIBUTES.spec)).toBeUndefined();
    expect(done.memo).toMatchObject({ spec: 'wf-test', status: 'passed' });
  });
});

describe('cancellation', () => {
  it('cancels during fine-tuning, still writes the report with status cancelled, and ends CANCELED', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const id = newId('cancel');
    const handle = await start(id, { specText: specYaml() }, { finetune: () => gate });
    await waitFor('finetune to start', () => stubs.callsOf(id, 'finetune').length === 1);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect(stubs.inputsOf<ReportInput>(id, 'writeReport')[0]?.summary).toMatchObject({ status: 'cancelled' });
    release();
  });
});

describe('transient failures', () => {
  it("retries a plain Error under the stage's retry policy from the spec, and the run still passes", async () => {
    const { id, summary } = await run('transient', {}, { failFirstAttempt: ['generateDataset', 'finetune'] });
    expect(summary.status).toBe('passed');
    for (const activity of ['generateDataset', 'finetune'] as const) {
      const calls = stubs.callsOf(id, activity);
      expect(calls.map((c) => c.attempt)).toEqual([1, 2]);
      expect(calls[0]?.retry).toEqual({ maximumAttempts: 3, initialIntervalMs: 100 });
    }
    expect(stage(summary, 'dataset')).toMatchObject({ status: 'completed', attempts: 1 });
    expect(summary.attempts).toHaveLength(1);
  });

  it('fails the run when the stage\'s retry profile allows no retry', async () => {
    const id = newId('transient-none');
    const handle = await start(id, { specText: specYaml({ stages: { dataset: { retry: 'none' } } }) }, { failFirstAttempt: ['generateDataset'] });
    const err = await failureOf(handle);
    expect(err.cause).toBeInstanceOf(ActivityFailure);
    expect((err.cause?.cause as ApplicationFailure).message).toBe('stub generateDataset: scripted transient failure');
    expect(stubs.callsOf(id, 'generateDataset').map((c) => c.attempt)).toEqual([1]);
    expect(stubs.callsOf(id).map((c) => c.activity)).toEqual(['prepareRun', 'generateDataset', 'writeReport']);
    const progress = await handle.query<Progress>('progress');
    expect(progress.stages.find((s) => s.name === 'dataset')).toMatchObject({ status: 'failed', detail: expect.stringContaining('stub generateDataset: scripted transient failure') });
  });
});

describe('determinism', () => {
  it('replays the history of every run above with the current workflow code', async () => {
    expect(started.length).toBeGreaterThanOrEqual(15);
    const histories = await Promise.all(started.map(async (h) => ({ workflowId: h.workflowId, history: await h.fetchHistory() })));
    const problems: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ workflowBundle: t.workflowBundle }, histories)) {
      replayed += 1;
      if (result.error) problems.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(problems).toEqual([]);
    expect(replayed).toBe(started.length);
  });
});

describe("the guide's fixed suite", () => {
  it('scores the base model and the best attempt on suite_cases.jsonl when score_suite is on', async () => {
    const { id, summary } = await run('suite', { evaluation: { score_suite: true } }, { score: (label) => (label.endsWith('suite') ? metrics(label.startsWith('baseline') ? 0.2 : 0.9) : label === 'baseline' ? metrics(0.1) : metrics(HIGH)) });
    expect(summary.metrics.baseline_suite?.tool_accuracy).toBe(0.2);
    expect(summary.metrics.finetuned_suite?.tool_accuracy).toBe(0.9);
    const predicts = stubs.inputsOf<PredictInput>(id, 'predict');
    const suite = predicts.flatMap(predictedSets).filter((p) => p.cases_path.endsWith('suite-cases.jsonl'));
    expect(suite.map((p) => [p.adapter_dir === null, p.out_path.split('/').pop()])).toEqual([
      [true, 'predictions-baseline-suite.jsonl'],
      [false, 'predictions-attempt-1-suite.jsonl'],
    ]);
    expect(summary.status).toBe('passed');
  });

  it('predicts val, the training sample, the suite and the held-out cases in one call when no second attempt can follow', async () => {
    const { id, summary } = await run('one-call', { evaluation: { score_suite: true, holdout_cases: true }, remediation: { max_attempts: 1 } },
      { score: (label) => (label.endsWith('suite') ? metrics(0.9) : label.endsWith('holdout') ? metrics(0.7) : label === 'baseline' ? metrics(0.1) : metrics(LOW)) });
    const calls = stubs.inputsOf<PredictInput>(id, 'predict').filter((p) => p.adapter_dir !== null);
    expect(calls.map((p) => predictedSets(p).map((s) => s.out_path.split('/').pop()))).toEqual([
      ['predictions-attempt-1.jsonl', 'predictions-attempt-1-train.jsonl', 'predictions-attempt-1-suite.jsonl', 'predictions-attempt-1-holdout.jsonl'],
    ]);
    expect(stage(summary, 'predict:attempt-1+train+suite+holdout')?.status).toBe('completed');
    for (const label of ['attempt-1', 'attempt-1-train', 'attempt-1-suite', 'attempt-1-holdout']) expect(stage(summary, `score:${label}`)?.status).toBe('completed');
    expect(summary.metrics.finetuned?.tool_accuracy).toBe(LOW);
    expect(summary.metrics.finetuned_suite?.tool_accuracy).toBe(0.9);
    expect(summary.metrics.finetuned_holdout?.tool_accuracy).toBe(0.7);
    expect(summary.attempts).toHaveLength(1);
  });
});

describe('contract with the Python worker', () => {
  it('sends inputs to every Python activity that specs/activity-contracts.schema.json accepts', async () => {
    const schema = JSON.parse(await readFile(new URL('../../specs/activity-contracts.schema.json', import.meta.url), 'utf8')) as { $defs: Record<string, unknown> & { Activities: { const: Record<string, { input: string }> } } };
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    ajv.addSchema(schema, 'contracts');
    const { id } = await run('contract', { quantization: { enabled: true }, benchmark: { enabled: true } });
    const names = Object.keys(schema.$defs.Activities.const);
    expect(names.sort()).toEqual(['benchmark_python', 'export_onnx', 'finetune', 'merge', 'predict', 'preflight_model', 'quantize_onnx']);
    for (const name of names) {
      const validate = ajv.getSchema(`contracts#/$defs/${schema.$defs.Activities.const[name]?.input}`);
      const inputs = stubs.inputsOf<unknown>(id, name as 'finetune');
      expect(inputs.length, name).toBeGreaterThan(0);
      for (const input of inputs) expect(validate?.(input) ? [] : validate?.errors, name).toEqual([]);
    }
  });

  it('lists every Python error type among the workflow\'s non-retryable types', async () => {
    const schema = JSON.parse(await readFile(new URL('../../specs/activity-contracts.schema.json', import.meta.url), 'utf8')) as { $defs: { ActivityErrorType: { enum: string[] } } };
    for (const type of schema.$defs.ActivityErrorType.enum) expect(PERMANENT_ERROR_TYPES).toContain(type);
  });
});
