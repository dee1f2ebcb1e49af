// Follows a running experiment through its progress query: one line per stage as it finishes, and on a
// terminal a live line for the stage in flight (a progress bar while fine-tuning or predicting, fed by the
// activities' heartbeats); without a terminal, a plain line each quarter of a long stage.
import type { WorkflowHandle } from '@temporalio/client';
import type { Progress, StageRecord } from '../workflows/run-state';
import { err } from './io';
import { MilestoneTracker, readActivityProgress, readFigures, renderProgressLine } from './progress';

// Formats milliseconds as 1.2s or 3m04s.
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

// One finished stage as a line: mark, name, time, calls and note.
export function formatStageLine(stage: StageRecord, progress?: Progress): string {
  const mark = { completed: err.green('✓'), failed: err.red('✗'), skipped: err.dim('-'), unavailable: err.yellow('!'), running: err.cyan('…'), reused: err.green('=') }[stage.status];
  const calls = stage.attempts > 1 ? ` x${stage.attempts}` : '';
  const attempt = stage.name === 'finetune' && progress ? ` (attempt ${progress.attempt}, ${progress.branch})` : '';
  const note = stage.detail && stage.status !== 'completed' ? `  ${err.dim(stage.detail.split('\n')[0]?.slice(0, 160) ?? '')}` : '';
  return `${mark} ${stage.name.padEnd(22)} ${formatDuration(stage.durationMs).padStart(7)}${calls}${attempt}${note}`;
}

// Polls the progress query until the workflow ends, writing stage lines (and progress) to stderr.
export async function followRun(handle: WorkflowHandle, intervalMs = 1000): Promise<void> {
  const live = Boolean(process.stderr.isTTY);
  const printed = new Map<string, string>();
  const milestones = new MilestoneTracker();
  let liveShown = false;
  const clearLive = () => {
    if (liveShown) process.stderr.write('\r\x1b[2K');
    liveShown = false;
  };
  for (;;) {
    const description = await handle.describe();
    let progress: Progress | undefined;
    try {
      progress = await handle.query<Progress>('progress');
    } catch {
      // no worker has answered yet, or the run is closed and its worker gone
    }
    for (const stage of progress?.stages ?? []) {
      if (stage.status === 'running') continue;
      const key = `${stage.status}:${stage.attempts}`;
      if (printed.get(stage.name) === key) continue;
      printed.set(stage.name, key);
      clearLive();
      process.stderr.write(`${formatStageLine(stage, progress)}\n`);
    }
    const running = progress?.stages.find((s) => s.status === 'running');
    const label = running ? `${running.name}${running.name === 'finetune' ? ` attempt ${progress?.attempt}` : ''}` : '';
    const figures = running ? readActivityProgress(description).map((a) => readFigures(a, Date.now())).find((f) => f !== null) : undefined;
    if (live && running) {
      clearLive();
      const columns = process.stderr.columns > 0 ? process.stderr.columns : 100; // a pseudo-terminal may report 0
      const line = figures ? renderProgressLine(label, figures, columns - 2) : `${running.name}${running.name === 'finetune' ? ` attempt ${progress?.attempt} (${progress?.branch})` : ''}  ${err.dim(formatDuration(Date.now() - description.startTime.getTime()) + ' since start')}`;
      process.stderr.write(`${err.cyan('…')} ${line}`);
      liveShown = true;
    } else if (running && figures) {
      const line = milestones.next(`${running.name}:${running.attempts}:${progress?.attempt}`, label, figures);
      if (line) process.stderr.write(`${line}\n`);
    }
    if (description.status.name !== 'RUNNING') {
      clearLive();
      return;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
