// What `generate` and `serve` accept as their model: a folder (variant, model or run folder), or the
// workflow id of a finished run, whose summary names its run folder.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { withSession } from './session';
import { readOutcome } from './summary';

// Resolves a folder or a workflow id to a folder; a run that did not finish is an error naming it.
export async function resolveRunTarget(target: string): Promise<string> {
  if (existsSync(target)) return path.resolve(target);
  return withSession({ startServer: false }, async ({ client }) => {
    const { summary, failure } = await readOutcome(client.workflow.getHandle(target));
    if (!summary?.runDir) throw new Error(`'${target}' is neither a folder nor the workflow id of a finished run${failure ? ` (${failure})` : ''}`);
    return summary.runDir;
  });
}
