// `tooltune run <spec>`: validate, make sure the server and both workers are up, run the experiment,
// follow it stage by stage, and end with a summary and the run's Web UI link.
import { stopWorkers, type StartedWorker } from '../../lib/local/workers';
import { expectPositionals, type Command } from '../command';
import { followRun } from '../follow';
import { out, say, warn, err } from '../io';
import { ensureWorkers, runLink, startExperiment, withSession } from '../session';
import { printSummary, readOutcome, summaryJson } from '../summary';
import { loadSpecOrReport } from './validate';

export const runCommand: Command = {
  name: 'run',
  summary: 'Run an experiment and follow it to the end',
  usage: 'tooltune run <spec.yaml> [--json] [--strict]\n  --json    end stdout with one JSON object (workflowId, status, runDir, stages, metrics, ...); progress goes to stderr\n  --strict  exit 3 when the run ends below its thresholds',
  options: { json: { type: 'boolean' }, strict: { type: 'boolean' } },
  async run({ values, positionals }) {
    const [specPath] = expectPositionals(positionals, ['spec.yaml']) as [string];
    const loaded = await loadSpecOrReport(specPath);
    if (!loaded) return 1;
    return withSession({ startServer: true }, async (session) => {
      let workers: StartedWorker[] = [];
      const stop = () => void stopWorkers(workers).finally(() => process.exit(130));
      process.once('SIGINT', stop);
      try {
        workers = await ensureWorkers(session);
        const handle = await startExperiment(session, loaded.file, loaded.spec.name);
        const link = runLink(session, handle.workflowId);
        warn(`${out.bold(loaded.spec.name)}: workflow ${handle.workflowId}\n  ${link}`);
        await followRun(handle);
        const { summary, failure } = await readOutcome(handle);
        const description = await handle.describe();
        if (values.json) say(JSON.stringify(summaryJson(handle.workflowId, description.status.name, link, summary, failure)));
        else printSummary(link, summary, failure);
        if (failure) return 1;
        return values.strict && summary?.status !== 'passed' ? 3 : 0;
      } finally {
        process.off('SIGINT', stop);
        if (workers.length) warn(err.dim('stopping the workers this run started'));
        await stopWorkers(workers);
      }
    });
  },
};
