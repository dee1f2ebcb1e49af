// Finds a run's folder from what a user types: the folder itself, a workflow id whose folder lies under
// ./artifacts/runs, or a workflow id the configured Temporal knows (its result, or the report in its memo).
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { runFolderName } from '../activities/spec';
import type { RunSummary } from '../workflows/experiment';
import { withSession } from './session';

// Whether `dir` is a folder holding summary.json.
function isRunFolder(dir: string): boolean {
  return existsSync(path.join(dir, 'summary.json')) && statSync(dir).isDirectory();
}

// The run folder for a folder path or a workflow id; an error that says what was tried.
export async function resolveRunFolder(target: string): Promise<string> {
  const asPath = path.resolve(target);
  if (isRunFolder(asPath)) return asPath;
  if (existsSync(asPath) && statSync(asPath).isFile() && path.basename(asPath) === 'summary.json') return path.dirname(asPath);
  const local = path.resolve('artifacts', 'runs', runFolderName(target));
  if (isRunFolder(local)) return local;
  const fromTemporal = await withSession({ startServer: false }, async (session) => {
    const handle = session.client.workflow.getHandle(target);
    const description = await handle.describe();
    const memoReport = description.memo?.report;
    if (typeof memoReport === 'string') return path.dirname(memoReport);
    if (description.status.name === 'COMPLETED') return ((await handle.result()) as RunSummary).runDir;
    return null;
  }).catch((e: Error) => {
    throw new Error(`'${target}' is neither a run folder with summary.json nor a workflow id under ./artifacts/runs, and Temporal did not answer for it (${e.message})`);
  });
  if (fromTemporal && isRunFolder(fromTemporal)) return fromTemporal;
  throw new Error(`run ${target}: no summary.json found${fromTemporal ? ` in ${fromTemporal}` : ''} (the report stage writes it when a run ends)`);
}
