// Temporal's own reset of a failed run: `temporal workflow reset --event-id <the workflow task that
// scheduled the failed activity>` re-runs that activity and everything after it with the current code,
// and keeps the stages that completed before (they are not called again). Dev server + stub activities.
import { ApplicationFailure } from '@temporalio/common';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findResetPoint } from '../../lib/temporal/reset-point';
import { TASK_QUEUE, WORKFLOW_TYPE } from '../../lib/temporal/names';
import type { RunSummary } from '../../workflows/experiment';
import { specYaml } from '../helpers/spec';
import { StubActivities } from '../helpers/stub-activities';
import { temporalCliBinary } from '../helpers/temporal-cli';
import { startWorkflowTestEnv, type WorkflowTestEnv } from '../helpers/workflow-env';

const stubs = new StubActivities();
let t: WorkflowTestEnv;

beforeAll(async () => {
  t = await startWorkflowTestEnv(stubs);
}, 120_000);
afterAll(async () => {
  await t?.teardown();
});

describe('temporal workflow reset of a failed run', () => {
  it('re-runs the failed fine-tuning and completes, reusing the stages before it', async () => {
    const id = `wf-reset-${Date.now().toString(36)}`;
    let broken = true; // e.g. a worker without its GPU driver: permanent until someone fixes the machine
    stubs.script(id, {
      finetune: () => {
        if (broken) throw ApplicationFailure.nonRetryable('no CUDA device', 'GpuUnavailable');
      },
    });
    const handle = await t.client.workflow.start(WORKFLOW_TYPE, { taskQueue: TASK_QUEUE, workflowId: id, args: [{ specText: specYaml() }], workflowExecutionTimeout: '60s' });
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('FAILED');

    const point = findResetPoint((await handle.fetchHistory()).events ?? []);
    expect(point?.activityType).toBe('finetune');
    broken = false;
    const reset = await execa(temporalCliBinary(), [
      'workflow', 'reset', '--address', t.env.address, '--namespace', 'default', '--workflow-id', id,
      '--event-id', String(point?.eventId), '--reason', 'GPU driver fixed', '--yes',
    ], { reject: false });
    expect(reset.exitCode, reset.stderr + reset.stdout).toBe(0);

    const latest = t.client.workflow.getHandle(id); // the reset run is the workflow's current run
    const summary = (await latest.result()) as RunSummary;
    expect(summary.status).toBe('passed');
    expect((await latest.describe()).runId).not.toBe(handle.firstExecutionRunId);
    // Spec, dataset, preflight and the baseline ran once, before the failure; fine-tuning twice.
    const count = (activity: Parameters<StubActivities['callsOf']>[1]) => stubs.callsOf(id, activity).length;
    expect([count('prepareRun'), count('generateDataset'), count('preflight_model'), count('finetune')]).toEqual([1, 1, 1, 2]);
    expect(summary.stages.find((s) => s.name === 'finetune')).toMatchObject({ status: 'completed' });
  }, 90_000);

  it('finds no reset point in a history without a failed activity', () => {
    expect(findResetPoint([{ workflowExecutionStartedEventAttributes: {} }])).toBeNull();
  });
});
