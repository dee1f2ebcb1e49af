// Terminal output for the CLI: colours only on a terminal without NO_COLOR, and one place to print.
import { Chalk, type ChalkInstance } from 'chalk';

// Whether a stream should get colours: a TTY, and neither NO_COLOR nor TERM=dumb.
export function wantsColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && process.env.TERM !== 'dumb';
}

// Colours for stdout and stderr, each decided by its own stream.
export const out: ChalkInstance = new Chalk({ level: wantsColor(process.stdout) ? 1 : 0 });
export const err: ChalkInstance = new Chalk({ level: wantsColor(process.stderr) ? 1 : 0 });

// A reader that stops early (`tooltune list | head -1`) closes the pipe: stop quietly, as other Unix tools do,
// instead of dying on an unhandled EPIPE. Whatever the command wrote to disk was finished before it printed.
export function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
}

// Prints a line to stdout.
export function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

// Prints a line to stderr.
export function warn(line: string): void {
  process.stderr.write(`${line}\n`);
}

// A usage error: the CLI prints it with the command's usage and exits 2.
export class UsageError extends Error {
  override name = 'UsageError';
}
