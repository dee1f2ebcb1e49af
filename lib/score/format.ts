// Renders a score report as a plain-text table for the terminal (no colours), for `tooltune score`.
import { formatInterval, wilsonInterval } from './interval';
import { ERROR_CATEGORIES, type Breakdown, type ScoreReport } from './types';

// A human-readable summary: the five levels, the breakdowns, the error counts and the first failures.
export function formatScoreReport(report: ScoreReport): string {
  const lines: string[] = [];
  const missing = report.errors.missing_prediction;
  lines.push(`Cases: ${report.total}${missing > 0 ? ` (${missing} without a prediction)` : ''}`, '');
  lines.push(row(['Level', 'Passed', 'Rate', '95 % interval'], [22, 12, 8]));
  const levels = [
    ['Tool detection', 'tool_detection'],
    ['Tool parsing', 'tool_parsing'],
    ['Tool accuracy', 'tool_accuracy'],
    ['Parameter accuracy', 'param_accuracy'],
  ] as const;
  for (const [label, key] of levels) {
    const interval = formatInterval(wilsonInterval(report.passed[key], report.total));
    lines.push(row([label, `${report.passed[key]}/${report.total}`, percent(report[key]), interval], [22, 12, 8]));
  }
  lines.push(
    report.schema_validity === null
      ? row(['Schema validity', 'n/a', '(no tool definitions given)'], [22, 12, 8])
      : row(['Schema validity', `${report.passed.schema_validity}/${report.total}`, percent(report.schema_validity), formatInterval(wilsonInterval(report.passed.schema_validity, report.total))], [22, 12, 8]),
  );
  const v = report.call_validity;
  lines.push(row(['Calls valid', `${v.valid}/${v.outputs_with_calls}`, v.rate === null ? 'n/a' : percent(v.rate)], [22, 12, 8]));
  const d = report.detection;
  lines.push(
    '',
    `Detection: recall ${rateOrNa(d.recall)} (${d.tool_cases} tool cases), precision ${rateOrNa(d.precision)}, ` +
      `false calls ${d.false_calls}/${d.no_tool_cases} no-tool cases (${rateOrNa(d.false_call_rate)})`,
  );
  for (const [title, groups] of [
    ['Per tool', report.per_tool],
    ['Per category', report.per_category],
    ['Per difficulty', report.per_difficulty],
  ] as const) {
    if (Object.keys(groups).length === 0) continue;
    lines.push('', row([title, 'Cases', 'Detect', 'Parse', 'Tool', 'Params'], [22, 7, 8, 8, 8, 8]));
    for (const [key, b] of Object.entries(groups) as [string, Breakdown][]) {
      lines.push(row([clip(key, 21), String(b.total), percent(b.tool_detection), percent(b.tool_parsing), percent(b.tool_accuracy), percent(b.param_accuracy)], [22, 7, 8, 8, 8, 8]));
    }
  }
  const counted = ERROR_CATEGORIES.filter((c) => report.errors[c] > 0);
  lines.push('', counted.length === 0 ? 'Errors: none' : 'Errors');
  for (const c of counted) lines.push(`  ${c.padEnd(22)}${report.errors[c]}`);
  if (report.latency_ms !== null) {
    const l = report.latency_ms;
    lines.push('', `Latency (ms, ${l.count} predictions): mean ${l.mean.toFixed(1)}, p50 ${l.p50.toFixed(1)}, p95 ${l.p95.toFixed(1)}, max ${l.max.toFixed(1)}`);
  }
  if (report.failed > 0) {
    const shown = report.failures.length < report.failed ? ` (first ${report.failures.length} of ${report.failed})` : '';
    lines.push('', `Failures${shown}`);
    for (const f of report.failures) {
      lines.push(`  ${clip(JSON.stringify(f.id), 60)}`);
      for (const r of f.reasons) lines.push(`    - ${r}`);
    }
  }
  return lines.join('\n');
}

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i] ?? 8) : c)).join('').trimEnd();
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function rateOrNa(x: number | null): string {
  return x === null ? 'n/a' : percent(x);
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
