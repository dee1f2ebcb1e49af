// The activity contracts as the workflow sees them: TypeScript activities (task queue `tooltune`) and
// the Python ones (task queue `tooltune-gpu`, shapes in specs/activity-contracts.schema.json).
// Fields are snake_case on both sides of the language boundary; artifacts travel as paths.
import type { DatasetResult } from '../lib/dataset/generate-dataset';
import type { ScoreReport } from '../lib/score';
import type { ExperimentSpec } from '../lib/spec/spec-types';

// Where the workflow's spec comes from: a path, inline YAML, or a spec object.
export interface SpecSourceInput {
  specPath?: string;
  specText?: string;
  spec?: Record<string, unknown>;
}

// Input of prepareRun: the spec source and the ids that name the run folder.
export interface PrepareRunInput {
  source: SpecSourceInput;
  workflow_id: string;
}

// A validated spec and the run's folder layout.
export interface RunPlan {
  spec: ExperimentSpec;
  spec_file: string;
  artifacts_root: string;
  run_dir: string;
  tool_files: string[];
  example_files: string[];
  gguf_file: string | null;
  /** evaluation.holdout_cases resolved to a file; null (or absent, in runs started before it existed) when off. */
  holdout_file?: string | null;
}

// Input of generateDataset.
export interface DatasetInput {
  run_dir: string;
  spec: ExperimentSpec;
  tool_files: string[];
  example_files: string[];
}

// Paths of the dataset files and their counts: the dataset library's result plus its folder; the
// workflow passes the stats through to the summary without reading them.
export type DatasetOutput = Omit<DatasetResult, 'stats'> & { dir: string; stats: Record<string, unknown> };

// The headline fractions of a score (0..1) the workflow decides on; the scorer's breakdowns ride along.
export type ScoreMetrics = Pick<ScoreReport, 'total' | 'tool_detection' | 'tool_parsing' | 'tool_accuracy' | 'param_accuracy' | 'schema_validity'> &
  Partial<Omit<ScoreReport, 'failures' | 'total' | 'tool_detection' | 'tool_parsing' | 'tool_accuracy' | 'param_accuracy' | 'schema_validity'>>;

// Input of scorePredictions.
export interface ScoreInput {
  run_dir: string;
  cases_path: string;
  predictions_path: string;
  tools_path: string;
  out_path: string;
  thresholds: ExperimentSpec['evaluation']['thresholds'];
}

// A score with its quality assessment against the thresholds.
export interface ScoreOutput {
  metrics: ScoreMetrics;
  passed: boolean;
  failed: string[];
  tier: string;
  report_path: string;
}

// Input of prepareHoldout: the held-out file and the run's tools and prompt setting.
export interface HoldoutInput {
  run_dir: string;
  holdout_path: string;
  tools_path: string;
  prompt_tools: ExperimentSpec['dataset']['prompt_tools'];
}

// Where the rendered held-out cases went.
export interface HoldoutOutput {
  cases_path: string;
  count: number;
}

// Input of growDataset: the run's dataset inputs, the larger size, and the validation records to keep out.
export interface GrowDatasetInput extends DatasetInput {
  target_size: number;
  val_path: string;
}

// The grown training set (lib/dataset/grow-train-set).
export interface GrowDatasetOutput {
  train_path: string;
  train: number;
  left_out: number;
}

// Input of writeReport.
export interface ReportInput {
  run_dir: string;
  summary: Record<string, unknown>;
}

// Where the report went.
export interface ReportOutput {
  summary_path: string;
  report_path: string;
}

// The TypeScript activities (worker.ts).
export interface TsActivities {
  prepareRun(input: PrepareRunInput): Promise<RunPlan>;
  generateDataset(input: DatasetInput): Promise<DatasetOutput>;
  scorePredictions(input: ScoreInput): Promise<ScoreOutput>;
  prepareHoldout(input: HoldoutInput): Promise<HoldoutOutput>;
  growDataset(input: GrowDatasetInput): Promise<GrowDatasetOutput>;
  writeReport(input: ReportInput): Promise<ReportOutput>;
}

// ---- Python activities (python-activities/worker.py) ----

// Model settings sent to Python (the spec's model section, with gguf_file resolved).
export type ModelConfig = Omit<ExperimentSpec['model'], 'tiny'> & { tiny: ExperimentSpec['model']['tiny'] & { seed: number } };
export type LoraConfig = ExperimentSpec['lora'];
// Training settings sent to Python: the spec's training section plus the run's seed.
export type TrainingConfig = ExperimentSpec['training'] & { seed: number };

// Input of preflight_model.
export interface PreflightInput {
  run_dir: string;
  model: ModelConfig;
  lora: LoraConfig;
  tokenizer_corpus_paths: string[];
}

// What preflight learned about the model.
export interface PreflightOutput {
  model_path: string;
  architecture: string;
  model_type: string;
  num_parameters: number;
  trainable_parameters: number;
  linear_module_names: string[];
  target_modules: string[];
  memory_estimate_bytes: number;
  device: string;
  load_in_4bit: boolean;
  vocab_size: number;
}

// Input of finetune.
export interface FinetuneInput {
  run_dir: string;
  attempt_dir: string;
  model_path: string;
  model: ModelConfig;
  lora: LoraConfig;
  training: TrainingConfig;
  train_path: string;
  val_path: string;
  record_format: 'text' | 'chat';
}

// What a fine-tuning attempt produced.
export interface FinetuneOutput {
  adapter_dir: string;
  merged_dir: string | null;
  metrics_path: string;
  log_path: string;
  optimizer_steps: number;
  best_step: number;
  best_checkpoint: string | null;
  eval_loss: number | null;
  eval_perplexity: number | null;
  train_loss: number | null;
  epochs_done: number;
  resumed_from_step: number;
  truncated_examples: number;
  tokens_per_second: number;
  wall_time_s: number;
  stopped_early: boolean;
}

// Input of predict.
export interface PredictInput {
  run_dir: string;
  model_path: string;
  model: ModelConfig;
  adapter_dir: string | null;
  cases_path: string;
  out_path: string;
  max_new_tokens: number;
  temperature: number;
  batch_size: number;
  record_format: 'text' | 'chat';
}

// Where the predictions went.
export interface PredictOutput {
  predictions_path: string;
  count: number;
  mean_latency_ms: number;
}

// The Python activities, by their registered names.
export interface PyActivities {
  preflight_model(input: PreflightInput): Promise<PreflightOutput>;
  finetune(input: FinetuneInput): Promise<FinetuneOutput>;
  predict(input: PredictInput): Promise<PredictOutput>;
}
