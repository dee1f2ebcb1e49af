// The export half of the pipeline: merge the best adapter, export the fp32 ONNX reference, quantize it to the
// spec's int8/int4 formats. Deterministic workflow code: the activities do the work, this file only orders them.
import type { DatasetOutput, ExportInput, ExportOutput, MergeOutput, ModelConfig, PreflightOutput, PyActivities, RunPlan } from '../activities/types';
import { planVariants, type OnnxPrecision, type PlannedVariant } from '../lib/spec/quantization';
import type { RunState } from './run-state';

// One ONNX variant in the summary: where it is, what it costs on disk, who made it, and its check figures.
export interface OnnxArtifact {
  path: string;
  bytes: number;
  ratio_to_fp32: number;
  exporter: string;
  settings: ExportOutput['settings'];
  tokens_equal: boolean | null;
  max_logit_diff: number | null;
  top1_agreement: number | null;
  agreement_positions: number;
  check_prompts: number;
  check_new_tokens: number;
  max_accuracy_drop: number | null;
  wall_time_s: number;
  reused: boolean;
}

// summary.artifacts: the merged Hugging Face folder and the ONNX variants by precision.
export interface RunArtifacts {
  merged?: Pick<MergeOutput, 'bytes' | 'tokens_equal' | 'max_logit_diff' | 'check_prompts' | 'check_new_tokens' | 'wall_time_s' | 'reused'> & { path: string };
  onnx?: Partial<Record<OnnxPrecision, OnnxArtifact>>;
}

// What the export stages need from the rest of the run.
export interface ExportContext {
  plan: RunPlan;
  state: RunState;
  dataset: DatasetOutput;
  preflight: PreflightOutput;
  model: ModelConfig;
  adapterDir: string;
  py: (stage: 'merge' | 'export' | 'quantize') => PyActivities;
}

// Summary entry of one built variant.
function describeVariant(out: ExportOutput, fp32Bytes: number, planned: PlannedVariant): OnnxArtifact {
  return {
    path: out.path, bytes: out.bytes, ratio_to_fp32: fp32Bytes > 0 ? Math.round((out.bytes / fp32Bytes) * 1000) / 1000 : 0,
    exporter: out.exporter, settings: out.settings, tokens_equal: out.tokens_equal, max_logit_diff: out.max_logit_diff,
    top1_agreement: out.top1_agreement, agreement_positions: out.agreement_positions, check_prompts: out.check_prompts,
    check_new_tokens: out.check_new_tokens, max_accuracy_drop: planned.max_accuracy_drop, wall_time_s: out.wall_time_s, reused: out.reused,
  };
}

// Runs merge -> export (fp32) -> quantize (each int8/int4 format) and fills artifacts as each finishes.
export async function runExportStages(ctx: ExportContext, artifacts: RunArtifacts): Promise<void> {
  const { plan, state, dataset } = ctx;
  const { spec } = plan;
  const check = spec.quantization.check;
  const root = `${plan.run_dir}/export`;
  const merged = await state.stage('merge', () => ctx.py('merge').merge({
    run_dir: plan.run_dir, model_path: ctx.preflight.model_path, model: ctx.model, adapter_dir: ctx.adapterDir,
    val_path: dataset.val_path, out_dir: `${root}/merged`, record_format: spec.dataset.format, check,
  }));
  artifacts.merged = {
    path: merged.merged_dir, bytes: merged.bytes, tokens_equal: merged.tokens_equal, max_logit_diff: merged.max_logit_diff,
    check_prompts: merged.check_prompts, check_new_tokens: merged.check_new_tokens, wall_time_s: merged.wall_time_s, reused: merged.reused,
  };
  const { reference, quantized } = planVariants(spec.quantization);
  const input = (v: PlannedVariant, referenceDir: string | null): ExportInput => ({
    run_dir: plan.run_dir, merged_dir: merged.merged_dir, out_dir: `${root}/onnx/${v.settings.precision}`, settings: v.settings,
    val_path: dataset.val_path, record_format: spec.dataset.format, check, reference_dir: referenceDir, exporter: spec.quantization.exporter,
  });
  const fp32 = await state.stage('export', () => ctx.py('export').export_onnx(input(reference, null)));
  artifacts.onnx = { fp32: describeVariant(fp32, fp32.bytes, reference) };
  if (quantized.length === 0) state.markStage('quantize', 'skipped', 'no int8 or int4 format in quantization.formats');
  for (const v of quantized) {
    const out = await state.stage(`quantize:${v.settings.precision}`, () => ctx.py('quantize').quantize_onnx(input(v, fp32.path)));
    artifacts.onnx[v.settings.precision] = describeVariant(out, fp32.bytes, v);
  }
}
