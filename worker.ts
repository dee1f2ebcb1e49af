// The TypeScript worker: workflows and the CPU-light activities on task queue `tooltune`.
// Connection settings come from Temporal's environment configuration (TEMPORAL_ADDRESS, ...).
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import * as activities from './activities';
import { loadTemporalTarget } from './lib/temporal/connection';
import { TASK_QUEUE } from './lib/temporal/names';
import { readWorkerRoots } from './lib/worker-roots';

// Fails at start on an unusable TOOLTUNE_ARTIFACTS_ROOT / TOOLTUNE_INPUT_ROOTS, not at the first run.
const roots = readWorkerRoots();
const target = loadTemporalTarget();
const connection = await NativeConnection.connect(target.connectionOptions);
try {
  const worker = await Worker.create({
    connection,
    namespace: target.namespace,
    taskQueue: TASK_QUEUE,
    workflowsPath: fileURLToPath(new URL('./workflows/index.ts', import.meta.url)),
    activities,
  });
  console.log(`ts worker polling ${TASK_QUEUE} on ${target.address} (namespace ${target.namespace}); artifacts in ${roots.artifactsRoot}`);
  await worker.run();
} finally {
  await connection.close();
}
