// Replays the recorded histories of real tiny runs (test/fixtures/histories, recorded by
// scripts/record-histories.ts: passed, remediated, out-of-memory, OOM exhausted, cancelled, failed)
// against the current workflow code. A change to the workflow that would break runs already in flight
// (a new, removed or reordered activity without patched()) fails here. See docs/REPLAY.md.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { historyFromCliJson } from '../../lib/temporal/history-json';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/temporal-cli';
import { WORKFLOWS_PATH } from '../helpers/workflow-env';

const DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'histories');
const EXPECTED = ['cancelled', 'failed', 'oom-exhausted', 'out-of-memory', 'passed', 'pooled-predict', 'remediated'];

type RawHistory = { events: { eventType: string; activityTaskScheduledEventAttributes?: { activityType?: { name?: string } } }[] };

let bundle: WorkflowBundleWithSourceMap;
const raw = new Map<string, RawHistory>();

beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') }); // the replay workers' state changes are noise
  } catch {
    // already installed in this process
  }
  bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  for (const file of (await readdir(DIR)).filter((f) => f.endsWith('.json') && f !== 'index.json').sort()) {
    raw.set(file.replace(/\.json$/, ''), JSON.parse(await readFile(path.join(DIR, file), 'utf8')) as RawHistory);
  }
}, 120_000);

// Replays histories and returns each one's error message (undefined when it replayed cleanly).
async function replay(entries: [string, unknown][]): Promise<Record<string, string | undefined>> {
  const histories = entries.map(([workflowId, json]) => ({ workflowId, history: historyFromCliJson(json) }));
  const out: Record<string, string | undefined> = {};
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle, replayName: 'fixtures' }, histories)) {
    out[result.workflowId] = result.error ? `${result.error.name}: ${result.error.message}` : undefined;
  }
  return out;
}

describe('recorded histories of real runs', () => {
  it('cover passed, remediated, out-of-memory, cancelled and failed runs, one with pooled predictions, and stay small', async () => {
    expect([...raw.keys()]).toEqual(EXPECTED);
    const index = JSON.parse(await readFile(path.join(DIR, 'index.json'), 'utf8')) as Record<string, { status: string }>;
    const closing: Record<string, string> = {
      COMPLETED: 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED', FAILED: 'EVENT_TYPE_WORKFLOW_EXECUTION_FAILED', CANCELLED: 'EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED',
    };
    for (const [name, history] of raw) {
      expect(history.events.at(-1)?.eventType, name).toBe(closing[index[name]?.status ?? '']);
    }
    let total = 0;
    for (const name of EXPECTED) total += (await stat(path.join(DIR, `${name}.json`))).size;
    expect(total).toBeLessThan(3 * 2 ** 20);
  });

  it('replay with the current workflow code', async () => {
    const errors = await replay([...raw.entries()]);
    expect(errors).toEqual(Object.fromEntries(EXPECTED.map((name) => [name, undefined])));
  }, 120_000);

  it('a history whose commands the code would not issue fails the replay (the check can fail)', async () => {
    const tampered = structuredClone(raw.get('passed')) as RawHistory;
    const first = tampered.events.find((e) => e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED');
    expect(first?.activityTaskScheduledEventAttributes?.activityType?.name).toBe('prepareRun');
    first!.activityTaskScheduledEventAttributes!.activityType!.name = 'generateDataset';
    const errors = await replay([['tampered', tampered]]);
    expect(errors.tampered).toMatch(/DeterminismViolation|nondetermin/i);
  }, 60_000);
});
