// Local workers: find out whether anything polls tooltune's task queues, and start the two workers
// (worker.ts and python-activities/worker.py) when nothing does.
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { GPU_TASK_QUEUE, TASK_QUEUE } from '../temporal/names';
import { isAlive, spawnDaemon, stopProcess, waitFor } from './processes';
import { PROJECT_ROOT, pythonPath, stateDir } from './project';

// Which process serves which task queue, and how it is started.
export const WORKERS = {
  ts: { queue: TASK_QUEUE, log: 'ts-worker.log', command: () => [process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'worker.ts')]] as const },
  py: { queue: GPU_TASK_QUEUE, log: 'py-worker.log', command: () => [pythonPath(), [path.join(PROJECT_ROOT, 'python-activities', 'worker.py')]] as const },
} as const;
export type WorkerKind = keyof typeof WORKERS;

// A poller counts as live when it polled recently and, if it runs on this host, its process still exists.
const LIVE_POLL_WINDOW_MS = 75_000;

// Whether a poller identity (pid@host) names a dead process on this machine.
function isDeadLocalPoller(identity: string): boolean {
  const match = /^(\d+)@(.+)$/.exec(identity);
  if (!match || match[2] !== hostname()) return false;
  return !isAlive(Number(match[1]));
}

// Counts live pollers on a task queue (workflow pollers for `tooltune`, activity pollers for both).
export async function countLivePollers(client: Client, queue: string, type: 'workflow' | 'activity'): Promise<number> {
  const response = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: queue, kind: proto.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: type === 'workflow' ? proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW : proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
  });
  const now = Date.now();
  return (response.pollers ?? []).filter((p) => {
    const seconds = Number(p.lastAccessTime?.seconds ?? 0);
    const recent = now - seconds * 1000 < LIVE_POLL_WINDOW_MS;
    return recent && !isDeadLocalPoller(p.identity ?? '');
  }).length;
}

// Whether some worker already serves this kind's task queue.
export async function isServed(client: Client, kind: WorkerKind): Promise<boolean> {
  const type = kind === 'ts' ? 'workflow' : 'activity';
  return (await countLivePollers(client, WORKERS[kind].queue, type)) > 0;
}

// A worker process this CLI started: a child of this process, or a detached background one.
export interface StartedWorker {
  kind: WorkerKind;
  pid: number | undefined;
  process?: ResultPromise;
  log: string;
}

// Starts one worker with the caller's environment (TEMPORAL_* settings, HF_TOKEN) and waits until it polls.
export async function startWorker(client: Client, kind: WorkerKind, opts: { detached?: boolean; timeoutMs?: number } = {}): Promise<StartedWorker> {
  const log = path.join(stateDir(), 'logs', WORKERS[kind].log);
  await mkdir(path.dirname(log), { recursive: true });
  const [file, args] = WORKERS[kind].command();
  const env = { PYTHONUNBUFFERED: '1' };
  let child: ResultPromise | undefined;
  let pid: number | undefined;
  let exited = false;
  if (opts.detached) {
    pid = spawnDaemon(file, args, log, { cwd: PROJECT_ROOT, env });
  } else {
    const sink = { file: log, append: true } as const;
    child = execa(file, [...args], { cwd: PROJECT_ROOT, stdin: 'ignore', stdout: sink, stderr: sink, reject: false, env });
    pid = child.pid;
    void child.then(() => {
      exited = true;
    });
  }
  const gone = () => exited || (pid !== undefined && !isAlive(pid));
  const ready = await waitFor(async () => gone() || (await isServed(client, kind)), opts.timeoutMs ?? 180_000, 500);
  if (gone() || !ready) {
    if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
    throw new Error(`the ${kind === 'ts' ? 'TypeScript' : 'Python'} worker did not start polling ${WORKERS[kind].queue}; see ${log}`);
  }
  return { kind, pid, process: child, log };
}

// Stops workers this CLI started: SIGTERM (graceful shutdown), then SIGKILL if they hang.
export async function stopWorkers(workers: StartedWorker[], graceMs = 15_000): Promise<void> {
  await Promise.all(
    workers.map(async (w) => {
      if (!w.process) {
        if (w.pid !== undefined) await stopProcess(w.pid, graceMs);
        return;
      }
      if (w.process.exitCode !== null) return;
      w.process.kill('SIGTERM');
      const timer = setTimeout(() => w.process?.kill('SIGKILL'), graceMs);
      await w.process.catch(() => undefined);
      clearTimeout(timer);
    }),
  );
}
