// Live progress from heartbeat details: the rendered lines (a pure function of the details), the decoding of
// Temporal's pending activities, and followRun on a terminal and off one.
import { defaultPayloadConverter } from '@temporalio/common';
import type { WorkflowExecutionDescription, WorkflowHandle } from '@temporalio/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { followRun } from '../../cli/follow';
import { MilestoneTracker, readActivityProgress, readFigures, renderBar, renderPlainLine, renderProgressLine } from '../../cli/progress';

const FINETUNE = { step: 63, total_steps: 126, loss: 0.4821, eval_loss: 0.5102, epoch: 3, checkpoint: null, resumed_from_step: 0, train_s: 31.5 };

describe('progress lines', () => {
  it('renders the fine-tuning bar: step of total, loss, eval loss and ETA', () => {
    const fig = readFigures({ activity: 'finetune', details: FINETUNE, startedAt: null }, 0)!;
    expect(fig).toMatchObject({ done: 63, total: 126, unit: 'steps', etaMs: 31_500 });
    expect(renderProgressLine('finetune attempt 1', fig)).toBe(`finetune attempt 1  [${'█'.repeat(12)}${' '.repeat(12)}]  63/126 steps  loss 0.482  eval 0.510  ETA 31.5s`);
    expect(renderPlainLine('finetune attempt 1', fig)).toBe('  finetune attempt 1: 63/126 steps (50%), loss 0.482, eval 0.510, ETA 31.5s');
  });

  it('estimates from the steps trained since a resume, and fits the terminal width', () => {
    const fig = readFigures({ activity: 'finetune', details: { ...FINETUNE, resumed_from_step: 50, train_s: 13 }, startedAt: null }, 0)!;
    expect(fig.etaMs).toBe(63 * 1000); // 13 steps in 13 s since the resume, 63 to go
    expect(renderProgressLine('finetune', fig, 40).length).toBeLessThanOrEqual(40);
  });

  it('renders prediction progress: cases done of total, ETA from the time since the activity started', () => {
    const fig = readFigures({ activity: 'predict', details: { done: 16, total: 64 }, startedAt: 1_000 }, 9_000)!;
    expect(fig).toMatchObject({ done: 16, total: 64, unit: 'cases', etaMs: 24_000 });
    expect(renderPlainLine('predict:baseline', fig)).toBe('  predict:baseline: 16/64 cases (25%), ETA 24.0s');
  });

  it('has no figures before the first count or for other activities', () => {
    expect(readFigures({ activity: 'finetune', details: { ...FINETUNE, total_steps: null }, startedAt: null }, 0)).toBeNull();
    expect(readFigures({ activity: 'predict', details: { done: 0, total: 0 }, startedAt: null }, 0)).toBeNull();
    expect(readFigures({ activity: 'preflight_model', details: { step: 1 }, startedAt: null }, 0)).toBeNull();
  });

  it('draws partial cells and clamps', () => {
    expect(renderBar(0, 4)).toBe('    ');
    expect(renderBar(1, 4)).toBe('████');
    expect(renderBar(2, 4)).toBe('████');
    expect(renderBar(0.3, 4)).toBe('█▏  ');
  });

  it('prints a plain line once per quarter', () => {
    const t = new MilestoneTracker();
    const at = (done: number) => t.next('k', 'predict', { done, total: 100, unit: 'cases', etaMs: null, extra: [] });
    expect([at(10), at(25), at(30), at(49), at(50), at(100), at(100)]).toEqual([null, '  predict: 25/100 cases (25%)', null, null, '  predict: 50/100 cases (50%)', '  predict: 100/100 cases (100%)', null]);
  });
});

// A describe() answer with one pending activity whose last heartbeat carries `details`.
function describeWith(activity: string, details: unknown, status = 'RUNNING'): WorkflowExecutionDescription {
  return {
    status: { name: status }, startTime: new Date(0),
    raw: { pendingActivities: [{ activityType: { name: activity }, heartbeatDetails: { payloads: [defaultPayloadConverter.toPayload(details)] }, lastStartedTime: { seconds: 10, nanos: 0 } }] },
  } as unknown as WorkflowExecutionDescription;
}

describe('readActivityProgress', () => {
  it('decodes the last heartbeat of each pending activity', () => {
    expect(readActivityProgress(describeWith('finetune', FINETUNE))).toEqual([{ activity: 'finetune', details: FINETUNE, startedAt: 10_000 }]);
    expect(readActivityProgress({ raw: {} } as unknown as WorkflowExecutionDescription)).toEqual([]);
  });
});

describe('followRun', () => {
  const tty = process.stderr.isTTY;
  afterEach(() => {
    vi.restoreAllMocks();
    Object.defineProperty(process.stderr, 'isTTY', { value: tty, configurable: true });
  });

  // A fake handle: running twice with the given heartbeats, then completed.
  function fakeHandle(beats: unknown[]): WorkflowHandle {
    let calls = 0;
    const progress = { status: 'running', stage: 'finetune', attempt: 1, branch: 'initial', attempts: [], metrics: {}, stages: [{ name: 'spec', status: 'completed', attempts: 1, durationMs: 400 }, { name: 'finetune', status: 'running', attempts: 1, durationMs: 0 }] };
    return {
      describe: async () => (calls < beats.length ? describeWith('finetune', beats[calls++]) : { ...describeWith('finetune', {}), status: { name: 'COMPLETED' } }),
      query: async () => progress,
    } as unknown as WorkflowHandle;
  }

  async function capture(isTTY: boolean, beats: unknown[]): Promise<string> {
    Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true });
    let text = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      text += String(chunk);
      return true;
    });
    await followRun(fakeHandle(beats), 1);
    return text;
  }

  it('draws a live bar on a terminal', async () => {
    const text = await capture(true, [{ ...FINETUNE, step: 10 }, FINETUNE]);
    expect(text).toContain('spec');
    expect(text).toContain('finetune attempt 1  [');
    expect(text).toContain('63/126 steps  loss 0.482  eval 0.510  ETA 31.5s');
    expect(text).toContain('\r\x1b[2K');
  });

  it('prints plain quarter lines without a terminal, and no control characters', async () => {
    const text = await capture(false, [{ ...FINETUNE, step: 10 }, { ...FINETUNE, step: 40 }, FINETUNE, { ...FINETUNE, step: 70 }]);
    expect(text).not.toContain('\x1b');
    expect(text).not.toContain('\r');
    expect(text.split('\n').filter((l) => l.includes('steps ('))).toEqual(['  finetune attempt 1: 40/126 steps (31%), loss 0.482, eval 0.510, ETA 1m08s', '  finetune attempt 1: 63/126 steps (50%), loss 0.482, eval 0.510, ETA 31.5s']);
  });
});
