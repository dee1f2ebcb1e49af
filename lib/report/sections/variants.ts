// Section "Exported and quantized variants": per variant its size, agreement, accuracy free and under the
// grammar, held-out figures, call validity and verdict (kept or rejected); per engine and variant the benchmark's latency,
// tokens/s and speedup, with a tokens/s chart when the benchmark ran.
import { renderChart, type ChartSpec } from '../chart';
import { bytes, escapeHtml, pct, renderTable, type Section } from '../html';
import { formatMachine } from '../machine';
import type { RunData } from '../run-data';
import { GRAMMAR_SKIPPED, collectVariants, describeGuideSpeedups, describeVerdict, firstRowPerVariant, formatHeldOut, type VariantRow } from '../variants';

// A cell under the grammar that validate-quantized skipped says so, rather than looking like a figure never asked for.
const skippedCell = (r: VariantRow) => (r.grammar_skipped ? GRAMMAR_SKIPPED : null);

// Horizontal bars of decode tokens/s per (engine, variant).
export function buildThroughputChart(rows: VariantRow[]): ChartSpec {
  const values = rows.filter((r) => r.tokens_per_s !== null).map((r) => ({ name: r.engine ? `${r.variant} · ${r.engine}` : r.variant, variant: r.variant, tokens_per_s: r.tokens_per_s }));
  return {
    width: 420, height: { step: 22 },
    data: { values },
    layer: [
      { mark: { type: 'bar' }, encoding: { y: { field: 'name', type: 'nominal', title: null, sort: '-x' }, x: { field: 'tokens_per_s', type: 'quantitative', title: 'generated tokens / s' }, color: { field: 'variant', type: 'nominal', legend: null } } },
      { mark: { type: 'text', align: 'left', dx: 3, fontSize: 10 }, encoding: { y: { field: 'name', type: 'nominal', sort: '-x' }, x: { field: 'tokens_per_s', type: 'quantitative' }, text: { field: 'tokens_per_s', type: 'quantitative', format: '.1f' } } },
    ],
  } as ChartSpec;
}

// Renders the section; null when the run exported no variant and benchmarked nothing. Two tables, so that
// neither grows wider than the page: what each variant is and how it scored, then each engine's timing of it.
export async function renderVariantsSection(data: RunData): Promise<Section | null> {
  const { rows, machine } = collectVariants(data.summary);
  if (rows.length === 0) return null;
  const fmt = (n: number | null, digits: number, unit = '') => (n === null ? null : `${n.toFixed(digits)}${unit}`);
  const variants = renderTable(
    ['Variant', 'Size', 'vs fp32', 'Exporter', 'Agreement', 'Tool acc.', 'Param acc.', 'With grammar', 'Held-out', 'Calls valid', 'Verdict'],
    firstRowPerVariant(rows).map((r) => [
      r.variant, bytes(r.bytes), r.ratio_to_fp32 === null ? null : `${(r.ratio_to_fp32 * 100).toFixed(1)} %`, r.exporter, r.agreement,
      r.tool_accuracy === null ? null : pct(r.tool_accuracy), r.param_accuracy === null ? null : pct(r.param_accuracy),
      r.constrained_tool_accuracy === null ? skippedCell(r) : `${pct(r.constrained_tool_accuracy)} / ${r.constrained_param_accuracy === null ? '–' : pct(r.constrained_param_accuracy)}`,
      formatHeldOut(r.holdout) ?? skippedCell(r),
      r.calls_valid_free === null && r.calls_valid_constrained === null ? null : `${r.calls_valid_free === null ? '–' : pct(r.calls_valid_free)} → ${r.calls_valid_constrained === null ? '–' : pct(r.calls_valid_constrained)}`,
      r.kept === null ? null : { text: describeVerdict(r) as string, cls: r.kept ? 'good' : 'bad' },
    ]),
    { numeric: [1, 2, 5, 6] },
  );
  const timed = rows.filter((r) => r.engine !== null);
  const torch = timed.some((r) => r.speedup !== null); // the PyTorch column only when the benchmark timed it
  const timings = timed.length === 0 ? '' : `<h3>Benchmark</h3>\n${renderTable(
    ['Variant', 'Engine', 'Size', 'Latency p50', 'p95', 'Tokens/s', 'vs its fp32', ...(torch ? ['vs PyTorch'] : [])],
    timed.map((r) => [r.variant, r.engine, bytes(r.bytes), fmt(r.latency_p50_ms, 0, ' ms'), fmt(r.latency_p95_ms, 0, ' ms'), fmt(r.tokens_per_s, 1), fmt(r.engine_speedup, 2, '×'), ...(torch ? [fmt(r.speedup, 2, '×')] : [])]),
    { numeric: torch ? [2, 3, 4, 5, 6, 7] : [2, 3, 4, 5, 6] },
  )}`;
  const guide = describeGuideSpeedups(timed);
  const benchmarked = rows.some((r) => r.tokens_per_s !== null);
  const chart = benchmarked ? `<div class="charts"><figure>${await renderChart(buildThroughputChart(rows))}<figcaption>measured on ${escapeHtml(formatMachine(machine))}</figcaption></figure></div>` : '';
  return {
    id: 'variants', title: 'Exported and quantized variants',
    html: `<p class="note">Accuracy on val; "with grammar": tool / parameter accuracy under the tools' grammar; "held-out": tool / parameter accuracy on the held-out cases and the no-tool ones answered with a call, decoded as marked; "calls valid": of the outputs that call, the share whose calls parse and fit their schemas, over every set, free → with the grammar. Speedups are decode tokens/s on the same prompts against the same engine's fp32 variant (the guide's measure) and against PyTorch fp32 generate when the benchmark timed it (benchmark.pytorch). ${benchmarked ? `Benchmark machine: ${escapeHtml(formatMachine(machine))}.` : 'The benchmark did not run in this run.'}</p>\n${variants}\n${timings}${guide ? `\n<p class="note">${escapeHtml(guide)}</p>` : ''}\n${chart}`,
  };
}
