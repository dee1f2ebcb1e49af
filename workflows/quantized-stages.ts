// After the export: validate-quantized (every ONNX variant predicts the run's case sets in the TypeScript
// engine and the guide's rule keeps or rejects it) and the benchmark (PyTorch fp32, onnxruntime-genai and
// the TypeScript engine side by side). Deterministic workflow code: activities do the work.
import type { BenchmarkEngineOutput, CaseSetInput, DatasetOutput, PyActivities, RunPlan, ScoreMetrics, TsActivities, ValidateQuantizedOutput } from '../activities/types';
import type { RunArtifacts } from './export-stages';
import type { RunState } from './run-state';

// The allowed accuracy drop of the fp32 reference export when it is the only variant and formats does not list it.
const FP32_MAX_DROP = 0.01;

// summary.validation: each variant's verdict and scores, and the recommended one.
export interface RunValidation {
  recommended: ValidateQuantizedOutput['recommended'];
  reason: string;
  variants: Pick<ValidateQuantizedOutput['variants'][number], 'format' | 'kept' | 'reasons' | 'bytes_on_disk' | 'tool_accuracy_drop' | 'param_accuracy_drop' | 'max_accuracy_drop' | 'metrics' | 'mean_latency_ms' | 'constrained_skipped'>[];
  summary_path: string;
}

// summary.benchmark: the tables (one per host) and where their Markdown is.
export type RunBenchmark = Pick<BenchmarkEngineOutput, 'tables' | 'markdown_path'>;

// What the two stages need from the rest of the run.
export interface QuantizedContext {
  plan: RunPlan;
  state: RunState;
  dataset: DatasetOutput;
  artifacts: RunArtifacts;
  // The held-out cases (evaluation.holdout_cases), when the run scores them.
  holdoutPath?: string | null;
  reference: { val?: ScoreMetrics; suite?: ScoreMetrics; holdout?: ScoreMetrics };
  ts: (stage: 'validate_quantized' | 'benchmark') => TsActivities;
  py: (stage: 'benchmark') => PyActivities;
}

// Runs validate-quantized, then the benchmark when the spec enables it; returns their summary entries.
export async function runQuantizedStages(ctx: QuantizedContext): Promise<{ validation?: RunValidation; benchmark?: RunBenchmark }> {
  const { plan, state, dataset, artifacts } = ctx;
  const { spec } = plan;
  const onnx = artifacts.onnx ?? {};
  const exported = (['fp32', 'int8', 'int4'] as const).flatMap((format) => {
    const a = onnx[format];
    return a ? [{ format, dir: a.path, max_accuracy_drop: a.max_accuracy_drop }] : [];
  });
  // fp32 is validated when quantization.formats lists it (a deliverable); otherwise it is only the reference
  // export, already checked token for token against PyTorch, and validating it again would cost a full pass.
  const variants = exported.filter((v) => v.max_accuracy_drop !== null || exported.length === 1).map((v) => ({ ...v, max_accuracy_drop: v.max_accuracy_drop ?? FP32_MAX_DROP }));
  if (variants.length === 0 || !ctx.reference.val) {
    state.markStage('validate-quantized', 'skipped', 'no exported variant or no fine-tuned reference metrics');
    state.markStage('benchmark', 'skipped', 'no exported variant');
    return {};
  }
  const caseSets: CaseSetInput[] = [{ label: 'val', cases_path: dataset.val_cases_path, reference: ctx.reference.val, judge: true }];
  if (spec.evaluation.score_suite) caseSets.push({ label: 'suite', cases_path: dataset.suite_cases_path, reference: ctx.reference.suite ?? ctx.reference.val, judge: false });
  if (ctx.holdoutPath) {
    // Only a spec that turns the free pass off changes the input, so runs started before the option replay as they ran.
    const only = spec.quantization.validate_holdout_free === false ? { constrained_only: true } : {};
    caseSets.push({ label: 'holdout', cases_path: ctx.holdoutPath, reference: ctx.reference.holdout ?? ctx.reference.val, judge: false, ...only });
  }
  const validated = await state.stage('validate-quantized', () => ctx.ts('validate_quantized').validateQuantized({
    run_dir: plan.run_dir, variants, case_sets: caseSets, tools_path: dataset.tools_path, thresholds: spec.evaluation.thresholds,
    record_format: spec.dataset.format, max_new_tokens: spec.evaluation.max_new_tokens, temperature: spec.evaluation.temperature,
    constrained: spec.quantization.validate_constrained, batch_size: spec.evaluation.batch_size,
  }));
  const validation: RunValidation = {
    recommended: validated.recommended, reason: validated.reason, summary_path: validated.summary_path,
    variants: validated.variants.map(({ format, kept, reasons, bytes_on_disk, tool_accuracy_drop, param_accuracy_drop, max_accuracy_drop, metrics, mean_latency_ms, constrained_skipped }) => ({
      format, kept, reasons, bytes_on_disk, tool_accuracy_drop, param_accuracy_drop, max_accuracy_drop, metrics, mean_latency_ms,
      // Spread only when set, so a run's summary keeps the shape it had before the skip existed.
      ...(constrained_skipped ? { constrained_skipped } : {}),
    })),
  };
  if (!spec.benchmark.enabled) {
    state.markStage('benchmark', 'skipped', 'not enabled in the spec');
    return { validation };
  }
  const b = spec.benchmark;
  const benchVariants = exported.map((v) => ({ name: v.format, path: v.dir }));
  const python = await state.stage('benchmark:python', () => ctx.py('benchmark').benchmark_python({
    run_dir: plan.run_dir, merged_dir: artifacts.merged?.path ?? '', cases_path: dataset.val_cases_path, out_dir: 'benchmark',
    variants: benchVariants, record_format: spec.dataset.format, num_prompts: b.num_prompts, new_tokens: b.new_tokens,
    warmup_runs: b.warmup_runs, runs: b.runs, threads: b.threads, pytorch: b.pytorch,
  }));
  const smallest = benchVariants[benchVariants.length - 1]?.name ?? null;
  const joined = await state.stage('benchmark:engine', () => ctx.ts('benchmark').benchmarkEngine({
    run_dir: plan.run_dir, out_dir: 'benchmark', python, variants: benchVariants,
    tools_path: b.grammar ? dataset.tools_path : null, grammar_variant: b.grammar ? smallest : null,
  }));
  return { validation, benchmark: { tables: joined.tables, markdown_path: joined.markdown_path } };
}
