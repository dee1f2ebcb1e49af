// The end of a run as a person reads it, and as the one JSON object `--json` prints.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { describeFailure } from '../lib/error-chain';
import type { RunSummary } from '../workflows/experiment';
import type { ScoreMetrics } from '../activities/types';
import { out, say } from './io';

// How a closed run ended: its summary, or the failure as one line.
export async function readOutcome(handle: WorkflowHandle): Promise<{ summary?: RunSummary; failure?: string }> {
  try {
    return { summary: (await handle.result()) as RunSummary };
  } catch (e) {
    return { failure: describeFailure(e) };
  }
}

// The JSON `run --json` and `status --json` end with.
export function summaryJson(workflowId: string, workflowStatus: string, link: string, summary: RunSummary | undefined, failure?: string): Record<string, unknown> {
  return {
    workflowId,
    workflowStatus,
    status: summary?.status ?? (failure ? 'failed' : workflowStatus.toLowerCase()),
    reason: summary?.reason ?? failure ?? '',
    runDir: summary?.runDir ?? null,
    webUi: link,
    stages: summary?.stages.map(({ name, status, attempts, durationMs }) => ({ name, status, attempts, durationMs })) ?? [],
    attempts: summary?.attempts ?? [],
    metrics: summary?.metrics ?? {},
    thresholds: summary?.thresholds ?? null,
    bestAttempt: summary?.bestAttempt ?? null,
    preflight: summary?.preflight ?? null,
    dataset: summary?.dataset ?? null,
    artifacts: summary?.artifacts ?? null,
    reportPath: summary?.reportPath ?? null,
    // The validate-quantized and benchmark stages' results, when they ran.
    ...(summary?.validation ? { validation: summary.validation } : {}),
    ...(summary?.benchmark ? { benchmark: summary.benchmark } : {}),
    ...(summary?.resumedFrom ? { resumedFrom: summary.resumedFrom, reusedStages: summary.reusedStages ?? [] } : {}),
    ...(failure ? { error: failure } : {}),
  };
}

// A fraction as a percentage.
function pct(v: number | undefined): string {
  return v === undefined ? '   —  ' : `${(v * 100).toFixed(1).padStart(5)}%`;
}

// Prints the before/after table, the outcome and the link.
export function printSummary(link: string, summary: RunSummary | undefined, failure?: string): void {
  say();
  if (!summary) {
    say(`${out.red('failed')}: ${failure ?? 'unknown error'}`);
    say(`  ${link}`);
    return;
  }
  const { baseline, finetuned } = summary.metrics;
  say(out.bold('metric            threshold  baseline  fine-tuned'));
  for (const key of ['tool_accuracy', 'param_accuracy', 'tool_detection', 'tool_parsing', 'schema_validity'] as (keyof ScoreMetrics)[]) {
    const threshold = (summary.thresholds as Record<string, number>)[key];
    say(`${key.padEnd(17)} ${threshold === undefined ? '      ' : pct(threshold)}    ${pct(baseline?.[key] as number | undefined)}    ${pct(finetuned?.[key] as number | undefined)}`);
  }
  const { baseline_suite: bs, finetuned_suite: fs } = summary.metrics;
  if (bs || fs) say(`${'suite (20 cases)'.padEnd(17)} tool acc.  ${pct(bs?.tool_accuracy)}    ${pct(fs?.tool_accuracy)}   param acc. ${pct(bs?.param_accuracy)} -> ${pct(fs?.param_accuracy)}`);
  const status = summary.status === 'passed' ? out.green('passed') : out.yellow('below thresholds');
  say(`\n${status}${summary.reason ? ` — ${summary.reason}` : ''}${summary.stoppedEarly ? ' (stopped early: export and quantization skipped)' : ''}`);
  if (summary.resumedFrom) say(`resumed:    ${summary.resumedFrom}; reused ${summary.reusedStages?.length ? summary.reusedStages.join(', ') : 'nothing'}`);
  say(`run folder: ${summary.runDir}`);
  for (const [name, v] of Object.entries(summary.artifacts?.onnx ?? {})) {
    if (v) say(`onnx ${name.padEnd(5)}  ${(v.bytes / 1e6).toFixed(1).padStart(8)} MB  ${v.top1_agreement === null ? 'equal to PyTorch' : `top-1 agreement with fp32 ${pct(v.top1_agreement)}`}  ${v.path}`);
  }
  if (summary.reportPath) say(`report:     ${summary.reportPath}`);
  const html = path.join(summary.runDir, 'report.html');
  if (existsSync(html)) say(`charts:     ${html}  (npx tooltune report ${summary.workflowId} --open)`);
  say(`Web UI:     ${link}`);
}
