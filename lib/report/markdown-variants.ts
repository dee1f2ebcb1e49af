// report.md's "Quantized variants" section: each variant's accuracy free, under the grammar and on the held-out
// cases, its verdict and the recommended one, then the benchmark's decode figures, so that a terminal or a diff
// shows what report.html shows about them.
import { pct } from './html';
import type { ReportSummary } from './run-data';
import { GRAMMAR_SKIPPED, collectVariants, describeGuideSpeedups, describeVerdict, firstRowPerVariant, formatHeldOut, type VariantRow } from './variants';

// Text made safe for one Markdown table cell: pipes escaped, newlines folded.
export function escapeMarkdownCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

// A Markdown cell: the text escaped, or a dash.
function cell(text: string | null | undefined): string {
  return text ? escapeMarkdownCell(text) : '—';
}

// "tool / param %" for a pair of rates, or null when the first is missing.
function pair(tool: number | null, param: number | null): string | null {
  return tool === null ? null : `${pct(tool)} / ${pct(param)}`;
}

// The section's lines (with a leading blank line); none when validate-quantized and the benchmark did not run.
export function renderVariantsMarkdown(summary: ReportSummary): string[] {
  const { rows } = collectVariants(summary);
  const validated = firstRowPerVariant(rows).filter((r) => r.kept !== null);
  const timed = rows.filter((r): r is VariantRow & { engine: string } => r.engine !== null && r.tokens_per_s !== null);
  if (validated.length === 0 && timed.length === 0) return [];
  const lines = ['', '## Quantized variants'];
  if (validated.length > 0) {
    lines.push('', '| Variant | Val: tool / param | Val with the grammar | Held-out | Verdict |', '| --- | --- | --- | --- | --- |');
    for (const r of validated) {
      const skipped = r.grammar_skipped ? GRAMMAR_SKIPPED : null;
      lines.push(`| ${r.variant} | ${cell(pair(r.tool_accuracy, r.param_accuracy))} | ${cell(pair(r.constrained_tool_accuracy, r.constrained_param_accuracy) ?? skipped)} | ${cell(formatHeldOut(r.holdout) ?? skipped)} | ${cell(describeVerdict(r))} |`);
    }
    const v = summary.validation as { recommended?: string | null; reason?: string } | undefined;
    lines.push('', v?.recommended ? `Recommended: **${v.recommended}** (${v.reason ?? ''}); \`tooltune generate\` and \`serve\` load it.` : `No variant recommended${v?.reason ? `: ${v.reason}` : ''}.`);
  }
  if (timed.length > 0) {
    const times = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)}x`);
    // The PyTorch column only when the benchmark timed PyTorch (benchmark.pytorch).
    const torch = timed.some((r) => r.speedup !== null);
    lines.push('', `| Engine | Variant | Decode tokens/s | Against its fp32 |${torch ? ' Against PyTorch fp32 |' : ''} Latency p50 |`, `| --- | --- | --- | --- |${torch ? ' --- |' : ''} --- |`);
    for (const r of timed) lines.push(`| ${r.engine} | ${r.variant} | ${r.tokens_per_s?.toFixed(1)} | ${times(r.engine_speedup)} |${torch ? ` ${times(r.speedup)} |` : ''} ${r.latency_p50_ms === null ? '—' : `${r.latency_p50_ms.toFixed(0)} ms`} |`);
    const guide = describeGuideSpeedups(timed);
    if (guide) lines.push('', guide);
    const path = (summary.benchmark as { markdown_path?: string } | undefined)?.markdown_path;
    if (path) lines.push('', `Every figure of the benchmark (prefill, time to first token, memory, roofline): ${path}`);
  }
  return lines;
}
