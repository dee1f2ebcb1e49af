// `tooltune validate <spec>`: every problem of a spec at once, exit 0 or 1.
import { loadSpec } from '../../lib/spec/load-spec';
import { InvalidSpecError } from '../../lib/spec/problems';
import { expectPositionals, type Command } from '../command';
import { err, out, say, warn } from '../io';

// Loads a spec for a command; prints every problem and returns null when it is invalid.
export async function loadSpecOrReport(specPath: string): Promise<Awaited<ReturnType<typeof loadSpec>> | null> {
  try {
    return await loadSpec({ specPath });
  } catch (e) {
    if (e instanceof InvalidSpecError) {
      warn(err.red(e.message));
      return null;
    }
    throw e;
  }
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check a spec against the schema; list every problem with its line',
  usage: 'tooltune validate <spec.yaml> [--json]',
  options: { json: { type: 'boolean' } },
  async run({ values, positionals }) {
    const [specPath] = expectPositionals(positionals, ['spec.yaml']) as [string];
    if (values.json) {
      try {
        const loaded = await loadSpec({ specPath });
        say(JSON.stringify({ valid: true, file: loaded.file, spec: loaded.spec }));
        return 0;
      } catch (e) {
        if (!(e instanceof InvalidSpecError)) throw e;
        say(JSON.stringify({ valid: false, file: e.file, problems: e.problems }));
        return 1;
      }
    }
    const loaded = await loadSpecOrReport(specPath);
    if (!loaded) return 1;
    say(`${out.green('valid')} ${loaded.file} (${loaded.spec.name}: ${loaded.spec.model.model_name}, source ${loaded.spec.model.source})`);
    return 0;
  },
};
