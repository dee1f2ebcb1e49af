// The shape every CLI command has, and argument parsing on top of node:util's parseArgs.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './io';

type Options = NonNullable<ParseArgsConfig['options']>;

// One `tooltune <name>` command.
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Options;
  run(args: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] }): Promise<number>;
}

// Parses a command's arguments strictly; unknown flags are usage errors.
export function parseCommandArgs(command: Command, argv: string[]): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: argv, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return { values: parsed.values as Record<string, string | boolean | string[] | undefined>, positionals: parsed.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

// Reads exactly `count` positional arguments or fails with a usage error naming them.
export function expectPositionals(positionals: string[], names: string[]): string[] {
  if (positionals.length !== names.length) {
    throw new UsageError(`expected ${names.map((n) => `<${n}>`).join(' ') || 'no arguments'}, got ${positionals.length ? positionals.join(' ') : 'nothing'}`);
  }
  return positionals;
}
