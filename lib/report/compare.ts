// Runs side by side, as experiment trackers show them: the settings that differ, the headline figures of
// each run, and charts of the fine-tuned levels and of the best attempts' eval loss.
import { renderChart, type ChartSpec } from './chart';
import { escapeHtml, pct, renderPage, renderTable, seconds, type Cell } from './html';
import { CASE_SETS, LEVEL_LABELS } from './sections/levels';
import type { RunData } from './run-data';

// One setting that differs between the runs, with each run's value (undefined: the run lacks it).
export interface SettingDiff {
  key: string;
  values: unknown[];
}

// One row of the figures table: a label and each run's value, already formatted.
export interface FigureRow {
  label: string;
  values: string[];
}

// The comparison of a set of runs.
export interface Comparison {
  runs: { id: string; runDir: string }[];
  settings: SettingDiff[];
  figures: FigureRow[];
}

// Flattens a spec into dotted keys with leaf values (arrays compared as JSON).
export function flattenSpec(value: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flattenSpec(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = Array.isArray(value) ? JSON.stringify(value) : value;
  }
  return out;
}

// The spec settings whose values are not the same in every run (the description left out).
export function diffSettings(specs: (Record<string, unknown> | null)[]): SettingDiff[] {
  const flat = specs.map((s) => flattenSpec(s ?? {}));
  const keys = [...new Set(flat.flatMap((f) => Object.keys(f)))].filter((k) => k !== 'description').sort();
  return keys.filter((k) => new Set(flat.map((f) => JSON.stringify(f[k]))).size > 1).map((k) => ({ key: k, values: flat.map((f) => f[k]) }));
}

// The stage time of a run (all calls of the named stage, or all stages).
function stageSeconds(run: RunData, name?: string): number {
  return (run.summary.stages ?? []).filter((s) => !name || s.name === name).reduce((a, s) => a + s.durationMs, 0) / 1000;
}

// Builds the comparison of the given runs.
export function compareRuns(runs: RunData[]): Comparison {
  const figures: FigureRow[] = [
    { label: 'status', values: runs.map((r) => r.summary.status ?? '?') },
    { label: 'model', values: runs.map((r) => r.summary.model ?? '?') },
    { label: 'attempts (best)', values: runs.map((r) => `${r.summary.attempts?.length ?? 0} (${r.summary.bestAttempt ?? '—'})`) },
  ];
  for (const set of CASE_SETS) {
    if (!runs.some((r) => r.summary.metrics?.[set.finetuned])) continue;
    for (const [key, label] of LEVEL_LABELS) {
      figures.push({ label: `${set.key} ${label}`, values: runs.map((r) => pct(r.summary.metrics?.[set.finetuned]?.[key as 'tool_accuracy'])) });
    }
  }
  figures.push(
    { label: 'best eval loss', values: runs.map((r) => bestEvalLoss(r)) },
    { label: 'fine-tuning time', values: runs.map((r) => seconds(stageSeconds(r, 'finetune'))) },
    { label: 'run time (all stages)', values: runs.map((r) => seconds(stageSeconds(r))) },
  );
  return {
    runs: runs.map((r) => ({ id: r.summary.workflowId ?? r.runDir, runDir: r.runDir })),
    settings: diffSettings(runs.map((r) => r.spec)),
    figures,
  };
}

// The best attempt's best eval loss, formatted.
function bestEvalLoss(run: RunData): string {
  const curve = run.curves.find((c) => c.attempt === run.summary.bestAttempt) ?? run.curves[0];
  const best = curve?.eval.find((e) => e.step === curve.best_step);
  return best ? best.eval_loss.toFixed(4) : '—';
}

// Grouped bars: each run's fine-tuned levels on the validation split.
export function buildCompareChart(runs: RunData[]): ChartSpec {
  const names = runs.map((r) => r.summary.workflowId ?? r.runDir);
  const values = runs.flatMap((r, i) => LEVEL_LABELS.flatMap(([key, label]) => {
    const v = r.summary.metrics?.finetuned?.[key as 'tool_accuracy'];
    return typeof v === 'number' ? [{ level: label, run: names[i], value: v }] : [];
  }));
  return {
    title: { text: 'fine-tuned, validation split', fontSize: 13 },
    width: 520, height: 220,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'level', type: 'nominal', title: null, sort: LEVEL_LABELS.map(([, l]) => l), axis: { labelAngle: 0 } },
      xOffset: { field: 'run', sort: names },
      y: { field: 'value', type: 'quantitative', title: 'cases passing', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
      color: { field: 'run', type: 'nominal', title: null, sort: names },
    },
  } as ChartSpec;
}

// Lines: each run's best attempt's eval loss per step.
export function buildCompareLossChart(runs: RunData[]): ChartSpec {
  const values = runs.flatMap((r) => {
    const curve = r.curves.find((c) => c.attempt === r.summary.bestAttempt) ?? r.curves[0];
    return (curve?.eval ?? []).map((e) => ({ run: r.summary.workflowId ?? r.runDir, step: e.step, eval_loss: e.eval_loss }));
  });
  return {
    title: { text: 'eval loss of the best attempt', fontSize: 13 },
    width: 420, height: 220,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'optimizer step' },
      y: { field: 'eval_loss', type: 'quantitative', title: 'eval loss', scale: { zero: false } },
      color: { field: 'run', type: 'nominal', title: null },
    },
  } as ChartSpec;
}

// A setting's value as short text.
export function formatValue(v: unknown): string {
  if (v === undefined) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  return String(v);
}

// The comparison as a self-contained HTML page.
export async function renderCompareHtml(runs: RunData[], cmp: Comparison): Promise<string> {
  const ids = cmp.runs.map((r) => r.id);
  const settings = cmp.settings.length
    ? renderTable(['Setting', ...ids], cmp.settings.map((s) => [s.key, ...s.values.map((v) => formatValue(v) as Cell)]))
    : '<p class="note">The runs' + "'" + ' resolved specs are identical.</p>';
  const charts = [`<figure>${await renderChart(buildCompareChart(runs))}</figure>`];
  if (runs.some((r) => r.curves.length)) charts.push(`<figure>${await renderChart(buildCompareLossChart(runs))}</figure>`);
  const header = `<h1>tooltune: ${runs.length} runs side by side</h1><div class="meta">${cmp.runs.map((r) => `<span class="path">${escapeHtml(r.runDir)}</span>`).join(' · ')}</div>`;
  return renderPage('tooltune compare', header, [
    { id: 'figures', title: 'Figures', html: `<div class="charts">${charts.join('\n')}</div>\n${renderTable(['', ...ids], cmp.figures.map((f) => [f.label, ...f.values]))}` },
    { id: 'settings', title: 'Settings that differ', html: settings },
  ]);
}
