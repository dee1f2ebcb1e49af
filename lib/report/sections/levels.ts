// Section "Baseline against fine-tuned": the five validation levels per case set (validation split, the
// guide's fixed suite, the held-out requests when the run scored them), as grouped bars and a table.
import { renderChart, type ChartSpec } from '../chart';
import { escapeHtml, pct, renderTable, type Cell, type Section } from '../html';
import type { RunData } from '../run-data';
import { formatRateInterval, INTERVAL_NOTE } from '../../score/interval';

// The five validation levels, in the guide's order, with their short chart labels.
export const LEVEL_LABELS: [string, string][] = [
  ['tool_detection', 'detection'],
  ['tool_parsing', 'parsing'],
  ['tool_accuracy', 'tool acc.'],
  ['param_accuracy', 'param acc.'],
  ['schema_validity', 'schema'],
];

// The case sets a summary can hold, with the keys of their baseline and fine-tuned metrics.
export const CASE_SETS: { key: string; title: string; baseline: string; finetuned: string }[] = [
  { key: 'val', title: 'validation split', baseline: 'baseline', finetuned: 'finetuned' },
  { key: 'suite', title: "the guide's fixed suite", baseline: 'baseline_suite', finetuned: 'finetuned_suite' },
  { key: 'holdout', title: 'held-out requests', baseline: 'baseline_holdout', finetuned: 'finetuned_holdout' },
];

// The five levels' keys: the metrics that count every case of a set, so the ones with an interval over `total`.
const LEVEL_KEYS = new Set(LEVEL_LABELS.map(([k]) => k));

// Metric keys the table shows beyond the five levels when a summary carries them (detection precision...).
const SKIP = new Set(['total', 'failed', 'passed', 'per_tool', 'per_category', 'per_difficulty', 'errors', 'latency_ms', 'quality', ...LEVEL_KEYS]);

// The grouped bar chart of one case set: one bar per (level, model).
export function buildLevelsChart(title: string, baseline: Record<string, unknown> | undefined, finetuned: Record<string, unknown> | undefined, thresholds: Record<string, number> = {}): ChartSpec {
  const values = LEVEL_LABELS.flatMap(([key, label]) => [
    ...(baseline && typeof baseline[key] === 'number' ? [{ level: label, model: 'baseline', value: baseline[key] as number }] : []),
    ...(finetuned && typeof finetuned[key] === 'number' ? [{ level: label, model: 'fine-tuned', value: finetuned[key] as number }] : []),
  ]);
  const rules = LEVEL_LABELS.flatMap(([key, label]) => (typeof thresholds[key] === 'number' ? [{ level: label, threshold: thresholds[key] }] : []));
  const x = { field: 'level', type: 'nominal', title: null, sort: LEVEL_LABELS.map(([, l]) => l), axis: { labelAngle: 0 } } as const;
  return {
    title: { text: title, fontSize: 13 },
    width: 330, height: 200,
    encoding: { x },
    layer: [
      {
        data: { values },
        mark: { type: 'bar', tooltip: true },
        encoding: {
          xOffset: { field: 'model', sort: ['baseline', 'fine-tuned'] },
          y: { field: 'value', type: 'quantitative', title: 'cases passing', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
          color: { field: 'model', type: 'nominal', title: null, sort: ['baseline', 'fine-tuned'], scale: { range: ['#9498a0', '#4269d0'] } },
        },
      },
      {
        data: { values: rules },
        mark: { type: 'tick', color: '#c0392b', thickness: 2, size: 40 },
        encoding: { y: { field: 'threshold', type: 'quantitative' } },
      },
    ],
  } as ChartSpec;
}

// Renders the section from the summary's metrics; null when the run scored nothing.
export async function renderLevelsSection(data: RunData): Promise<Section | null> {
  const metrics = data.summary.metrics ?? {};
  const thresholds = data.summary.thresholds ?? {};
  const present = CASE_SETS.filter((s) => metrics[s.baseline] || metrics[s.finetuned]);
  if (present.length === 0) return null;
  const figures: string[] = [];
  const rows: Cell[][] = [];
  for (const set of present) {
    const b = metrics[set.baseline] as Record<string, unknown> | undefined;
    const f = metrics[set.finetuned] as Record<string, unknown> | undefined;
    const total = (f?.total ?? b?.total) as number | undefined;
    figures.push(`<figure>${await renderChart(buildLevelsChart(`${set.title}${total ? ` (${total} cases)` : ''}`, b, f, set.key === 'val' ? thresholds : {}))}</figure>`);
    const extra = [...new Set([...Object.keys(b ?? {}), ...Object.keys(f ?? {})])].filter((k) => !SKIP.has(k) && (typeof b?.[k] === 'number' || typeof f?.[k] === 'number'));
    for (const [key, label] of [...LEVEL_LABELS, ...extra.map((k) => [k, k.replace(/_/g, ' ')] as [string, string])]) {
      const before = b?.[key];
      const after = f?.[key];
      const change: Cell = typeof before === 'number' && typeof after === 'number'
        ? { text: `${after >= before ? '+' : ''}${((after - before) * 100).toFixed(1)} pts`, cls: after > before ? 'good' : after < before ? 'bad' : 'muted' } : null;
      const interval = LEVEL_KEYS.has(key) ? formatRateInterval(after, f?.total) : null;
      rows.push([set.title, label, set.key === 'val' && thresholds[key] !== undefined ? pct(thresholds[key]) : null, pct(before), pct(after), interval, change]);
    }
  }
  const missing = CASE_SETS.filter((s) => !present.includes(s)).map((s) => s.title);
  return {
    id: 'levels', title: 'Baseline against fine-tuned',
    html: `<p class="note">Share of cases passing each validation level, all or nothing per case. Fine-tuned: the best attempt${data.summary.bestAttempt ? ` (attempt ${data.summary.bestAttempt})` : ''}. Red ticks: the spec's thresholds. ${escapeHtml(INTERVAL_NOTE)}${missing.length ? ` Not scored in this run: ${escapeHtml(missing.join(', '))}.` : ''}</p>
<div class="charts">${figures.join('\n')}</div>
${renderTable(['Case set', 'Metric', 'Threshold', 'Baseline', 'Fine-tuned', '95 % interval', 'Change'], rows, { numeric: [2, 3, 4, 5, 6] })}`,
  };
}
