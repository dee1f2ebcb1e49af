// The `tooltune` command line: dispatches to one command module per verb.
import { InvalidSpecError } from '../lib/spec/problems';
import { parseCommandArgs, type Command } from './command';
import { UsageError, err, say, warn } from './io';

// The commands, loaded on use so that `validate` never loads the Temporal client or torch-side code.
const COMMANDS: { name: string; summary: string; load: () => Promise<Command> }[] = [
  { name: 'validate', summary: 'Check a spec against the schema; list every problem with its line', load: async () => (await import('./commands/validate')).validateCommand },
  { name: 'run', summary: 'Run an experiment and follow it to the end', load: async () => (await import('./commands/run')).runCommand },
  { name: 'start', summary: 'Start an experiment and print its workflow id', load: async () => (await import('./commands/start')).startCommand },
  { name: 'resume', summary: 'Start a new run reusing the unchanged stages of an ended run', load: async () => (await import('./commands/resume')).resumeCommand },
  { name: 'status', summary: 'Show where a run is, or how it ended', load: async () => (await import('./commands/status')).statusCommand },
  { name: 'cancel', summary: 'Cancel a run', load: async () => (await import('./commands/status')).cancelCommand },
  { name: 'list', summary: 'List recent runs with their spec, stage and status', load: async () => (await import('./commands/status')).listCommand },
  { name: 'server', summary: 'Start, stop or inspect the embedded Temporal dev server', load: async () => (await import('./commands/server')).serverCommand },
  { name: 'workers', summary: 'Start both workers in the background, stop them, or show who polls', load: async () => (await import('./commands/server')).workersCommand },
  { name: 'report', summary: "Rebuild a run's report.html (charts, costs, failures) from its folder", load: async () => (await import('./commands/report')).reportCommand },
  { name: 'compare', summary: 'Put runs side by side: settings that differ, figures, charts', load: async () => (await import('./commands/compare')).compareCommand },
  { name: 'dataset', summary: 'Write the dataset a spec would train on, without a run', load: async () => (await import('./commands/dataset')).datasetCommand },
  { name: 'score', summary: 'Score predictions against cases', load: async () => (await import('./commands/score')).scoreCommand },
  { name: 'generate', summary: "Answer a request with a run's ONNX model: tool call, text, latency", load: async () => (await import('./commands/generate')).generateCommand },
  { name: 'serve', summary: 'Serve a run\'s model behind an OpenAI-compatible chat completions endpoint', load: async () => (await import('./commands/serve')).serveCommand },
];

// The top-level help text.
export function renderHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'tooltune: fine-tune small open models into reliable MCP tool callers, as durable Temporal runs.',
    '',
    'Usage: tooltune <command> [options]      (tooltune <command> --help for more)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Temporal: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_* (default: the embedded server on localhost:7233).',
  ].join('\n');
}

// Runs the CLI and returns its exit code: 0 ok, 1 failure, 2 usage error.
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    say(renderHelp());
    return name ? 0 : 2;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    warn(err.red(`unknown command '${name}'`));
    warn(renderHelp());
    return 2;
  }
  const command = await entry.load();
  try {
    const args = parseCommandArgs(command, rest);
    if (args.values.help) {
      say(`${command.summary}\n\nUsage: ${command.usage}`);
      return 0;
    }
    return await command.run(args);
  } catch (e) {
    if (e instanceof UsageError) {
      warn(err.red(`tooltune ${name}: ${e.message}`));
      warn(`Usage: ${command.usage}`);
      return 2;
    }
    if (e instanceof InvalidSpecError || (e instanceof Error && e.name === 'InferenceError')) {
      warn(err.red(e.message));
      return 1;
    }
    warn(err.red(`tooltune ${name}: ${(e as Error).message}`));
    if (process.env.TOOLTUNE_DEBUG) warn(String((e as Error).stack));
    return 1;
  }
}
