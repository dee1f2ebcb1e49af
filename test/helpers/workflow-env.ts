// A Temporal test environment for workflow tests: the real dev server (the installed Temporal CLI, never a
// download) with tooltune's search attributes, a worker running the workflows on `tooltune` with stub TS
// activities, and a second worker on `tooltune-gpu` with stub Python activities.
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { GPU_TASK_QUEUE, SEARCH_ATTRIBUTES, TASK_QUEUE } from '../../lib/temporal/names';
import { REPO_ROOT, temporalCliBinary } from './temporal-cli';

// The workflows bundle's entry point, as worker.ts registers it.
export const WORKFLOWS_PATH = path.join(REPO_ROOT, 'workflows', 'index.ts');

export interface WorkflowTestEnv {
  env: TestWorkflowEnvironment;
  client: Client;
  // The workflows bundle the worker runs; pass it to Worker.runReplayHistories to check determinism.
  workflowBundle: WorkflowBundleWithSourceMap;
  // Stops both workers and the dev server.
  teardown(): Promise<void>;
}

// Quiets the SDK's per-activity-failure warnings (scripted failures are expected); errors still show.
function installQuietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // already installed in this process
  }
}

// Starts the dev server and both workers; activities are registered under their own names.
export async function startWorkflowTestEnv(activities: { ts: object; py: object }): Promise<WorkflowTestEnv> {
  const executable = temporalCliBinary();
  installQuietRuntime();
  // The dev server starts while webpack bundles the workflows.
  const [started, bundled] = await Promise.allSettled([
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: executable },
        searchAttributes: Object.values(SEARCH_ATTRIBUTES),
      },
    }),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') }),
  ]);
  if (started.status === 'rejected') throw started.reason;
  const env = started.value;
  const workers: Worker[] = [];
  const running: Promise<void>[] = [];
  try {
    if (bundled.status === 'rejected') throw bundled.reason;
    workers.push(
      await Worker.create({ connection: env.nativeConnection, taskQueue: TASK_QUEUE, workflowBundle: bundled.value, activities: activities.ts }),
      await Worker.create({ connection: env.nativeConnection, taskQueue: GPU_TASK_QUEUE, activities: activities.py }),
    );
    for (const worker of workers) running.push(worker.run());
  } catch (err) {
    await env.teardown();
    throw err;
  }
  const workflowBundle = bundled.value;
  return {
    env,
    client: env.client,
    workflowBundle,
    async teardown() {
      for (const worker of workers) {
        if (worker.getState() === 'RUNNING') worker.shutdown();
      }
      await Promise.allSettled(running);
      await env.teardown();
    },
  };
}
