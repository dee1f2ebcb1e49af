// Stage "report": the run's summary as JSON, as a Markdown page for terminals and diffs, and as a
// self-contained HTML page with charts (lib/report).
import { writeFileAtomic, writeJsonAtomic } from '../lib/atomic-write';
import { resolveInside } from '../lib/paths';
import type { RunArtifacts } from '../workflows/export-stages';
import { escapeMarkdownCell, pct, renderVariantsMarkdown, writeHtmlReport } from '../lib/report';
import { formatRateInterval, INTERVAL_NOTE } from '../lib/score';
import type { ReportInput, ReportOutput, ScoreMetrics } from './types';

const METRICS: [keyof ScoreMetrics, string][] = [
  ['tool_accuracy', 'Tool accuracy'],
  ['param_accuracy', 'Parameter accuracy'],
  ['tool_detection', 'Tool detection'],
  ['tool_parsing', 'Tool parsing'],
  ['schema_validity', 'Schema validity'],
];

// The 95 % interval of a fine-tuned figure on its case set, e.g. "83.0-95.7 %".
function interval(metrics: ScoreMetrics | undefined, key: keyof ScoreMetrics): string {
  return formatRateInterval(metrics?.[key], metrics?.total) ?? '—';
}

// Bytes as MB with one decimal.
function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

// The merged and ONNX models of the run: size, ratio to fp32, how each was checked, who made it.
export function renderArtifacts(artifacts: RunArtifacts | undefined): string[] {
  if (!artifacts?.merged && !artifacts?.onnx) return [];
  const lines = ['', '## Exported models', '', '| Model | Size | vs fp32 | Check | Made by |', '| --- | --- | --- | --- | --- |'];
  const m = artifacts.merged;
  if (m) lines.push(`| merged (Hugging Face) | ${megabytes(m.bytes)} | — | greedy tokens ${m.tokens_equal ? 'equal' : 'differ'} to the adapter model (${m.check_prompts} prompts × ${m.check_new_tokens}) | peft merge_and_unload |`);
  for (const [name, v] of Object.entries(artifacts.onnx ?? {})) {
    if (!v) continue;
    const check = v.top1_agreement !== null
      ? `top-1 agreement with fp32 ${pct(v.top1_agreement)} (${v.agreement_positions} positions)`
      : `greedy tokens ${v.tokens_equal ? 'equal' : 'differ'} to PyTorch (${v.check_prompts} prompts × ${v.check_new_tokens}), max logit diff ${v.max_logit_diff?.toExponential(1) ?? '—'}`;
    const how = name === 'fp32' ? v.exporter : `${v.exporter}, block ${v.settings.block_size}, accuracy level ${v.settings.accuracy_level}${v.settings.symmetric ? '' : ', asymmetric'}`;
    lines.push(`| ONNX ${name} | ${megabytes(v.bytes)} | ${v.ratio_to_fp32.toFixed(3)} | ${check} | ${how} |`);
  }
  return lines;
}

// Renders the summary as Markdown: outcome, the guide's before/after table, attempts, exported and quantized
// models, stages.
export function renderReport(summary: Record<string, unknown>): string {
  const s = summary as {
    spec?: string; model?: string; status?: string; reason?: string; workflowId?: string; runDir?: string;
    metrics?: {
      baseline?: ScoreMetrics; finetuned?: ScoreMetrics; baseline_suite?: ScoreMetrics; finetuned_suite?: ScoreMetrics;
      baseline_holdout?: ScoreMetrics; finetuned_holdout?: ScoreMetrics;
    };
    thresholds?: Record<string, number>;
    attempts?: { attempt: number; branch: string; status: string; overrides: Record<string, number>; metrics?: ScoreMetrics; train_metrics?: ScoreMetrics }[];
    stages?: { name: string; status: string; attempts: number; durationMs: number; detail?: string }[];
    artifacts?: RunArtifacts;
  };
  const lines = [
    `# tooltune run ${s.workflowId ?? ''}`,
    '',
    `- spec: ${s.spec ?? '?'}; model: ${s.model ?? '?'}`,
    `- status: **${s.status ?? '?'}**${s.reason ? ` (${s.reason})` : ''}`,
    `- run folder: ${s.runDir ?? '?'}`,
    '',
    '## Baseline against fine-tuned (validation cases)',
    '',
    '| Metric | Threshold | Baseline | Fine-tuned | 95 % interval | Change |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const [key, label] of METRICS) {
    const before = s.metrics?.baseline?.[key];
    const after = s.metrics?.finetuned?.[key];
    const change = typeof before === 'number' && typeof after === 'number' ? `${after >= before ? '+' : ''}${((after - before) * 100).toFixed(1)} pts` : '—';
    lines.push(`| ${label} | ${s.thresholds?.[key] !== undefined ? pct(s.thresholds[key]) : '—'} | ${pct(before)} | ${pct(after)} | ${interval(s.metrics?.finetuned, key)} | ${change} |`);
  }
  lines.push('', INTERVAL_NOTE);
  if (s.metrics?.baseline_suite || s.metrics?.finetuned_suite) {
    lines.push('', "## The guide's fixed suite (20 cases)", '', '| Metric | Baseline | Fine-tuned (best attempt) | 95 % interval |', '| --- | --- | --- | --- |');
    for (const [key, label] of METRICS) lines.push(`| ${label} | ${pct(s.metrics.baseline_suite?.[key])} | ${pct(s.metrics.finetuned_suite?.[key])} | ${interval(s.metrics.finetuned_suite, key)} |`);
  }
  if (s.metrics?.baseline_holdout || s.metrics?.finetuned_holdout) {
    const n = s.metrics.finetuned_holdout?.total ?? s.metrics.baseline_holdout?.total ?? 0;
    lines.push('', `## Held-out requests (${n} cases no dataset stage reads)`, '', '| Metric | Baseline | Fine-tuned (best attempt) | 95 % interval |', '| --- | --- | --- | --- |');
    for (const [key, label] of METRICS) lines.push(`| ${label} | ${pct(s.metrics.baseline_holdout?.[key])} | ${pct(s.metrics.finetuned_holdout?.[key])} | ${interval(s.metrics.finetuned_holdout, key)} |`);
  }
  lines.push(...renderDetection(s.metrics ?? {}));
  lines.push('', '## Attempts', '', '| # | Branch | Changes | Status | Tool acc. (val) | Tool acc. (train sample) |', '| --- | --- | --- | --- | --- | --- |');
  for (const a of s.attempts ?? []) {
    const changes = Object.entries(a.overrides).map(([k, v]) => `${k}=${v}`).join(', ') || '—';
    lines.push(`| ${a.attempt} | ${a.branch} | ${changes} | ${a.status} | ${pct(a.metrics?.tool_accuracy)} | ${pct(a.train_metrics?.tool_accuracy)} |`);
  }
  lines.push(...renderArtifacts(s.artifacts));
  lines.push(...renderVariantsMarkdown(summary));
  lines.push('', '## Stages', '', '| Stage | Status | Calls | Time | Note |', '| --- | --- | --- | --- | --- |');
  for (const st of s.stages ?? []) {
    lines.push(`| ${st.name} | ${st.status} | ${st.attempts} | ${(st.durationMs / 1000).toFixed(1)} s | ${escapeMarkdownCell(st.detail ?? '').slice(0, 200)} |`);
  }
  return `${lines.join('\n')}\n`;
}

// Detection split into recall, precision and false calls, per case set that has no-tool cases or any calls.
function renderDetection(metrics: Record<string, ScoreMetrics | undefined>): string[] {
  const sets: [string, string][] = [['baseline', 'Val, baseline'], ['finetuned', 'Val, fine-tuned'], ['baseline_suite', 'Suite, baseline'],
    ['finetuned_suite', 'Suite, fine-tuned'], ['baseline_holdout', 'Held-out, baseline'], ['finetuned_holdout', 'Held-out, fine-tuned']];
  const rows = sets.flatMap(([key, label]) => {
    const d = metrics[key]?.detection;
    if (!d) return [];
    return [`| ${label} | ${pct(d.recall)} | ${pct(d.precision)} | ${d.false_calls} / ${d.no_tool_cases} | ${pct(d.false_call_rate)} |`];
  });
  if (rows.length === 0) return [];
  return ['', '## Detection: recall, precision, false calls', '', 'Recall: tool cases whose output calls a tool. Precision: outputs with a call that were meant to call. False calls: no-tool cases (no tool fits) that call one anyway.', '',
    '| Case set | Recall | Precision | False calls | False-call rate |', '| --- | --- | --- | --- | --- |', ...rows];
}

// Writes report.md and report.html into the run folder from its summary (atomically); `tooltune report` calls
// it to rebuild both after an upgrade.
export async function writeReportPages(runDir: string, summary: Record<string, unknown>): Promise<{ report_path: string; html_path: string }> {
  const reportPath = resolveInside(runDir, 'report.md');
  await writeFileAtomic(reportPath, renderReport(summary));
  return { report_path: reportPath, html_path: await writeHtmlReport(runDir, summary) };
}

// Writes summary.json, report.md and report.html into the run folder.
export async function writeReport(input: ReportInput): Promise<ReportOutput> {
  const summaryPath = resolveInside(input.run_dir, 'summary.json');
  await writeJsonAtomic(summaryPath, input.summary);
  return { summary_path: summaryPath, ...(await writeReportPages(input.run_dir, input.summary)) };
}
