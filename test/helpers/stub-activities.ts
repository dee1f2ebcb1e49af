// Scripted stand-ins for the TypeScript and Python activities, for workflow tests. One set of stubs serves
// every workflow in a test file: each test registers a Scenario under its workflow id, and the stubs look
// the scenario up from the calling workflow, record every call, and answer in the shapes of activities/types.ts.
import { createHash } from 'node:crypto';
import { activityInfo, ApplicationFailure } from '@temporalio/activity';
import type {
  BenchmarkEngineInput, BenchmarkEngineOutput, BenchmarkInput, BenchmarkOutput, DatasetInput, DatasetOutput, ExportInput, ExportOutput, MergeInput, MergeOutput, FinetuneInput, FinetuneOutput, PredictInput, PredictOutput, PreflightInput, PreflightOutput,
  GrowDatasetInput, GrowDatasetOutput, HoldoutInput, HoldoutOutput,
  LookupStageInput, LookupStageOutput, PrepareRunInput, PyActivities, RecordStageInput, RecordStageOutput, ReportInput, ReportOutput, RunPlan,
  ScoreInput, ScoreMetrics, ScoreOutput, TsActivities, ValidateQuantizedInput, ValidateQuantizedOutput,
} from '../../activities/types';
import { parseAndValidate } from '../../lib/spec/load-spec';
import { InvalidSpecError } from '../../lib/spec/problems';
import { buildRunPlan } from './spec';

export type ActivityName = keyof TsActivities | keyof PyActivities;

// The stubs' stage key: a hash of the stage and its key parts (no input files are read).
export function stubKey(stage: string, parts: unknown): string {
  return createHash('sha256').update(JSON.stringify({ stage, parts })).digest('hex').slice(0, 16);
}

// One call of a stub, as the stub saw it.
export interface StubCall {
  workflowId: string;
  activity: ActivityName;
  attempt: number;
  input: unknown;
  retry?: { maximumAttempts?: number; initialIntervalMs?: number };
}

// What a test scripts for one workflow run.
export interface Scenario {
  // Metrics for a score label: 'baseline', 'attempt-1', 'attempt-1-train', ... (default: defaultScores).
  score?: (label: string) => ScoreMetrics;
  // Runs inside finetune before it answers: throw to fail the attempt, await to hold it.
  finetune?: (input: FinetuneInput) => void | Promise<void>;
  // These activities throw a plain (retryable) Error on their first activity attempt.
  failFirstAttempt?: ActivityName[];
  // Runs inside export_onnx before it answers: throw to fail the export (e.g. an ExportMismatch).
  exportOnnx?: (input: ExportInput) => void | Promise<void>;
  // Replaces the default preflight's matmul_input_sizes (default [128, 256], the tiny model's).
  matmulInputSizes?: number[];
  // Replaces the default prepareRun (which validates specText/spec for real).
  prepareRun?: (input: PrepareRunInput) => RunPlan | Promise<RunPlan>;
  // For lookupStage in a resumed run: the output to reuse for a slot and key, or undefined (a miss).
  cached?: (slot: string, key: string) => unknown;
}

// A full ScoreMetrics with the three thresholded fractions at `value` (or as given).
// Every case set one predict call asked for (cases_path first, then extra_sets), with its model.
export function predictedSets(input: PredictInput): { adapter_dir: string | null; cases_path: string; out_path: string }[] {
  return [{ cases_path: input.cases_path, out_path: input.out_path }, ...(input.extra_sets ?? [])].map((s) => ({ ...s, adapter_dir: input.adapter_dir }));
}

export function metrics(value: number, over: Partial<ScoreMetrics> = {}): ScoreMetrics {
  return { total: 20, tool_detection: value, tool_parsing: value, tool_accuracy: value, param_accuracy: value, schema_validity: 1, ...over };
}

export const LOW = 0.4;
export const HIGH = 0.99;

// Baseline scores low, every fine-tuned attempt passes the default thresholds (0.95 / 0.98 / 0.97).
export function defaultScores(label: string): ScoreMetrics {
  return label === 'baseline' ? metrics(0.1) : metrics(HIGH);
}

// The label of a score from its out_path (`.../score-attempt-1-train.json` -> `attempt-1-train`).
export function scoreLabel(outPath: string): string {
  const match = /score-([^/]+)\.json$/.exec(outPath);
  if (!match?.[1]) throw new Error(`stub scorePredictions: unexpected out_path ${outPath}`);
  return match[1];
}

// The stubs, the scenarios they follow and the calls they saw.
export class StubActivities {
  readonly scenarios = new Map<string, Scenario>();
  readonly calls: StubCall[] = [];

  // Registers what the stubs do for one workflow id.
  script(workflowId: string, scenario: Scenario = {}): void {
    this.scenarios.set(workflowId, scenario);
  }

  // The calls one workflow made, in order, optionally of one activity only.
  callsOf(workflowId: string, activity?: ActivityName): StubCall[] {
    return this.calls.filter((c) => c.workflowId === workflowId && (activity === undefined || c.activity === activity));
  }

  // The inputs one workflow passed to one activity, in order.
  inputsOf<T>(workflowId: string, activity: ActivityName): T[] {
    return this.callsOf(workflowId, activity).map((c) => c.input as T);
  }

  // Records a call and applies the scenario's scripted transient failure; returns the scenario.
  private enter(activity: ActivityName, input: unknown): Scenario {
    const info = activityInfo();
    const workflowId = info.workflowExecution?.workflowId ?? '(none)';
    const policy = info.retryPolicy;
    this.calls.push({
      workflowId, activity, attempt: info.attempt, input,
      retry: policy ? { maximumAttempts: policy.maximumAttempts, initialIntervalMs: typeof policy.initialInterval === 'number' ? policy.initialInterval : undefined } : undefined,
    });
    const scenario = this.scenarios.get(workflowId) ?? {};
    if (scenario.failFirstAttempt?.includes(activity) && info.attempt === 1) {
      throw new Error(`stub ${activity}: scripted transient failure`);
    }
    return scenario;
  }

  // The TypeScript activities (task queue `tooltune`).
  readonly ts: TsActivities = {
    prepareRun: async (input: PrepareRunInput): Promise<RunPlan> => {
      const scenario = this.enter('prepareRun', input);
      if (scenario.prepareRun) return scenario.prepareRun(input);
      const { specText, spec } = input.source;
      const text = specText ?? (spec ? JSON.stringify(spec) : undefined);
      if (text === undefined) throw ApplicationFailure.nonRetryable('stub prepareRun reads specText or spec only', 'InvalidSpec');
      try {
        return buildRunPlan(parseAndValidate(text, '(inline spec text)').spec, input.workflow_id);
      } catch (err) {
        if (err instanceof InvalidSpecError) {
          throw ApplicationFailure.create({ type: 'InvalidSpec', message: err.message, details: [err.problems], nonRetryable: true });
        }
        throw err;
      }
    },
    generateDataset: async (input: DatasetInput): Promise<DatasetOutput> => {
      this.enter('generateDataset', input);
      const dir = `${input.run_dir}/dataset`;
      return {
        dir, train_path: `${dir}/train.jsonl`, val_path: `${dir}/val.jsonl`, val_cases_path: `${dir}/val-cases.jsonl`,
        train_cases_path: `${dir}/train-cases.jsonl`, suite_cases_path: `${dir}/suite-cases.jsonl`, tools_path: `${dir}/tools.json`,
        stats_path: `${dir}/stats.json`, stats: { train: 64, val: 16 },
      };
    },
    scorePredictions: async (input: ScoreInput): Promise<ScoreOutput> => {
      const scenario = this.enter('scorePredictions', input);
      const m = (scenario.score ?? defaultScores)(scoreLabel(input.out_path));
      const failed = (['tool_accuracy', 'param_accuracy', 'tool_detection'] as const).filter((k) => m[k] < input.thresholds[k]);
      return { metrics: m, passed: failed.length === 0, failed, tier: failed.length === 0 ? 'excellent' : 'poor', report_path: input.out_path.replace(/\.json$/, '.txt') };
    },
    prepareHoldout: async (input: HoldoutInput): Promise<HoldoutOutput> => {
      this.enter('prepareHoldout', input);
      return { cases_path: `${input.run_dir}/holdout/holdout_cases.jsonl`, count: 68 };
    },
    growDataset: async (input: GrowDatasetInput): Promise<GrowDatasetOutput> => {
      this.enter('growDataset', input);
      return { train_path: `${input.run_dir}/dataset-${input.target_size}/train.jsonl`, train: input.target_size, left_out: 0 };
    },
    writeReport: async (input: ReportInput): Promise<ReportOutput> => {
      this.enter('writeReport', input);
      return { summary_path: `${input.run_dir}/summary.json`, report_path: `${input.run_dir}/report.md`, html_path: `${input.run_dir}/report.html` };
    },
    validateQuantized: async (input: ValidateQuantizedInput): Promise<ValidateQuantizedOutput> => {
      this.enter('validateQuantized', input);
      return { variants: [], recommended: null, reason: 'stub: nothing validated', summary_path: `${input.run_dir}/export/validation/validation.json` };
    },
    benchmarkEngine: async (input: BenchmarkEngineInput): Promise<BenchmarkEngineOutput> => {
      this.enter('benchmarkEngine', input);
      return { tables: [{ ...input.python, rows: input.python.results }], json_path: `${input.run_dir}/benchmark/benchmark.json`, markdown_path: `${input.run_dir}/benchmark/benchmark.md` };
    },
    recordStageOutput: async (input: RecordStageInput): Promise<RecordStageOutput> => {
      this.enter('recordStageOutput', input);
      return { key: stubKey(input.stage, input.parts), files: 1 };
    },
    lookupStage: async (input: LookupStageInput): Promise<LookupStageOutput> => {
      const scenario = this.enter('lookupStage', input);
      const key = stubKey(input.stage, input.parts);
      const output = scenario.cached?.(input.slot, key);
      return output === undefined ? { key, hit: false, reason: 'not recorded in the old run' } : { key, hit: true, output };
    },
  };

  // The Python activities (task queue `tooltune-gpu`), registered under their Python names.
  readonly py: PyActivities = {
    preflight_model: async (input: PreflightInput): Promise<PreflightOutput> => {
      const scenario = this.enter('preflight_model', input);
      return {
        matmul_input_sizes: scenario.matmulInputSizes ?? [128, 256],
        model_path: `${input.run_dir}/model`, architecture: 'Phi3ForCausalLM', model_type: 'phi3', num_parameters: 1_000_000,
        trainable_parameters: 50_000, linear_module_names: ['qkv_proj', 'o_proj', 'gate_up_proj', 'down_proj'],
        target_modules: ['qkv_proj', 'o_proj', 'gate_up_proj', 'down_proj'], memory_estimate_bytes: 4_000_000, device: 'cpu',
        load_in_4bit: false, vocab_size: 1024,
      };
    },
    finetune: async (input: FinetuneInput): Promise<FinetuneOutput> => {
      const scenario = this.enter('finetune', input);
      await scenario.finetune?.(input);
      return {
        adapter_dir: `${input.attempt_dir}/adapter`, merged_dir: null, metrics_path: `${input.attempt_dir}/metrics.json`,
        log_path: `${input.attempt_dir}/train.log`, optimizer_steps: 40, best_step: 30, best_checkpoint: `${input.attempt_dir}/checkpoint-30`,
        eval_loss: 0.5, eval_perplexity: 1.65, train_loss: 0.4, epochs_done: input.training.num_train_epochs, resumed_from_step: 0,
        truncated_examples: 0, tokens_per_second: 1000, wall_time_s: 1, stopped_early: false,
      };
    },
    predict: async (input: PredictInput): Promise<PredictOutput> => {
      this.enter('predict', input);
      const sets = predictedSets(input).map((s) => ({ predictions_path: s.out_path, count: 16, mean_latency_ms: 5 }));
      return { ...sets[0]!, sets };
    },
    benchmark_python: async (input: BenchmarkInput): Promise<BenchmarkOutput> => {
      this.enter('benchmark_python', input);
      return { host: { hostname: 'stub', cpu_model: 'stub', logical_cpus: 2, threads: 2 }, read_bandwidth_bytes_per_s: 1e10, prompts_path: `${input.run_dir}/benchmark/bench-prompts.json`, results: [], results_path: `${input.run_dir}/benchmark/benchmark-python.json` };
    },
    merge: async (input: MergeInput): Promise<MergeOutput> => {
      this.enter('merge', input);
      return { merged_dir: input.out_dir, bytes: 4_000_000, check_prompts: input.check.prompts, check_new_tokens: input.check.new_tokens, tokens_equal: true, max_logit_diff: 0, reused: false, wall_time_s: 1 };
    },
    export_onnx: async (input: ExportInput): Promise<ExportOutput> => {
      const scenario = this.enter('export_onnx', input);
      await scenario.exportOnnx?.(input);
      return this.variant(input, 4_000_000, { tokens_equal: true, max_logit_diff: 1e-6 });
    },
    quantize_onnx: async (input: ExportInput): Promise<ExportOutput> => {
      this.enter('quantize_onnx', input);
      const bytes = input.settings.precision === 'int8' ? 1_200_000 : 700_000;
      return this.variant(input, bytes, { top1_agreement: input.settings.precision === 'int8' ? 0.97 : 0.9, agreement_positions: 200 });
    },
  };

  // An ExportOutput for a stubbed variant.
  private variant(input: ExportInput, bytes: number, figures: Partial<ExportOutput>): ExportOutput {
    return {
      variant: input.settings.precision, path: input.out_dir, bytes, exporter: 'stub builder', settings: input.settings,
      check_prompts: input.check.prompts, check_new_tokens: input.check.new_tokens, tokens_equal: null, max_logit_diff: null,
      top1_agreement: null, agreement_positions: 0, reused: false, wall_time_s: 1, ...figures,
    };
  }
}
