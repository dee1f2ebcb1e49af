// The folders the workers may write to and read inputs from. They belong to the workers' configuration
// (environment), never to a spec: a spec started through `temporal workflow start --input` must not be
// able to point the workers at any file on the machine.
import path from 'node:path';
import { PROJECT_ROOT } from './local/project';

// The environment variables, named in errors and docs.
export const ARTIFACTS_ROOT_ENV = 'TOOLTUNE_ARTIFACTS_ROOT';
export const INPUT_ROOTS_ENV = 'TOOLTUNE_INPUT_ROOTS';

// Where runs write (artifactsRoot) and where spec files and their input files may come from (inputRoots).
export interface WorkerRoots {
  artifactsRoot: string;
  inputRoots: string[];
}

// Raised when a root variable is unusable; the worker refuses to start, the CLI prints it.
export class WorkerRootsError extends Error {}

// Reads the roots: TOOLTUNE_ARTIFACTS_ROOT (default <project>/artifacts) and TOOLTUNE_INPUT_ROOTS, a list
// separated by the platform's path delimiter (default: the project folder). Relative values are taken
// against the project folder, so every worker and the CLI agree whatever their working directory.
export function readWorkerRoots(env: NodeJS.ProcessEnv = process.env): WorkerRoots {
  const artifacts = env[ARTIFACTS_ROOT_ENV]?.trim();
  const inputs = env[INPUT_ROOTS_ENV]?.trim();
  const check = (name: string, value: string): string => {
    if (value.includes('\0')) throw new WorkerRootsError(`${name} contains a NUL byte`);
    return path.resolve(PROJECT_ROOT, value);
  };
  const artifactsRoot = artifacts ? check(ARTIFACTS_ROOT_ENV, artifacts) : path.join(PROJECT_ROOT, 'artifacts');
  const inputRoots = inputs ? inputs.split(path.delimiter).filter((p) => p.trim() !== '').map((p) => check(INPUT_ROOTS_ENV, p.trim())) : [PROJECT_ROOT];
  if (inputRoots.length === 0) throw new WorkerRootsError(`${INPUT_ROOTS_ENV} names no folder`);
  return { artifactsRoot, inputRoots };
}
