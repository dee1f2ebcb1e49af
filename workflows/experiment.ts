// The tooltune experiment workflow: spec -> dataset -> preflight -> baseline -> fine-tune attempts with
// remediation -> merge -> export (fp32 ONNX) -> quantize (int8/int4) -> validate-quantized -> benchmark -> report.
// Deterministic: all I/O is in activities.
import { ActivityFailure, ApplicationFailure, CancellationScope, isCancellation, patched, proxyActivities, upsertMemo, workflowInfo } from '@temporalio/workflow';
import type { PyActivities, ScoreMetrics, SpecSourceInput, TsActivities, RunPlan, DatasetOutput, FinetuneOutput, PredictOutput, PreflightOutput } from '../activities/types';
import { resolveStagePolicy, PERMANENT_ERROR_TYPES, type PolicyStage } from '../lib/spec/profiles';
import { GPU_TASK_QUEUE, TASK_QUEUE } from '../lib/temporal/names';
import { applyStep, describeOverrides, judgeAttempt, planNext, shrinkBatch, type AttemptSettings, type Branch, type RemedyCursor } from './remediation';
import { rootMessage } from '../lib/error-chain';
import { blockSizeProblems } from '../lib/spec/quantization';
import { runExportStages, type RunArtifacts } from './export-stages';
import { runQuantizedStages, type RunBenchmark, type RunValidation } from './quantized-stages';
import { beatsBest } from './best-attempt';
import { StageCache, type ResumeFrom } from './stage-cache';
import { makeEvaluator, type EvalSet } from './evaluate-sets';
import { RunState, type AttemptRecord, type RunMetrics, type StageRecord } from './run-state';

// The workflow's input: one of specPath, specText or spec; searchAttributes false on a namespace without them.
export interface ExperimentInput extends SpecSourceInput {
  searchAttributes?: boolean;
  // Set by `tooltune resume`: reuse the stages of this earlier run whose inputs and files are unchanged.
  resume?: ResumeFrom;
}

// What a finished run returns (and what `tooltune run --json` prints).
export interface RunSummary {
  workflowId: string;
  status: 'passed' | 'below_threshold';
  stoppedEarly: boolean;
  reason: string;
  runDir: string;
  spec: string;
  model: string;
  stages: StageRecord[];
  attempts: AttemptRecord[];
  bestAttempt: number | null;
  metrics: RunMetrics;
  thresholds: RunPlan['spec']['evaluation']['thresholds'];
  dataset?: Record<string, unknown>;
  preflight?: Omit<PreflightOutput, 'linear_module_names'>;
  artifacts?: RunArtifacts;
  validation?: RunValidation;
  benchmark?: RunBenchmark;
  reportPath?: string;
  // A resumed run: the run it resumed and the stages it reused from it.
  resumedFrom?: string;
  reusedStages?: string[];
}

// The spec is not known before the first activity, so that one runs under a fixed policy.
const specActivities = proxyActivities<TsActivities>({
  taskQueue: TASK_QUEUE,
  startToCloseTimeout: '2m',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: PERMANENT_ERROR_TYPES },
});

// Activities of one stage, under that stage's retry and timeout profile from the spec.
function stageActivities(plan: RunPlan, stage: PolicyStage) {
  const policy = resolveStagePolicy(plan.spec, stage);
  const options = { startToCloseTimeout: policy.startToCloseTimeout, heartbeatTimeout: policy.heartbeatTimeout, retry: policy.retry };
  return {
    ts: proxyActivities<TsActivities>({ ...options, taskQueue: TASK_QUEUE }),
    py: proxyActivities<PyActivities>({ ...options, taskQueue: GPU_TASK_QUEUE }),
  };
}

// The failure type an activity raised, if it was an ApplicationFailure.
function failureType(err: unknown): string | undefined {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) return err.cause.type ?? undefined;
  return undefined;
}

// Runs a whole experiment from a spec; see README for how to start it.
export async function tooltuneExperiment(input: ExperimentInput): Promise<RunSummary> {
  const state = new RunState();
  // No input at all (`temporal workflow start` without --input) would otherwise be a TypeError: a workflow
  // task failure that retries forever instead of failing the run.
  if (typeof input !== 'object' || input === null) {
    throw ApplicationFailure.nonRetryable('the workflow input must be an object with one of specPath, specText or spec (got none)', 'InvalidSpec');
  }
  if (input.searchAttributes === false) state.disableSearchAttributes();
  const sources = ['specPath', 'specText', 'spec'].filter((k) => input[k as keyof SpecSourceInput] !== undefined);
  if (sources.length !== 1) {
    throw ApplicationFailure.nonRetryable(`give exactly one of specPath, specText or spec (got ${sources.length ? sources.join(', ') : 'none'})`, 'InvalidSpec');
  }
  const workflowId = workflowInfo().workflowId;
  const plan = await state.stage('spec', async () => {
    try {
      return await specActivities.prepareRun({ source: input, workflow_id: workflowId });
    } catch (err) {
      if (failureType(err) === 'InvalidSpec' && err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) {
        throw ApplicationFailure.create({ type: 'InvalidSpec', message: err.cause.message, details: err.cause.details as unknown[], nonRetryable: true });
      }
      throw err;
    }
  });
  const { spec } = plan;
  state.describeRun(spec.name, spec.model.model_name, spec.description);
  if (input.resume) state.linkResumed(input.resume.workflowId);
  const summary: RunSummary = {
    workflowId, status: 'below_threshold', stoppedEarly: false, reason: '', runDir: plan.run_dir, spec: spec.name, model: spec.model.model_name,
    stages: state.progress.stages, attempts: state.progress.attempts, bestAttempt: null, metrics: state.progress.metrics, thresholds: spec.evaluation.thresholds,
  };
  try {
    await runPipeline(plan, state, summary, input.resume);
  } catch (err) {
    const cancelled = isCancellation(err);
    state.setStatus(cancelled ? 'cancelled' : 'failed');
    summary.reason = rootMessage(err);
    // A cancelled run still gets its report: that activity runs outside the cancelled scope.
    await CancellationScope.nonCancellable(() => writeReportSafely(plan, summary, state));
    throw err;
  }
  state.setStatus(summary.status);
  await writeReportSafely(plan, summary, state);
  return summary;
}

// Everything after the spec: the stages and the remediation loop.
async function runPipeline(plan: RunPlan, state: RunState, summary: RunSummary, resume: ResumeFrom | undefined): Promise<void> {
  const { spec } = plan;
  // Records each completed stage for `tooltune resume`; in a resumed run, reuses the old run's stages.
  const cache = new StageCache(() => stageActivities(plan, 'dataset').ts, state, plan.run_dir, resume);
  if (resume) summary.resumedFrom = resume.workflowId;
  summary.reusedStages = cache.reused;
  const { output: dataset, key: datasetKey } = await cache.run<DatasetOutput>({
    slot: 'dataset', stage: 'dataset', group: 'dataset', parts: { dataset: spec.dataset, seed: spec.seed }, inputFiles: [...plan.tool_files, ...plan.example_files],
    run: () => stageActivities(plan, 'dataset').ts.generateDataset({ run_dir: plan.run_dir, spec, tool_files: plan.tool_files, example_files: plan.example_files }),
  });
  summary.dataset = dataset.stats;
  const model = { ...spec.model, gguf_file: plan.gguf_file, tiny: { ...spec.model.tiny, seed: spec.seed } };
  const training = { ...spec.training, seed: spec.seed };
  // The base model as later stages see it (the tiny model's tokenizer is trained on the dataset).
  const baseModel = { model, dataset: datasetKey };
  const { output: preflight } = await cache.run<PreflightOutput>({
    slot: 'preflight', stage: 'preflight', group: 'preflight', inputFiles: plan.gguf_file ? [plan.gguf_file] : [],
    parts: { baseModel, lora: spec.lora, shape: [training.per_device_train_batch_size, training.max_seq_length, training.gradient_checkpointing] },
    run: () => stageActivities(plan, 'preflight').py.preflight_model({ run_dir: plan.run_dir, model, lora: spec.lora, tokenizer_corpus_paths: [dataset.train_path, dataset.val_path, dataset.suite_cases_path], training }),
  });
  const { linear_module_names: _modules, ...preflightSummary } = preflight;
  summary.preflight = preflightSummary;
  // Quantization settings the model's shapes do not allow fail now, before any training.
  const badBlocks = blockSizeProblems(spec.quantization, preflight.matmul_input_sizes ?? []);
  if (badBlocks.length > 0) {
    throw ApplicationFailure.nonRetryable(badBlocks.map((p) => `${p.path}: ${p.message}`).join('; '), 'InvalidSpec', badBlocks);
  }

  const evaluateSets = makeEvaluator({
    plan, state, cache, dataset, preflight, model, baseModel,
    predict: () => stageActivities(plan, 'predict').py.predict, score: () => stageActivities(plan, 'score').ts.scorePredictions,
  });
  // One case set, one call (runs from before pooled-predict, and sets that have no company).
  const evaluate = async (label: string, adapterDir: string | null, casesPath: string, outDir: string, adapterKey: string | null = null): Promise<ScoreMetrics> =>
    (await evaluateSets([{ label, casesPath, outDir }], adapterDir, adapterKey))[0] as ScoreMetrics;

  // Held-out requests (evaluation.holdout_cases), rendered with the run's prompt; runs started before this
  // existed carry no holdout_file and issue no new command.
  const holdoutPath = plan.holdout_file && patched('holdout-eval')
    ? (await state.stage('holdout', () => stageActivities(plan, 'score').ts.prepareHoldout({ run_dir: plan.run_dir, holdout_path: plan.holdout_file as string, tools_path: dataset.tools_path, prompt_tools: spec.dataset.prompt_tools }))).cases_path
    : null;

  // Case sets of one model share one predict call from here on; histories from before replay one call per set.
  const pooled = patched('pooled-predict');
  const evaluateGroup = async (sets: EvalSet[], adapterDir: string | null, adapterKey: string | null = null): Promise<ScoreMetrics[]> => {
    if (pooled) return evaluateSets(sets, adapterDir, adapterKey);
    const metrics: ScoreMetrics[] = [];
    for (const set of sets) metrics.push(await evaluate(set.label, adapterDir, set.casesPath, set.outDir, adapterKey));
    return metrics;
  };
  if (spec.evaluation.run_baseline) {
    // Specs from before baseline_sets existed score every set, as they did then.
    const sets = new Set(spec.evaluation.baseline_sets ?? ['val', 'suite', 'holdout']);
    const wanted: (EvalSet & { key: 'baseline' | 'baseline_suite' | 'baseline_holdout' })[] = [];
    if (sets.has('val')) wanted.push({ key: 'baseline', label: 'baseline', casesPath: dataset.val_cases_path, outDir: plan.run_dir });
    if (spec.evaluation.score_suite && sets.has('suite')) wanted.push({ key: 'baseline_suite', label: 'baseline-suite', casesPath: dataset.suite_cases_path, outDir: plan.run_dir });
    if (holdoutPath && sets.has('holdout')) wanted.push({ key: 'baseline_holdout', label: 'baseline-holdout', casesPath: holdoutPath, outDir: plan.run_dir });
    const metrics = wanted.length > 0 ? await evaluateGroup(wanted, null) : [];
    wanted.forEach((w, i) => (summary.metrics[w.key] = metrics[i]));
  } else {
    state.markStage('baseline', 'skipped', 'evaluation.run_baseline is false');
  }

  const base: AttemptSettings = { training: spec.training, lora: spec.lora, dataset: { target_size: spec.dataset.target_size } };
  const grownTrain = new Map<number, string>(); // target_size -> train.jsonl of a "more data" remedy
  let settings = base;
  let branch: Branch = 'initial';
  let cursor: RemedyCursor = { below_threshold: 0, overfitting: 0 };
  let oomRetries = 0;
  let attemptsDone = 0;
  let best: AttemptRecord | null = null;
  const adapterKeys = new Map<number, string | null>();
  const finalMetrics = new Map<string, ScoreMetrics>(); // by set label
  // The sets only the best attempt is scored on: the guide's suite and the held-out requests.
  const finalSets = (n: number, dir: string): EvalSet[] => [
    ...(spec.evaluation.score_suite ? [{ label: `attempt-${n}-suite`, casesPath: dataset.suite_cases_path, outDir: dir }] : []),
    ...(holdoutPath ? [{ label: `attempt-${n}-holdout`, casesPath: holdoutPath, outDir: dir }] : []),
  ];
  for (let n = 1; ; n++) {
    const attemptDir = `${plan.run_dir}/attempt-${n}`;
    const record = state.beginAttempt({ attempt: n, dir: attemptDir, branch, overrides: describeOverrides(base, settings), status: 'running' });
    const trainPath = await trainPathFor(plan, state, dataset, settings, grownTrain);
    let result: FinetuneOutput;
    let adapterKey: string | null;
    try {
      const attemptTraining = { ...settings.training, seed: spec.seed };
      ({ output: result, key: adapterKey } = await cache.run<FinetuneOutput>({
        slot: 'finetune', stage: 'finetune', group: 'finetune',
        parts: { attempt: n, training: attemptTraining, lora: settings.lora, baseModel, format: spec.dataset.format, train: trainPath.split('/').slice(-2).join('/') },
        run: () => stageActivities(plan, 'finetune').py.finetune({
          run_dir: plan.run_dir, attempt_dir: attemptDir, model_path: preflight.model_path, model, lora: settings.lora,
          training: attemptTraining, train_path: trainPath, val_path: dataset.val_path, record_format: spec.dataset.format,
        }),
      }));
    } catch (err) {
      if (failureType(err) !== 'OutOfMemory') throw err;
      record.status = 'out_of_memory';
      const smaller = shrinkBatch(settings.training, oomRetries, spec.remediation.out_of_memory);
      if (!smaller) throw err;
      oomRetries += 1;
      settings = { ...settings, training: smaller };
      branch = 'out_of_memory';
      continue;
    }
    attemptsDone += 1;
    adapterKeys.set(n, adapterKey);
    record.finetune = { optimizer_steps: result.optimizer_steps, best_step: result.best_step, eval_loss: result.eval_loss, eval_perplexity: result.eval_perplexity, resumed_from_step: result.resumed_from_step, adapter_dir: result.adapter_dir, metrics_path: result.metrics_path, stopped_early: result.stopped_early, peak_rss_bytes: result.peak_rss_bytes ?? null };
    const attemptSets: EvalSet[] = [{ label: `attempt-${n}`, casesPath: dataset.val_cases_path, outDir: attemptDir }];
    if (spec.dataset.train_cases_sample > 0) attemptSets.push({ label: `attempt-${n}-train`, casesPath: dataset.train_cases_path, outDir: attemptDir });
    // The first attempt of a run that allows no other is the run's best whatever it scores: its suite and held-out
    // sets join the same call instead of a second one after the loop.
    const onlyAttempt = pooled && attemptsDone === 1 && spec.remediation.max_attempts <= 1;
    if (onlyAttempt) attemptSets.push(...finalSets(n, attemptDir));
    const attemptMetrics = await evaluateGroup(attemptSets, result.adapter_dir, adapterKey);
    record.metrics = attemptMetrics[0] as ScoreMetrics;
    attemptSets.forEach((set, i) => finalMetrics.set(set.label, attemptMetrics[i] as ScoreMetrics));
    if (spec.dataset.train_cases_sample > 0) record.train_metrics = attemptMetrics[1];
    const verdict = judgeAttempt(record.metrics, record.train_metrics ?? null, spec.evaluation);
    record.status = verdict.kind;
    record.failed_thresholds = verdict.kind === 'passed' ? [] : verdict.failed;
    if (beatsBest(record, best)) best = record;
    const next = planNext(verdict, attemptsDone, cursor, spec.remediation);
    if (next.action === 'stop') {
      summary.reason = next.reason;
      break;
    }
    settings = applyStep(settings, next.step, spec.remediation.max_target_size);
    cursor = next.cursor;
    branch = next.branch;
  }
  summary.bestAttempt = best?.attempt ?? null;
  summary.metrics.finetuned = best?.metrics;
  const bestAdapter = best?.finetune?.adapter_dir;
  if (best && typeof bestAdapter === 'string') {
    const [suite, holdout] = [`attempt-${best.attempt}-suite`, `attempt-${best.attempt}-holdout`];
    const missing = finalSets(best.attempt, best.dir).filter((set) => !finalMetrics.has(set.label));
    if (pooled && missing.length > 0) {
      const metrics = await evaluateSets(missing, bestAdapter, adapterKeys.get(best.attempt) ?? null);
      missing.forEach((set, i) => finalMetrics.set(set.label, metrics[i] as ScoreMetrics));
    } else if (!pooled) {
      if (spec.evaluation.score_suite) finalMetrics.set(suite, await evaluate(suite, bestAdapter, dataset.suite_cases_path, best.dir, adapterKeys.get(best.attempt) ?? null));
      if (holdoutPath) finalMetrics.set(holdout, await evaluate(holdout, bestAdapter, holdoutPath, best.dir));
    }
    if (finalMetrics.has(suite)) summary.metrics.finetuned_suite = finalMetrics.get(suite);
    if (finalMetrics.has(holdout)) summary.metrics.finetuned_holdout = finalMetrics.get(holdout);
  }
  const passed = best?.status === 'passed';
  summary.status = passed ? 'passed' : 'below_threshold';
  const stopHere = !passed && spec.remediation.on_exhausted === 'stop';
  summary.stoppedEarly = stopHere;
  let later = ['export', 'quantize', 'validate-quantized', 'benchmark'];
  // Runs started before the export stages existed replay without them.
  if (!stopHere && spec.quantization.enabled && patched('onnx-export-stages')) {
    if (typeof bestAdapter === 'string') {
      summary.artifacts = {};
      await runExportStages({ plan, state, dataset, preflight, model, adapterDir: bestAdapter, py: (stage) => stageActivities(plan, stage).py }, summary.artifacts);
      const after = await runQuantizedStages({
        plan, state, dataset, artifacts: summary.artifacts, holdoutPath,
        reference: { val: summary.metrics.finetuned, suite: summary.metrics.finetuned_suite, holdout: summary.metrics.finetuned_holdout },
        ts: (stage) => stageActivities(plan, stage).ts, py: (stage) => stageActivities(plan, stage).py,
      });
      summary.validation = after.validation;
      summary.benchmark = after.benchmark;
      if (after.validation && after.validation.recommended === null) summary.reason = [summary.reason, after.validation.reason].filter(Boolean).join('; ');
    } else {
      for (const name of ['merge', 'export', 'quantize', 'validate-quantized', 'benchmark']) state.markStage(name, 'skipped', 'no fine-tuned adapter to export');
    }
    later = [];
  }
  for (const name of later) {
    if (stopHere) state.markStage(name, 'skipped', `stopped early: ${summary.reason}`);
    else if (name === 'benchmark' ? spec.benchmark.enabled : spec.quantization.enabled) state.markStage(name, 'unavailable', 'stage not implemented in this version of tooltune');
    else state.markStage(name, 'skipped', 'not enabled in the spec');
  }
}

// The training set an attempt uses: the dataset's, or (after a data_factor remedy) a larger one, grown once
// per size; runs whose remedies never grow the data issue no new command.
async function trainPathFor(plan: RunPlan, state: RunState, dataset: DatasetOutput, settings: AttemptSettings, grown: Map<number, string>): Promise<string> {
  const target = settings.dataset?.target_size ?? plan.spec.dataset.target_size;
  if (target === plan.spec.dataset.target_size || !patched('remediation-more-data')) return dataset.train_path;
  const known = grown.get(target);
  if (known !== undefined) return known;
  const out = await state.stage('grow-dataset', () =>
    stageActivities(plan, 'dataset').ts.growDataset({ run_dir: plan.run_dir, spec: plan.spec, tool_files: plan.tool_files, example_files: plan.example_files, target_size: target, val_path: dataset.val_path }),
  );
  grown.set(target, out.train_path);
  return out.train_path;
}

// Writes summary.json, report.md and report.html; a failing report never hides the run's own outcome.
async function writeReportSafely(plan: RunPlan, summary: RunSummary, state: RunState): Promise<void> {
  try {
    const out = await state.stage('report', () => stageActivities(plan, 'report').ts.writeReport({ run_dir: plan.run_dir, summary: { ...summary, status: state.progress.status } as unknown as Record<string, unknown> }));
    summary.reportPath = out.report_path;
    // The Web UI shows the memo: it names the HTML report (runs started before this change replay without it).
    if (out.html_path && patched('memo-report-html')) upsertMemo({ report: out.html_path });
  } catch {
    // recorded as a failed stage by state.stage
  }
}
