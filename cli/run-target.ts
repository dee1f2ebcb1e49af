// What `generate` and `serve` accept as their model: a folder (variant, run or model folder), or the
// workflow id of a run: its folder under the artifacts root (TOOLTUNE_ARTIFACTS_ROOT), else the folder a finished run's summary names.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runFolderName } from '../activities/spec';
import { InferenceError } from '../lib/inference/errors';
import { readWorkerRoots } from '../lib/worker-roots';
import { withSession } from './session';

// Resolves a folder or a workflow id to a folder; a run that did not finish or whose folder is elsewhere is an error naming it.
export async function resolveRunTarget(target: string, artifactsRoot = readWorkerRoots().artifactsRoot): Promise<string> {
  if (existsSync(target)) return path.resolve(target);
  if (target.includes('/') || target.startsWith('.')) throw new InferenceError('no such folder', path.resolve(target));
  const local = path.resolve(artifactsRoot, 'runs', runFolderName(target));
  if (existsSync(local)) return local;
  const runDir = await withSession({ startServer: false }, async (session) => {
    const handle = session.client.workflow.getHandle(target);
    const description = await handle.describe();
    if (description.status.name !== 'COMPLETED') throw new Error(`run ${target} is ${description.status.name}: it has no exported model yet`);
    return ((await handle.result()) as { runDir?: string }).runDir;
  }).catch((e: Error) => {
    throw new Error(`no folder ${local}, and Temporal does not know the run's folder: ${e.message}`);
  });
  if (!runDir || !existsSync(runDir)) throw new Error(`run ${target}'s folder ${runDir ?? '(none)'} does not exist on this machine`);
  return runDir;
}
