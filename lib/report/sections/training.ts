// Section "Training": train and eval loss per optimizer step, one colour per attempt, the best step and an
// early stop marked, plus each attempt's figures in a table.
import { renderChart, type ChartSpec } from '../chart';
import { escapeHtml, renderTable, type Section } from '../html';
import type { AttemptCurve, RunData } from '../run-data';

// The step whose adapter the attempt returned: the best step unless load_best_model_at_end was false.
function keptStep(c: AttemptCurve): number | null {
  return c.adapter_step ?? c.best_step;
}

// The Vega-Lite spec of the loss chart: lines per (attempt, train/eval), eval points, best-step rules.
export function buildLossChart(curves: AttemptCurve[]): ChartSpec {
  const rows = curves.flatMap((c) => [
    ...c.train.map((p) => ({ attempt: `attempt ${c.attempt}`, series: 'train loss', step: p.step, loss: p.loss })),
    ...c.eval.map((p) => ({ attempt: `attempt ${c.attempt}`, series: 'eval loss', step: p.step, loss: p.eval_loss })),
  ]);
  const marks = curves.flatMap((c) => {
    const kept = keptStep(c);
    return [
      ...(c.best_step !== null ? [{ attempt: `attempt ${c.attempt}`, step: c.best_step, label: `best step ${c.best_step}` }] : []),
      ...(kept !== null && kept !== c.best_step ? [{ attempt: `attempt ${c.attempt}`, step: kept, label: `adapter kept: step ${kept}` }] : []),
      ...(c.stopped_early ? [{ attempt: `attempt ${c.attempt}`, step: c.optimizer_steps, label: `early stop at ${c.optimizer_steps}` }] : []),
    ];
  });
  const color = { field: 'attempt', type: 'nominal', title: 'attempt' } as const;
  return {
    width: 640, height: 280,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 1.6, interpolate: 'monotone' },
        encoding: {
          x: { field: 'step', type: 'quantitative', title: 'optimizer step' },
          y: { field: 'loss', type: 'quantitative', title: 'loss', scale: { zero: false } },
          color, strokeDash: { field: 'series', type: 'nominal', title: 'series', sort: ['train loss', 'eval loss'] },
          detail: { field: 'series' },
        },
      },
      {
        data: { values: rows.filter((r) => r.series === 'eval loss') },
        mark: { type: 'point', filled: true, size: 36 },
        encoding: { x: { field: 'step', type: 'quantitative' }, y: { field: 'loss', type: 'quantitative' }, color },
      },
      {
        data: { values: marks },
        mark: { type: 'rule', strokeDash: [3, 3], strokeWidth: 1.2 },
        encoding: { x: { field: 'step', type: 'quantitative' }, color },
      },
      {
        data: { values: marks },
        mark: { type: 'text', angle: 270, align: 'left', dx: 4, dy: -4, fontSize: 10, baseline: 'bottom' },
        encoding: { x: { field: 'step', type: 'quantitative' }, y: { value: 270 }, text: { field: 'label' }, color },
      },
    ],
  } as ChartSpec;
}

// The spec's evaluation.max_new_tokens, when the resolved spec has one.
function maxNewTokens(data: RunData): number | null {
  const v = (data.spec?.evaluation as Record<string, unknown> | undefined)?.max_new_tokens;
  return typeof v === 'number' ? v : null;
}

// Renders the training section, or null when no attempt wrote metrics.json.
export async function renderTrainingSection(data: RunData): Promise<Section | null> {
  if (data.curves.length === 0) return null;
  const svg = await renderChart(buildLossChart(data.curves));
  const cap = maxNewTokens(data);
  const cut = data.curves.filter((c) => cap !== null && c.longest_answer_tokens !== null && c.longest_answer_tokens > cap);
  const rows = data.curves.map((c) => {
    const best = c.eval.find((e) => e.step === c.best_step);
    const last = c.train.at(-1);
    return [
      c.attempt, `${c.optimizer_steps}${c.planned_steps ? ` of ${c.planned_steps}` : ''}`, c.best_step, keptStep(c),
      best ? best.eval_loss.toFixed(4) : null, best ? Math.exp(Math.min(best.eval_loss, 50)).toFixed(3) : null,
      last ? last.loss.toFixed(4) : null, c.stopped_early ? { text: 'yes', cls: 'warn' } : 'no',
      c.longest_answer_tokens === null ? null : cut.includes(c) ? { text: String(c.longest_answer_tokens), cls: 'warn' } : c.longest_answer_tokens,
    ];
  });
  const machines = [...new Set(data.curves.flatMap((c) => (c.machine ? [`${c.machine.hostname} (${c.machine.cpu_model}, ${c.machine.cpu_threads} threads${c.machine.gpu_name ? `, ${c.machine.gpu_name}` : ''}, device ${c.machine.device ?? '?'})`] : [])))];
  return {
    id: 'training', title: 'Training',
    html: `<p class="note">Loss on the assistant's part of each example, per optimizer step (solid: training, dashed: evaluation on the validation split). Dashed vertical rules mark the best step (lowest eval loss, whose adapter is kept unless <code>training.load_best_model_at_end</code> is false: then the last step's is) and an early stop.</p>
<div class="charts"><figure>${svg}</figure></div>
${renderTable(['Attempt', 'Steps', 'Best step', 'Adapter kept (step)', 'Best eval loss', 'Eval perplexity', 'Last train loss', 'Stopped early', 'Longest answer (tokens)'], rows, { numeric: [0, 2, 3, 4, 5, 6, 8] })}
${cut.length ? `<p class="note warn">The longest answer trained on is longer than <code>evaluation.max_new_tokens</code> (${cap}): answers that long are cut at evaluation and score as failures. Raise max_new_tokens above it.</p>` : ''}
${machines.length ? `<p class="note">Trained on ${machines.map(escapeHtml).join('; ')}.</p>` : ''}`,
  };
}
