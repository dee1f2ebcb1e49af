// Small process helpers for pid files and liveness checks.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

// True when a process with this pid exists (and we may signal it).
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Reads a pid file; null when absent or unreadable.
export async function readPid(file: string): Promise<number | null> {
  try {
    const pid = Number.parseInt((await readFile(file, 'utf8')).trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

// Writes a pid file, creating its folder.
export async function writePid(file: string, pid: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${pid}\n`);
}

// Removes a pid file if present.
export async function removePid(file: string): Promise<void> {
  await rm(file, { force: true });
}

// Waits until `check` is true or the deadline passes; returns the last answer.
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// Sends SIGTERM, then SIGKILL after a grace period; resolves when the process is gone.
export async function stopProcess(pid: number, graceMs = 10_000): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  if (await waitFor(() => !isAlive(pid), graceMs, 100)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
  await waitFor(() => !isAlive(pid), 5000, 100);
}

// Starts a background process that outlives this one, its output appended to a log file. The child gets
// the log's file descriptor directly (execa would pipe through us and keep us alive). Arguments are an
// array: nothing passes through a shell.
export function spawnDaemon(file: string, args: readonly string[], log: string, opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): number {
  mkdirSync(path.dirname(log), { recursive: true });
  const fd = openSync(log, 'a');
  try {
    const child = spawn(file, [...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, detached: true, stdio: ['ignore', fd, fd] });
    child.on('error', () => undefined);
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${file}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}
