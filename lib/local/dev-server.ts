// The embedded Temporal server: `temporal server start-dev` with its SQLite file in the state folder,
// so runs survive a restart, the Web UI on 8233, and tooltune's search attributes registered. It listens
// where TEMPORAL_ADDRESS points when that is a loopback address (tests use a free port of their own).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { loadTemporalTarget } from '../temporal/connection';
import { SEARCH_ATTRIBUTE_FLAGS } from '../temporal/names';
import { isAlive, readPid, removePid, spawnDaemon, stopProcess, waitFor, writePid } from './processes';
import { stateDir, temporalCliPath } from './project';

// Ports of the embedded server when nothing else is configured.
export const DEV_SERVER = { host: '127.0.0.1', port: 7233, uiPort: 8233 } as const;

// Where the embedded server listens: the port of a loopback TEMPORAL_ADDRESS (else 7233), and the Web UI
// on TOOLTUNE_UI_PORT (else 8233 for the default port, the frontend port + 1000 for any other).
export function devServerPorts(): { host: string; port: number; uiPort: number } {
  const match = /^(?:localhost|127\.0\.0\.1|\[::1\]):(\d+)$/.exec(loadTemporalTarget().address);
  const port = match ? Number(match[1]) : DEV_SERVER.port;
  const fromEnv = Number(process.env.TOOLTUNE_UI_PORT);
  const uiPort = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : port === DEV_SERVER.port ? DEV_SERVER.uiPort : port + 1000;
  return { host: DEV_SERVER.host, port, uiPort };
}

// Where the embedded server keeps its files.
export function devServerFiles(): { db: string; pid: string; log: string } {
  const dir = stateDir();
  return { db: path.join(dir, 'temporal.db'), pid: path.join(dir, 'server.pid'), log: path.join(dir, 'logs', 'server.log') };
}

// The Web UI address of a workflow on the embedded server.
export function webUiUrl(namespace: string, workflowId?: string): string {
  const base = `http://localhost:${devServerPorts().uiPort}/namespaces/${encodeURIComponent(namespace)}/workflows`;
  return workflowId ? `${base}/${encodeURIComponent(workflowId)}` : base;
}

// True when a Temporal frontend answers at the address.
export async function serverAnswers(address = `${devServerPorts().host}:${devServerPorts().port}`, timeoutMs = 1500): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    try {
      await connection.healthService.check({});
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

// What `tooltune server status` reports.
export interface DevServerStatus {
  answering: boolean;
  pid: number | null;
  managed: boolean;
  db: string;
  address: string;
  ui: string;
  log: string;
}

// Reports whether the embedded server runs, and whether tooltune started it.
export async function devServerStatus(): Promise<DevServerStatus> {
  const files = devServerFiles();
  const pid = await readPid(files.pid);
  const managed = pid !== null && isAlive(pid);
  const ports = devServerPorts();
  return { answering: await serverAnswers(), pid: managed ? pid : null, managed, db: files.db, address: `${ports.host}:${ports.port}`, ui: `http://localhost:${ports.uiPort}`, log: files.log };
}

// Starts the embedded server in the background (it outlives the CLI) unless one already answers.
export async function startDevServer(timeoutMs = 60_000): Promise<{ started: boolean; pid: number | null; ui: string }> {
  const ui = `http://localhost:${devServerPorts().uiPort}`;
  if (await serverAnswers()) return { started: false, pid: await readPid(devServerFiles().pid), ui };
  const files = devServerFiles();
  const ports = devServerPorts();
  await mkdir(path.dirname(files.log), { recursive: true });
  const args = [
    'server', 'start-dev',
    '--db-filename', files.db,
    '--ip', ports.host,
    '--port', String(ports.port),
    '--ui-port', String(ports.uiPort),
    '--log-level', 'warn',
    ...SEARCH_ATTRIBUTE_FLAGS.flatMap((flag) => ['--search-attribute', flag]),
  ];
  let pid: number;
  try {
    pid = spawnDaemon(temporalCliPath(), args, files.log);
  } catch {
    throw new Error(`could not start ${temporalCliPath()}: is the Temporal CLI installed? (scripts/setup.sh installs it)`);
  }
  await writePid(files.pid, pid);
  const up = await waitFor(async () => !isAlive(pid) ? true : serverAnswers(), timeoutMs, 500);
  if (!up || !isAlive(pid)) {
    await removePid(files.pid);
    throw new Error(`the Temporal dev server did not come up within ${timeoutMs / 1000}s; see ${files.log}`);
  }
  return { started: true, pid, ui };
}

// Stops the embedded server if tooltune started it; never touches a server it did not start.
export async function stopDevServer(): Promise<{ stopped: boolean; reason?: string }> {
  const files = devServerFiles();
  const pid = await readPid(files.pid);
  if (pid === null || !isAlive(pid)) {
    await removePid(files.pid);
    return { stopped: false, reason: (await serverAnswers()) ? `a server answers on ${devServerPorts().port} but tooltune did not start it` : 'not running' };
  }
  await stopProcess(pid);
  await removePid(files.pid);
  return { stopped: true };
}
