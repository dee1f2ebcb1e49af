// The activity contracts as the workflow sees them: TypeScript activities (task queue `tooltune`) and
// the Python ones (task queue `tooltune-gpu`, shapes in specs/activity-contracts.schema.json).
// Fields are snake_case on both sides of the language boundary; artifacts travel as paths.
import type { DatasetResult } from '../lib/dataset/generate-dataset';
import type { ScoreReport } from '../lib/score';
import type { BenchHost, BenchRow, BenchTable } from '../lib/bench/table';
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
  /** report.html; absent from reports written before it existed. */
  html_path?: string;
}

// One ONNX variant to validate: its folder (inside run_dir) and the accuracy its format may lose.
export interface QuantizedVariantInput {
  format: 'fp32' | 'int8' | 'int4';
  /** The variant folder, absolute or relative to run_dir (normally export/onnx/<format>). */
  dir: string;
  /** Largest allowed fall in tool_accuracy against the fine-tuned PyTorch model (spec quantization.formats[]). */
  max_accuracy_drop: number;
}

// One case set the variants predict: val and the suite (and any other set the run scores).
export interface CaseSetInput {
  /** Names the files: predictions-<label>.jsonl, score-<label>.json. */
  label: string;
  cases_path: string;
  /** The fine-tuned PyTorch model's metrics on the same cases (summary.metrics.finetuned / finetuned_suite). */
  reference: ScoreMetrics | null;
  /** Whether the keep/reject rule is applied on this set (val: true; the others are reported only). */
  judge: boolean;
  /** With `constrained` on, predict this set under the grammar only, skipping its free pass (never a judged set). */
  constrained_only?: boolean;
}

// Input of validateQuantized.
export interface ValidateQuantizedInput {
  run_dir: string;
  variants: QuantizedVariantInput[];
  case_sets: CaseSetInput[];
  tools_path: string;
  thresholds: ExperimentSpec['evaluation']['thresholds'];
  record_format: 'text' | 'chat';
  max_new_tokens: number;
  temperature: number;
  /** Tool accuracy a kept variant must stay above (default 0.90, the guide's). */
  min_tool_accuracy?: number;
  /** onnxruntime intra-op threads (default: one per core). */
  threads?: number;
  /** Cases decoded together, one onnxruntime run per step for all (the spec's evaluation.batch_size; default 8). */
  batch_size?: number;
  /** Idle onnxruntime threads spin waiting for work (default false: they sleep; see docs/BENCHMARKS.md). */
  spinning?: boolean;
  /** Output folder relative to run_dir (default export/validation). */
  out_dir?: string;
  /** Also predict every set with schema-constrained decoding (labels '<set>-constrained'; reported, not judged). */
  constrained?: boolean;
}

// One variant's scores and verdict.
export interface VariantVerdict {
  format: QuantizedVariantInput['format'];
  dir: string;
  kept: boolean;
  /** Why it was rejected ('<label>: ...'), empty when kept. */
  reasons: string[];
  bytes_on_disk: number;
  /** Fall in tool_accuracy against the reference on the judged set(s); null if none was judged. */
  tool_accuracy_drop: number | null;
  /** Fall in param_accuracy against the reference on the judged set(s); null if none was judged. */
  param_accuracy_drop: number | null;
  max_accuracy_drop: number;
  metrics: Record<string, ScoreMetrics>;
  predictions_paths: Record<string, string>;
  report_paths: Record<string, string>;
  mean_latency_ms: number;
  /** Wall time of predicting every set, per mode ('free', 'constrained'), in milliseconds. */
  predict_wall_ms: Record<string, number>;
  /** Why the pass under the grammar did not run for this variant (it lost more than max_accuracy_drop free); absent when it ran or was off. */
  constrained_skipped?: string;
}

// The verdicts, the smallest kept variant (null when none passes) and why.
export interface ValidateQuantizedOutput {
  variants: VariantVerdict[];
  recommended: QuantizedVariantInput['format'] | null;
  reason: string;
  summary_path: string;
}

// The TypeScript activities (worker.ts).
// Input of recordStageOutput: a completed stage of this run, and what its cache key is made of.
export interface RecordStageInput {
  run_dir: string;
  slot: string;
  stage: string;
  parts: unknown;
  input_files: string[];
  output: unknown;
}

// The stage's key (downstream stages include it in theirs) and how many files were recorded.
export interface RecordStageOutput {
  key: string;
  files: number;
}

// Input of lookupStage: the same as a record, without the output, plus the earlier run's folder.
export interface LookupStageInput extends Omit<RecordStageInput, 'output'> {
  old_run_dir: string;
}

// A verified hit (the output rebased onto this run, files copied) or a miss with its reason.
export interface LookupStageOutput {
  key: string;
  hit: boolean;
  output?: unknown;
  reason?: string;
}

export interface TsActivities {
  prepareRun(input: PrepareRunInput): Promise<RunPlan>;
  generateDataset(input: DatasetInput): Promise<DatasetOutput>;
  scorePredictions(input: ScoreInput): Promise<ScoreOutput>;
  prepareHoldout(input: HoldoutInput): Promise<HoldoutOutput>;
  growDataset(input: GrowDatasetInput): Promise<GrowDatasetOutput>;
  writeReport(input: ReportInput): Promise<ReportOutput>;
  validateQuantized(input: ValidateQuantizedInput): Promise<ValidateQuantizedOutput>;
  benchmarkEngine(input: BenchmarkEngineInput): Promise<BenchmarkEngineOutput>;
  recordStageOutput(input: RecordStageInput): Promise<RecordStageOutput>;
  lookupStage(input: LookupStageInput): Promise<LookupStageOutput>;
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
  // The run's training settings: the memory estimate uses their batch, max_seq_length and checkpointing.
  training?: TrainingConfig;
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
  // Distinct input sizes of the linear layers: an ONNX quantization block_size must divide each.
  matmul_input_sizes?: number[];
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
  // Peak resident memory of the worker during the attempt, to compare with preflight's estimate.
  peak_rss_bytes?: number | null;
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
  // More case files predicted in the same call: they share one continuously refilled batch with cases_path.
  extra_sets?: CaseSet[];
}

// One more case file for a predict call, and where its predictions go.
export interface CaseSet {
  cases_path: string;
  out_path: string;
}

// Where one case set's predictions went.
export interface PredictedSet {
  predictions_path: string;
  count: number;
  mean_latency_ms: number;
}

// Where the predictions went.
export interface PredictOutput {
  predictions_path: string;
  count: number;
  mean_latency_ms: number;
  // Every predicted set, cases_path's first (workers from before extra_sets leave it out).
  sets?: PredictedSet[];
}

// How one ONNX variant is made (the builder's precision and MatMulNBits settings).
export interface QuantSettings {
  precision: 'fp32' | 'int8' | 'int4';
  block_size: number;
  accuracy_level: number;
  symmetric: boolean;
}

// How each exported file is checked where it is made.
export interface ExportCheck {
  prompts: number;
  new_tokens: number;
  max_logit_diff: number;
  agreement_records: number;
}

// Input of merge: base model (unquantized) + best adapter -> one Hugging Face folder.
export interface MergeInput {
  run_dir: string;
  model_path: string;
  model: ModelConfig;
  adapter_dir: string;
  val_path: string;
  out_dir: string;
  record_format: 'text' | 'chat';
  check: ExportCheck;
}

// The merged folder and its check against the adapter model.
export interface MergeOutput {
  merged_dir: string;
  bytes: number;
  check_prompts: number;
  check_new_tokens: number;
  tokens_equal: boolean;
  max_logit_diff: number;
  reused: boolean;
  wall_time_s: number;
}

// Input of export_onnx (fp32) and quantize_onnx (int8/int4, agreement with reference_dir).
export interface ExportInput {
  run_dir: string;
  merged_dir: string;
  out_dir: string;
  settings: QuantSettings;
  val_path: string;
  record_format: 'text' | 'chat';
  check: ExportCheck;
  reference_dir: string | null;
  /** auto (the builder when it supports the architecture, else torch), builder, or torch (torch.onnx.export fallback). */
  exporter: 'auto' | 'builder' | 'torch';
}

// One ONNX variant folder, who made it, and its check figures.
export interface ExportOutput {
  variant: 'fp32' | 'int8' | 'int4';
  path: string;
  bytes: number;
  exporter: string;
  settings: QuantSettings;
  check_prompts: number;
  check_new_tokens: number;
  tokens_equal: boolean | null;
  max_logit_diff: number | null;
  top1_agreement: number | null;
  agreement_positions: number;
  reused: boolean;
  wall_time_s: number;
}

// The Python activities, by their registered names.
export interface PyActivities {
  preflight_model(input: PreflightInput): Promise<PreflightOutput>;
  finetune(input: FinetuneInput): Promise<FinetuneOutput>;
  predict(input: PredictInput): Promise<PredictOutput>;
  merge(input: MergeInput): Promise<MergeOutput>;
  export_onnx(input: ExportInput): Promise<ExportOutput>;
  quantize_onnx(input: ExportInput): Promise<ExportOutput>;
  benchmark_python(input: BenchmarkInput): Promise<BenchmarkOutput>;
}

// ---- Benchmark (both halves) ----

// One exported ONNX variant folder.
export interface BenchVariant {
  name: string;
  path: string;
}

// Input of the Python half, benchmark_python: PyTorch fp32 on the merged model and onnxruntime-genai per variant.
export interface BenchmarkInput {
  run_dir: string;
  merged_dir: string;
  cases_path: string;
  out_dir: string;
  variants?: BenchVariant[];
  record_format?: 'text' | 'chat';
  num_prompts?: number;
  new_tokens?: number;
  warmup_runs?: number;
  runs?: number;
  threads?: number;
  pytorch?: boolean;
}

// What the Python half measured (rows in lib/bench/table.ts's shape), and the prompts file both halves run.
export interface BenchmarkOutput {
  host: BenchHost;
  read_bandwidth_bytes_per_s: number;
  prompts_path: string;
  results: BenchRow[];
  results_path: string;
}

// Input of the TypeScript half: the Python half's output, the variants, and the tools for the grammar's cost.
export interface BenchmarkEngineInput {
  run_dir: string;
  out_dir: string;
  python: BenchmarkOutput;
  variants: BenchVariant[];
  tools_path: string | null;
  grammar_variant: string | null;
}

// The joined tables (one per host) and where they were written.
export interface BenchmarkEngineOutput {
  tables: BenchTable[];
  json_path: string;
  markdown_path: string;
}
