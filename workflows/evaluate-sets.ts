// Predict-and-score calls of the experiment workflow: one predict call for one or more case sets of one model
// (they share its batch in the Python worker), then one score per set. Deterministic workflow code.
import type { DatasetOutput, ModelConfig, PredictInput, PredictOutput, PreflightOutput, RunPlan, ScoreInput, ScoreMetrics, ScoreOutput } from '../activities/types';
import type { RunState } from './run-state';
import type { StageCache } from './stage-cache';

// One case set to predict and score: predictions-<label>.jsonl and score-<label>.json go to outDir.
export interface EvalSet {
  label: string;
  casesPath: string;
  outDir: string;
}

// The stage name of one predict call: predict:<label>, and for more sets of the same model their labels after a
// '+', without the first label's baseline- or attempt-N- prefix (predict:attempt-1+attempt-1-train+... reads as
// predict:attempt-1+train+suite+holdout).
export function predictSlot(labels: string[]): string {
  const owner = /^(baseline|attempt-\d+)/.exec(labels[0] ?? '')?.[0];
  const rest = labels.slice(1).map((l) => (owner && l.startsWith(`${owner}-`) ? l.slice(owner.length + 1) : l));
  return `predict:${[labels[0], ...rest].join('+')}`;
}

// What the evaluator needs from the run.
export interface EvaluatorContext {
  plan: RunPlan;
  state: RunState;
  cache: StageCache;
  dataset: DatasetOutput;
  preflight: PreflightOutput;
  model: ModelConfig;
  baseModel: unknown;
  predict: () => (input: PredictInput) => Promise<PredictOutput>;
  score: () => (input: ScoreInput) => Promise<ScoreOutput>;
}

// Returns evaluateSets(sets, adapterDir, adapterKey): the metrics of each set, in order. A single set keeps the
// stage name and cache key parts it had before sets could be pooled.
export function makeEvaluator(ctx: EvaluatorContext) {
  const { plan, state, cache, dataset, preflight, model, baseModel } = ctx;
  const { spec } = plan;
  return async (sets: EvalSet[], adapterDir: string | null, adapterKey: string | null = null): Promise<ScoreMetrics[]> => {
    const { max_new_tokens, temperature, batch_size } = spec.evaluation;
    const [first, ...rest] = sets as [EvalSet, ...EvalSet[]];
    const outPath = (set: EvalSet) => `${set.outDir}/predictions-${set.label}.jsonl`;
    const casesName = (set: EvalSet) => set.casesPath.split('/').pop();
    const shared = { evaluation: { max_new_tokens, temperature, batch_size }, format: spec.dataset.format, baseModel, adapter: adapterKey };
    const { output: predictions } = await cache.run<PredictOutput>({
      slot: predictSlot(sets.map((set) => set.label)), stage: 'predict', group: adapterDir === null ? 'baseline' : 'finetune',
      parts: rest.length === 0 ? { label: first.label, cases: casesName(first), ...shared } : { labels: sets.map((set) => set.label), cases: sets.map(casesName), ...shared },
      run: () => ctx.predict()({
        run_dir: plan.run_dir, model_path: preflight.model_path, model, adapter_dir: adapterDir, cases_path: first.casesPath,
        out_path: outPath(first), max_new_tokens, temperature, batch_size, record_format: spec.dataset.format,
        ...(rest.length > 0 ? { extra_sets: rest.map((set) => ({ cases_path: set.casesPath, out_path: outPath(set) })) } : {}),
      }),
    });
    const metrics: ScoreMetrics[] = [];
    for (const [i, set] of sets.entries()) {
      const predictionsPath = predictions.sets?.[i]?.predictions_path ?? (i === 0 ? predictions.predictions_path : outPath(set));
      const score = await state.stage(`score:${set.label}`, () =>
        ctx.score()({
          run_dir: plan.run_dir, cases_path: set.casesPath, predictions_path: predictionsPath, tools_path: dataset.tools_path,
          out_path: `${set.outDir}/score-${set.label}.json`, thresholds: spec.evaluation.thresholds,
        }),
      );
      metrics.push(score.metrics);
    }
    return metrics;
  };
}
