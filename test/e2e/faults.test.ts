// Faults over the real dev server (SQLite) and both real workers, each checked against an undisturbed
// run of the same spec and seed: kill -9 of the TypeScript worker mid-run, a dev server restart in the
// middle of fine-tuning, kill -9 of the Python worker during predict. Then `tooltune resume` on the same
// server: after a late failure, with edited thresholds, with an edited lora_r, after tampering with an
// artifact. Slow (about 4 minutes): runs when TOOLTUNE_E2E=1 (scripts/test.sh sets it).
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { execa, type ResultPromise } from 'execa';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, pythonPath } from '../../lib/local/project';
import { connectClient, loadTemporalTarget } from '../../lib/temporal/connection';
import { TASK_QUEUE, WORKFLOW_TYPE } from '../../lib/temporal/names';
import type { RunSummary } from '../../workflows/experiment';
import type { Progress } from '../../workflows/run-state';
import { freePort } from '../helpers/free-port';

const SPEC = path.join(PROJECT_ROOT, 'test', 'fixtures', 'e2e', 'tiny-faults.yaml');
const home = mkdtempSync(path.join(tmpdir(), 'tooltune-faults-'));
// Own server and state; artifacts in a temporary folder; step delay so fine-tuning lasts long enough to interrupt.
const env: Record<string, string> = {
  NO_COLOR: '1', TOOLTUNE_HOME: home, TOOLTUNE_ARTIFACTS_ROOT: path.join(home, 'artifacts'), PYTHONUNBUFFERED: '1',
  TOOLTUNE_TEST_HOOKS: '1', TOOLTUNE_TEST_STEP_DELAY_S: '0.3', OMP_WAIT_POLICY: 'PASSIVE', TOOLTUNE_TORCH_THREADS: '1',
  // Batch 8 runs out of memory (the spec trains at 4): the late failure the resume test starts from.
  TOOLTUNE_FAKE_OOM_ABOVE_BATCH: '4',
  // Edited specs are written to the temporary folder, so it is an input root too.
  TOOLTUNE_INPUT_ROOTS: [PROJECT_ROOT, home].join(path.delimiter),
};

async function tooltune(...args: string[]) {
  return execa(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'tooltune.mjs'), ...args], { cwd: PROJECT_ROOT, env, reject: false, timeout: 120_000 });
}

// A worker process this test owns (so it can kill -9 it), resolved once it prints its polling line
// (wrapped: an execa child is a promise, which `await` would wait out).
interface Owned { proc: ResultPromise }
async function startWorker(kind: 'ts' | 'py'): Promise<Owned> {
  const [file, args] = kind === 'ts' ? [process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'worker.ts')]] : [pythonPath(), [path.join(PROJECT_ROOT, 'python-activities', 'worker.py')]];
  const child = execa(file, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, reject: false, all: true, buffer: false });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} worker did not start`)), 120_000);
    child.all?.on('data', (chunk: Buffer) => {
      if (/worker polling/.test(chunk.toString())) {
        clearTimeout(timer);
        resolve();
      }
    });
    void child.then(() => reject(new Error(`${kind} worker exited`)));
  });
  child.all?.resume();
  return { proc: child };
}

async function kill9(worker: Owned): Promise<void> {
  worker.proc.kill('SIGKILL');
  await worker.proc.catch(() => undefined);
}

let client: Client;
const workers: Record<'ts' | 'py', Owned | undefined> = { ts: undefined, py: undefined };
let reference: RunSummary;

async function start(label: string): Promise<WorkflowHandle> {
  return client.workflow.start(WORKFLOW_TYPE, { taskQueue: TASK_QUEUE, workflowId: `faults-${label}-${Date.now().toString(36)}`, args: [{ specPath: SPEC }] });
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Whether an activity of this type is running now (started on a worker).
async function running(handle: WorkflowHandle, activityType: string): Promise<boolean> {
  const description = await handle.describe();
  return description.raw.pendingActivities?.some((a) => a.activityType?.name === activityType && a.state === 2 /* STARTED */) ?? false;
}

// Scores without the timings (latency differs from run to run by nature).
function quality(metrics: RunSummary['metrics']): Record<string, unknown> {
  return Object.fromEntries(Object.entries(metrics).map(([k, v]) => {
    const { latency_ms: _latency, ...rest } = (v ?? {}) as unknown as Record<string, unknown>;
    return [k, rest];
  }));
}

// The same outcome as the undisturbed run, and every stage's artifacts exactly once.
function expectSameAsReference(summary: RunSummary): void {
  expect(summary.status).toBe(reference.status);
  expect(quality(summary.metrics)).toEqual(quality(reference.metrics));
  expect(quality(summary.metrics).finetuned).toHaveProperty('tool_accuracy');
  expect(summary.attempts.map((a) => a.finetune?.optimizer_steps)).toEqual(reference.attempts.map((a) => a.finetune?.optimizer_steps));
  const names = (dir: string) => readdirSync(dir).filter((f) => !f.startsWith('.')).sort();
  expect(names(summary.runDir)).toEqual(names(reference.runDir));
  expect(names(path.join(summary.runDir, 'attempt-1'))).toEqual(names(path.join(reference.runDir, 'attempt-1')));
  for (const dir of [summary.runDir, path.join(summary.runDir, 'attempt-1')]) {
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp')), `temp files left in ${dir}`).toEqual([]);
    for (const file of readdirSync(dir).filter((f) => f.startsWith('predictions-'))) {
      const mine = readFileSync(path.join(dir, file), 'utf8').trim().split('\n').map((l) => JSON.parse(l).output as string);
      const theirs = readFileSync(path.join(dir.replace(summary.runDir, reference.runDir), file), 'utf8').trim().split('\n').map((l) => JSON.parse(l).output as string);
      expect(mine, file).toEqual(theirs); // neither half-written nor doubled
    }
  }
}

describe.runIf(process.env.TOOLTUNE_E2E === '1')('faults on the real server and workers', () => {
  beforeAll(async () => {
    env.TEMPORAL_ADDRESS = `127.0.0.1:${await freePort()}`;
    env.TOOLTUNE_UI_PORT = String(await freePort());
    Object.assign(process.env, { TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS });
    const started = await tooltune('server', 'start');
    expect(started.exitCode, started.stderr).toBe(0);
    client = await connectClient(loadTemporalTarget());
    [workers.ts, workers.py] = await Promise.all([startWorker('ts'), startWorker('py')]);
    reference = (await (await start('reference')).result()) as RunSummary;
    expect(reference.status).toBe('passed');
  }, 300_000);

  afterAll(async () => {
    for (const child of Object.values(workers)) if (child) await kill9(child);
    await client?.connection.close();
    await tooltune('server', 'stop');
  }, 60_000);

  it('kill -9 of the TypeScript worker mid-run: a new worker completes the run', async () => {
    const handle = await start('ts-kill');
    await waitUntil('fine-tuning', () => running(handle, 'finetune'));
    await kill9(workers.ts!);
    workers.ts = await startWorker('ts');
    expectSameAsReference((await handle.result()) as RunSummary);
  }, 240_000);

  it('a dev server restart in the middle of fine-tuning: the run completes', async () => {
    const handle = await start('server-restart');
    await waitUntil('fine-tuning', () => running(handle, 'finetune'));
    await new Promise((r) => setTimeout(r, 2000));
    expect((await tooltune('server', 'stop')).exitCode).toBe(0);
    const again = await tooltune('server', 'start');
    expect(again.exitCode, again.stderr).toBe(0);
    const summary = (await handle.result()) as RunSummary;
    expectSameAsReference(summary);
    expect((await handle.query<Progress>('progress')).status).toBe('passed');
  }, 240_000);

  it('kill -9 of the Python worker during predict: the retried activity completes, predictions written once', async () => {
    const handle = await start('py-kill');
    await waitUntil('predict', () => running(handle, 'predict'));
    await kill9(workers.py!);
    workers.py = await startWorker('py');
    const summary = (await handle.result()) as RunSummary;
    expectSameAsReference(summary);
    const history = await handle.fetchHistory();
    const retried = history.events?.some((e) => e.activityTaskStartedEventAttributes && (e.activityTaskStartedEventAttributes.attempt ?? 1) > 1);
    expect(retried).toBe(true);
  }, 240_000);

  // Writes the fault spec with some sections changed, into the temporary folder; returns its path.
  function editedSpec(name: string, over: Record<string, Record<string, unknown>>): string {
    const spec = parse(readFileSync(SPEC, 'utf8')) as Record<string, Record<string, unknown>>;
    for (const [section, values] of Object.entries(over)) spec[section] = { ...spec[section], ...values };
    const file = path.join(home, `${name}.yaml`);
    writeFileSync(file, stringify(spec));
    return file;
  }

  async function resume(id: string, ...extra: string[]): Promise<Record<string, any>> {
    const result = await execa(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'tooltune.mjs'), 'resume', id, '--json', ...extra], { cwd: PROJECT_ROOT, env, reject: false, timeout: 300_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    return JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as Record<string, any>;
  }

  async function ranFinetune(workflowId: string): Promise<boolean> {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    return history.events?.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'finetune') ?? false;
  }

  it('resume after a failure at fine-tuning reuses the dataset and baseline, and completes like an undisturbed run', async () => {
    const failing = await client.workflow.start(WORKFLOW_TYPE, {
      taskQueue: TASK_QUEUE, workflowId: `faults-late-${Date.now().toString(36)}`,
      args: [{ specPath: editedSpec('late-failure', { training: { per_device_train_batch_size: 8 }, remediation: { out_of_memory: { max_retries: 0 } } }) }],
    });
    await expect(failing.result()).rejects.toThrow();
    const resumed = await resume(failing.workflowId, '--spec', SPEC);
    expect(resumed).toMatchObject({ workflowStatus: 'COMPLETED', resumedFrom: failing.workflowId });
    expect(resumed.reusedStages).toEqual(['dataset', 'predict:baseline']); // preflight re-runs: its memory estimate depends on the batch
    expect(quality(resumed.metrics as RunSummary['metrics'])).toEqual(quality(reference.metrics));
    const memo = (await client.workflow.getHandle(resumed.workflowId).describe()).memo;
    expect(memo?.resumedFrom).toBe(failing.workflowId);
  }, 300_000);

  it('resume with only the thresholds edited re-trains nothing; with lora_r edited it re-trains', async () => {
    const thresholds = await resume(reference.workflowId, '--spec', editedSpec('thresholds', { evaluation: { thresholds: { tool_accuracy: 0.01, param_accuracy: 0, tool_detection: 0 } } }));
    expect(thresholds.reusedStages).toEqual(['dataset', 'preflight', 'predict:baseline', 'finetune', 'predict:attempt-1+train']);
    expect(await ranFinetune(thresholds.workflowId)).toBe(false);
    expect(quality(thresholds.metrics as RunSummary['metrics'])).toEqual(quality(reference.metrics));
    const lora = await resume(reference.workflowId, '--spec', editedSpec('lora', { lora: { lora_r: 8, lora_alpha: 16 } }));
    expect(lora.reusedStages).toEqual(['dataset', 'predict:baseline']);
    expect(await ranFinetune(lora.workflowId)).toBe(true);
  }, 300_000);

  it('resume recomputes a tampered artifact and reuses what still verifies', async () => {
    const train = path.join(reference.runDir, 'dataset', 'train.jsonl');
    const original = readFileSync(train, 'utf8');
    appendFileSync(train, '{"text": "planted"}\n');
    const again = await resume(reference.workflowId, '--from', 'finetune');
    expect(again.reusedStages).toEqual(['preflight', 'predict:baseline']);
    expect(readFileSync(path.join(again.runDir as string, 'dataset', 'train.jsonl'), 'utf8')).toBe(original);
    expect(await ranFinetune(again.workflowId)).toBe(true);
  }, 300_000);
});
