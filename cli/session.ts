// What `run` and `start` share: reach Temporal (starting the embedded server when it is the target and
// silent), make sure both workers poll, and start the experiment workflow.
import path from 'node:path';
import type { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { startDevServer, webUiUrl } from '../lib/local/dev-server';
import { isServed, startWorker, type StartedWorker, type WorkerKind } from '../lib/local/workers';
import { connectClient, isLocalTarget, loadTemporalTarget, type TemporalTarget } from '../lib/temporal/connection';
import { SEARCH_ATTRIBUTES, TASK_QUEUE, WORKFLOW_TYPE } from '../lib/temporal/names';
import type { RunSummary, ExperimentInput } from '../workflows/experiment';
import { err, warn } from './io';

// A connected client and what it points at.
export interface Session {
  client: Client;
  target: TemporalTarget;
  startedServer: boolean;
}

// Connects to Temporal; on the local default target, starts the embedded server if none answers.
export async function openSession(opts: { startServer: boolean }): Promise<Session> {
  const target = loadTemporalTarget();
  let startedServer = false;
  if (opts.startServer && isLocalTarget(target)) {
    const result = await startDevServer();
    startedServer = result.started;
    if (startedServer) warn(err.dim(`started the embedded Temporal server (pid ${result.pid}); Web UI ${result.ui}`));
  }
  try {
    return { client: await connectClient(target), target, startedServer };
  } catch (e) {
    throw new Error(`cannot reach Temporal at ${target.address}: ${(e as Error).message}. Start the embedded server with \`npx tooltune server start\`, or set TEMPORAL_ADDRESS.`);
  }
}

// Runs `fn` with an open session and always closes its connection afterwards.
export async function withSession<T>(opts: { startServer: boolean }, fn: (session: Session) => Promise<T>): Promise<T> {
  const session = await openSession(opts);
  try {
    return await fn(session);
  } finally {
    await session.client.connection.close();
  }
}

// Starts the workers that nothing serves yet; returns those it started so the caller can stop them.
export async function ensureWorkers(session: Session, opts: { detached?: boolean } = {}): Promise<StartedWorker[]> {
  const started: StartedWorker[] = [];
  for (const kind of ['ts', 'py'] as WorkerKind[]) {
    if (await isServed(session.client, kind)) continue;
    warn(err.dim(`starting the ${kind === 'ts' ? 'TypeScript' : 'Python'} worker...`));
    started.push(await startWorker(session.client, kind, opts));
  }
  return started;
}

// Whether the namespace has tooltune's search attributes (a cluster not set up by tooltune may not).
export async function hasSearchAttributes(client: Client): Promise<boolean> {
  try {
    const response = await (client.connection as Connection).operatorService.listSearchAttributes({ namespace: client.options.namespace });
    const custom = response.customAttributes ?? {};
    return Object.values(SEARCH_ATTRIBUTES).every((key) => key.name in custom);
  } catch {
    return false;
  }
}

// A workflow id that says which spec it ran and when: <spec-name>-<yyyymmdd-hhmmss>-<4 hex>.
export function newWorkflowId(specName: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${specName}-${stamp}-${Math.floor(Math.random() * 0xffff).toString(16).padStart(4, '0')}`;
}

// Starts the experiment workflow for a spec file (absolute path, so any worker folder finds it).
export async function startExperiment(session: Session, specFile: string, specName: string): Promise<WorkflowHandle<(input: ExperimentInput) => Promise<RunSummary>>> {
  const searchAttributes = await hasSearchAttributes(session.client);
  if (!searchAttributes) warn(err.yellow(`namespace ${session.target.namespace} lacks tooltune's search attributes: the run will not be filterable by stage in the Web UI (see README).`));
  return session.client.workflow.start(WORKFLOW_TYPE, {
    taskQueue: TASK_QUEUE,
    workflowId: newWorkflowId(specName),
    args: [{ specPath: path.resolve(specFile), searchAttributes }],
    memo: { spec: specName },
  });
}

// The Web UI link for a run, on the embedded server or wherever TEMPORAL_UI_URL points.
export function runLink(session: Session, workflowId: string): string {
  if (process.env.TEMPORAL_UI_URL) return `${process.env.TEMPORAL_UI_URL.replace(/\/$/, '')}/namespaces/${session.target.namespace}/workflows/${encodeURIComponent(workflowId)}`;
  return webUiUrl(session.target.namespace, workflowId);
}
