// Stage "validate-quantized": every ONNX variant predicts the run's case sets in the TypeScript engine, the run's
// scorer scores them, and the guide's rule keeps or rejects each variant against the fine-tuned PyTorch model.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ApplicationFailure } from '@temporalio/activity';
import { writeFileAtomic, writeJsonAtomic } from '../lib/atomic-write';
import type { Engine } from '../lib/inference';
import { SMALLEST_FIRST, VALIDATION_DIR, VALIDATION_FILE, withinMaxDrop } from '../lib/inference/choose-variant';
import { DEFAULT_BATCH_SIZE } from '../lib/inference/defaults';
import { InferenceError } from '../lib/inference/errors';
import { resolveInside } from '../lib/paths';
import { parseCase, readJsonl, type Case } from '../lib/score';
import { activityContext } from './activity-context';
import { scorePredictions } from './score';
import type { ToolDefinition } from '../lib/tools/tool-definition';
import type { ScoreMetrics, ValidateQuantizedInput, ValidateQuantizedOutput, VariantVerdict } from './types';

// The guide's floor: a kept variant's tool accuracy stays above 90 %.
export const MIN_TOOL_ACCURACY = 0.9;

// Kept when tool accuracy is above the floor and neither tool nor parameter accuracy fell by more than
// max_accuracy_drop; reasons say why not. Parameters count too: a variant that calls the right tool with the wrong
// arguments has lost accuracy for a tool caller, and INT4 can keep every tool and lose a tenth of the arguments.
export function judgeVariant(metrics: ScoreMetrics, reference: ScoreMetrics, maxDrop: number, floor = MIN_TOOL_ACCURACY): { kept: boolean; drop: number; paramDrop: number; reasons: string[] } {
  const drop = reference.tool_accuracy - metrics.tool_accuracy;
  const paramDrop = reference.param_accuracy - metrics.param_accuracy;
  const reasons: string[] = [];
  if (!(metrics.tool_accuracy > floor)) reasons.push(`tool_accuracy ${pct(metrics.tool_accuracy)} is not above ${pct(floor)}`);
  for (const [level, fell, from] of [['tool_accuracy', drop, reference.tool_accuracy], ['param_accuracy', paramDrop, reference.param_accuracy]] as const) {
    if (!withinMaxDrop(fell, maxDrop)) reasons.push(`${level} fell ${pct(fell)} against the fine-tuned PyTorch model (${pct(from)}), more than max_accuracy_drop ${pct(maxDrop)}`);
  }
  return { kept: reasons.length === 0, drop, paramDrop, reasons };
}

// The smallest kept variant (bytes on disk), or null with the reason none passed.
export function recommendVariant(verdicts: Pick<VariantVerdict, 'format' | 'kept' | 'bytes_on_disk'>[]): VariantVerdict['format'] | null {
  const kept = verdicts.filter((v) => v.kept);
  kept.sort((a, b) => a.bytes_on_disk - b.bytes_on_disk || SMALLEST_FIRST.indexOf(a.format) - SMALLEST_FIRST.indexOf(b.format));
  return kept[0]?.format ?? null;
}

// The activity: predictions and scores of every variant on every case set, verdicts, and validation.json.
export async function validateQuantized(input: ValidateQuantizedInput): Promise<ValidateQuantizedOutput> {
  const outDir = resolveInside(input.run_dir, input.out_dir ?? VALIDATION_DIR);
  const sets = await Promise.all(input.case_sets.map(async (s) => ({ ...s, cases: await readJsonl(resolveInside(input.run_dir, s.cases_path), parseCase) })));
  const judged = sets.filter((s) => s.judge);
  if (judged.length === 0) throw invalid('case_sets: at least one set must have judge: true (normally val)');
  for (const s of judged) if (!s.reference) throw invalid(`case_sets: the judged set '${s.label}' needs the fine-tuned PyTorch metrics as reference`);
  if (input.variants.length === 0) throw invalid('variants: nothing to validate');
  for (const s of judged) if (s.constrained_only) throw invalid(`case_sets: the judged set '${s.label}' cannot be constrained_only (the rule judges its free pass)`);
  // With constrained decoding on, every set is predicted twice, free then under the tools' grammar, except
  // constrained_only sets, which skip the free pass.
  const modes = input.constrained ? [false, true] : [false];
  const tools = input.constrained ? (JSON.parse(readFileSync(input.tools_path, 'utf8')) as ToolDefinition[]) : [];
  // The sets each mode predicts: a constrained_only set only under the grammar (when it is on).
  const setsOf = (constrained: boolean) => sets.filter((s) => constrained || !input.constrained || !s.constrained_only);
  const total = input.variants.length * modes.reduce((n, m) => n + setsOf(m).reduce((k, s) => k + s.cases.length, 0), 0);
  const progress = { variant: '', set: '', done: 0, total };
  const verdicts: VariantVerdict[] = [];
  for (const variant of input.variants) {
    const dir = resolveInside(input.run_dir, variant.dir);
    progress.variant = variant.format;
    let engine: Engine;
    try {
      // Loaded on use: the worker starts without the onnxruntime and tokenizers native modules.
      const { loadEngine } = await import('../lib/inference');
      // Idle onnxruntime threads sleep rather than spin: between steps the JS thread does the grammar and stop-rule
      // work, and a shared machine's other processes want the cores too (docs/BENCHMARKS.md).
      engine = await loadEngine(dir, { recordFormat: input.record_format, spinning: input.spinning ?? false, ...(input.threads ? { threads: input.threads } : {}) });
    } catch (err) {
      if (err instanceof InferenceError) throw ApplicationFailure.nonRetryable(err.message, 'ModelNotFound');
      throw err;
    }
    const verdict: VariantVerdict = {
      format: variant.format, dir, kept: true, reasons: [], bytes_on_disk: folderBytes(dir), tool_accuracy_drop: null, param_accuracy_drop: null,
      max_accuracy_drop: variant.max_accuracy_drop, metrics: {}, predictions_paths: {}, report_paths: {}, mean_latency_ms: 0, predict_wall_ms: {},
    };
    let latencySum = 0;
    let latencyCount = 0;
    // Set by the free pass when the variant lost more than max_accuracy_drop on a judged set: such a variant is
    // neither recommended nor the faithful fallback that `serve` loads, so its pass under the grammar is skipped.
    let unfaithful = false;
    try {
      for (const constrained of modes) {
        if (constrained && unfaithful) {
          verdict.constrained_skipped = 'not run: the free pass lost more than max_accuracy_drop on a judged set';
          progress.total -= setsOf(true).reduce((k, s) => k + s.cases.length, 0);
          beat(progress);
          continue;
        }
        // Every set of a mode in one batched call, so the batch stays full across set boundaries.
        const compiler = constrained ? await engine.constraints() : null;
        const modeSets = setsOf(constrained);
        const all = modeSets.flatMap((set) => set.cases);
        progress.set = constrained ? 'all-constrained' : 'all';
        const started = performance.now();
        const results = await engine.generateCases(all, {
          maxNewTokens: input.max_new_tokens, temperature: input.temperature, batchSize: input.batch_size ?? DEFAULT_BATCH_SIZE,
          constraintFor: compiler ? () => compiler.start(tools, 'auto') : undefined,
          onResult: () => {
            progress.done += 1;
            beat(progress);
          },
        });
        verdict.predict_wall_ms[constrained ? 'constrained' : 'free'] = performance.now() - started;
        let offset = 0;
        for (const set of modeSets) {
          const label = constrained ? `${set.label}-constrained` : set.label;
          const predictionsPath = path.join(outDir, variant.format, `predictions-${label}.jsonl`);
          const lines: string[] = [];
          for (const c of set.cases) {
            const r = results[offset++]!;
            lines.push(predictionLine(c, r.text, r.latencyMs));
            if (!constrained) {
              latencySum += r.latencyMs;
              latencyCount += 1;
            }
          }
          await writeFileAtomic(predictionsPath, lines.join(''));
          const score = await scorePredictions({
            run_dir: input.run_dir, cases_path: resolveInside(input.run_dir, set.cases_path), predictions_path: predictionsPath,
            tools_path: input.tools_path, out_path: path.join(outDir, variant.format, `score-${label}.json`), thresholds: input.thresholds,
          });
          verdict.metrics[label] = score.metrics;
          verdict.predictions_paths[label] = predictionsPath;
          verdict.report_paths[label] = score.report_path;
          if (!constrained && set.judge && set.reference) {
            const j = judgeVariant(score.metrics, set.reference, variant.max_accuracy_drop, input.min_tool_accuracy ?? MIN_TOOL_ACCURACY);
            verdict.tool_accuracy_drop = Math.max(verdict.tool_accuracy_drop ?? -Infinity, j.drop);
            verdict.param_accuracy_drop = Math.max(verdict.param_accuracy_drop ?? -Infinity, j.paramDrop);
            verdict.reasons.push(...j.reasons.map((r) => `${set.label}: ${r}`));
            if (!withinMaxDrop(j.drop, variant.max_accuracy_drop) || !withinMaxDrop(j.paramDrop, variant.max_accuracy_drop)) unfaithful = true;
          }
        }
      }
    } finally {
      await engine.close();
    }
    verdict.kept = verdict.reasons.length === 0;
    verdict.mean_latency_ms = latencyCount ? latencySum / latencyCount : 0;
    verdicts.push(verdict);
  }
  const recommended = recommendVariant(verdicts);
  const reason = recommended
    ? `${recommended} is the smallest variant that keeps the accuracy`
    : `no variant passes: ${verdicts.map((v) => `${v.format} (${v.reasons.join('; ')})`).join('; ')}`;
  const summaryPath = path.join(outDir, path.basename(VALIDATION_FILE));
  const output: ValidateQuantizedOutput = { variants: verdicts, recommended, reason, summary_path: summaryPath };
  await writeJsonAtomic(summaryPath, output);
  return output;
}

// One line as predict.py writes it: json.dumps({"id", "output", "latency_ms": round(ms, 3)}, ensure_ascii=False).
export function predictionLine(c: Case, output: string, latencyMs: number): string {
  const ms = Math.round(latencyMs * 1000) / 1000;
  const num = Number.isInteger(ms) ? `${ms}.0` : String(ms);
  return `{"id": ${JSON.stringify(c.id)}, "output": ${JSON.stringify(output)}, "latency_ms": ${num}}\n`;
}

function folderBytes(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    n += entry.isDirectory() ? folderBytes(p) : statSync(p).size;
  }
  return n;
}

// Heartbeats progress when running as an activity; stops between cases once the activity is cancelled.
function beat(details: unknown): void {
  const ctx = activityContext();
  if (!ctx) return; // called directly (tests, scripts): no activity context
  ctx.heartbeat(details);
  if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason ?? new Error('validate-quantized cancelled');
}

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, 'InvalidSpec');
}

function pct(v: number): string {
  return `${(v * 100).toFixed(1)} %`;
}
