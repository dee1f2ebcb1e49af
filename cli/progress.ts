// Live progress of long activities (fine-tuning, prediction) from their heartbeat details, which Temporal
// keeps on the running workflow's pending activities: a bar on a terminal, plain milestone lines elsewhere.
import { defaultPayloadConverter } from '@temporalio/common';
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { formatDuration } from './follow';

// What one running activity reported in its last heartbeat.
export interface ActivityProgress {
  activity: string;
  details: Record<string, unknown>;
  startedAt: number | null;
}

// Where a long activity stands: done of total, with its figures and an estimate of the time left.
export interface ProgressFigures {
  done: number;
  total: number;
  unit: string;
  etaMs: number | null;
  extra: string[];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

// Reads the progress out of a finetune ({step, total_steps, loss, eval_loss, train_s, resumed_from_step}) or
// predict ({done, total}) heartbeat; null for anything else or before the first count.
export function readFigures(p: ActivityProgress, now: number): ProgressFigures | null {
  const d = p.details;
  if (p.activity === 'finetune') {
    const step = num(d.step);
    const total = num(d.total_steps);
    if (step === null || total === null || total <= 0) return null;
    const trained = step - (num(d.resumed_from_step) ?? 0);
    const secs = num(d.train_s);
    const etaMs = trained > 0 && secs !== null && secs > 0 ? ((total - step) * secs * 1000) / trained : null;
    const extra = [
      ...(num(d.loss) !== null ? [`loss ${(d.loss as number).toFixed(3)}`] : []),
      ...(num(d.eval_loss) !== null ? [`eval ${(d.eval_loss as number).toFixed(3)}`] : []),
    ];
    return { done: step, total, unit: 'steps', etaMs, extra };
  }
  if (p.activity === 'predict') {
    const done = num(d.done);
    const total = num(d.total);
    if (done === null || total === null || total <= 0) return null;
    const elapsed = p.startedAt !== null ? now - p.startedAt : null;
    const etaMs = done > 0 && elapsed !== null && elapsed > 0 ? ((total - done) * elapsed) / done : null;
    return { done, total, unit: 'cases', etaMs, extra: [] };
  }
  return null;
}

// A bar of `width` cells for a fraction 0..1.
export function renderBar(fraction: number, width: number): string {
  const f = Math.min(1, Math.max(0, fraction));
  const cells = f * width;
  const full = Math.floor(cells);
  const partial = ' ▏▎▍▌▋▊▉'[Math.floor((cells - full) * 8)] ?? '';
  return `${'█'.repeat(full)}${full < width ? partial : ''}`.padEnd(width, ' ');
}

// The live terminal line: "finetune  [████▌     ] 63/126 steps  loss 0.482  eval 0.510  ETA 12.0s".
export function renderProgressLine(stage: string, fig: ProgressFigures, columns = 100): string {
  const eta = fig.etaMs !== null && fig.done < fig.total ? `ETA ${formatDuration(fig.etaMs)}` : '';
  const line = [`${stage}`, `[${renderBar(fig.done / fig.total, 24)}]`, `${fig.done}/${fig.total} ${fig.unit}`, ...fig.extra, eta].filter(Boolean).join('  ');
  return line.length > columns - 1 ? line.slice(0, Math.max(10, columns - 2)) + '…' : line;
}

// The plain line printed (without a terminal) each time a quarter of the work is done.
export function renderPlainLine(stage: string, fig: ProgressFigures): string {
  const percent = Math.floor((fig.done / fig.total) * 100);
  const eta = fig.etaMs !== null && fig.done < fig.total ? `, ETA ${formatDuration(fig.etaMs)}` : '';
  return `  ${stage}: ${fig.done}/${fig.total} ${fig.unit} (${percent}%)${fig.extra.length ? `, ${fig.extra.join(', ')}` : ''}${eta}`;
}

// The running activities of a workflow with their last heartbeat details, decoded.
export function readActivityProgress(description: WorkflowExecutionDescription): ActivityProgress[] {
  const pending = description.raw.pendingActivities ?? [];
  return pending.flatMap((a) => {
    const payloads = a.heartbeatDetails?.payloads ?? [];
    const last = payloads.at(-1);
    if (!last) return [];
    let details: unknown;
    try {
      details = defaultPayloadConverter.fromPayload(last);
    } catch {
      return [];
    }
    if (typeof details !== 'object' || details === null) return [];
    const started = a.lastStartedTime?.seconds;
    return [{ activity: a.activityType?.name ?? '?', details: details as Record<string, unknown>, startedAt: started != null ? Number(started) * 1000 + Math.floor((a.lastStartedTime?.nanos ?? 0) / 1e6) : null }];
  });
}

// Remembers which quarter of each stage was printed, so plain output gets at most four lines a stage.
export class MilestoneTracker {
  private readonly printed = new Map<string, number>();

  // The plain line to print now, or null when this stage has not reached a new quarter.
  next(key: string, stage: string, fig: ProgressFigures): string | null {
    const quarter = Math.floor((fig.done / fig.total) * 4);
    if (quarter < 1 || (this.printed.get(key) ?? 0) >= quarter) return null;
    this.printed.set(key, quarter);
    return renderPlainLine(stage, fig);
  }
}
