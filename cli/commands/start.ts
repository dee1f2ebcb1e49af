// `tooltune start <spec>`: start an experiment, print its workflow id, and return.
import { expectPositionals, type Command } from '../command';
import { err, say, warn } from '../io';
import { isServed } from '../../lib/local/workers';
import { runLink, startExperiment, withSession } from '../session';
import { loadSpecOrReport } from './validate';

export const startCommand: Command = {
  name: 'start',
  summary: 'Start an experiment and print its workflow id',
  usage: 'tooltune start <spec.yaml>\n  Workers must be running (`tooltune workers start`, or your own on other machines).',
  options: {},
  async run({ positionals }) {
    const [specPath] = expectPositionals(positionals, ['spec.yaml']) as [string];
    const loaded = await loadSpecOrReport(specPath);
    if (!loaded) return 1;
    return withSession({ startServer: true }, async (session) => {
      for (const kind of ['ts', 'py'] as const) {
        if (!(await isServed(session.client, kind))) warn(err.yellow(`no ${kind === 'ts' ? 'TypeScript' : 'Python'} worker polls yet: the run waits until one does (\`npx tooltune workers start\`).`));
      }
      const handle = await startExperiment(session, loaded.file, loaded.spec.name);
      say(handle.workflowId);
      warn(err.dim(runLink(session, handle.workflowId)));
      return 0;
    });
  },
};
