// The TypeScript worker: workflows and the CPU-light activities on task queue `tooltune`.
// Connection settings come from Temporal's environment configuration (TEMPORAL_ADDRESS, ...).
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import * as activities from './activities';
import { loadTemporalTarget } from './lib/temporal/connection';
import { TASK_QUEUE } from './lib/temporal/names';

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
  console.log(`ts worker polling ${TASK_QUEUE} on ${target.address} (namespace ${target.namespace})`);
  await worker.run();
} finally {
  await connection.close();
}
