// `tooltune server start|stop|status` and `tooltune workers start|stop|status`: the local processes.
import path from 'node:path';
import { devServerStatus, startDevServer, stopDevServer } from '../../lib/local/dev-server';
import { isAlive, readPid, removePid, stopProcess, writePid } from '../../lib/local/processes';
import { stateDir } from '../../lib/local/project';
import { isServed, startWorker, WORKERS, type WorkerKind } from '../../lib/local/workers';
import { UsageError, out, say } from '../io';
import { expectPositionals, type Command } from '../command';
import { withSession } from '../session';

export const serverCommand: Command = {
  name: 'server',
  summary: 'Start, stop or inspect the embedded Temporal dev server (SQLite in .tooltune/, Web UI on :8233)',
  usage: 'tooltune server start|stop|status',
  options: {},
  async run({ positionals }) {
    const [action] = expectPositionals(positionals, ['start|stop|status']) as [string];
    if (action === 'start') {
      const result = await startDevServer();
      say(result.started ? `started (pid ${result.pid}); Web UI ${result.ui}` : `already running; Web UI ${result.ui}`);
      return 0;
    }
    if (action === 'stop') {
      const result = await stopDevServer();
      say(result.stopped ? 'stopped' : `nothing stopped: ${result.reason}`);
      return 0;
    }
    if (action === 'status') {
      const s = await devServerStatus();
      say(`${s.answering ? out.green('answering') : out.red('not answering')} on ${s.address}${s.managed ? ` (pid ${s.pid}, started by tooltune)` : ''}`);
      say(`database: ${s.db}\nWeb UI:   ${s.ui}\nlog:      ${s.log}`);
      return s.answering ? 0 : 1;
    }
    throw new UsageError(`unknown action '${action}'`);
  },
};

// Pid file of a background worker started by `tooltune workers start`.
function workerPidFile(kind: WorkerKind): string {
  return path.join(stateDir(), `${kind}-worker.pid`);
}

export const workersCommand: Command = {
  name: 'workers',
  summary: 'Start both workers in the background, stop them, or show who polls',
  usage: 'tooltune workers start|stop|status',
  options: {},
  async run({ positionals }) {
    const [action] = expectPositionals(positionals, ['start|stop|status']) as [string];
    if (action === 'stop') {
      for (const kind of ['ts', 'py'] as WorkerKind[]) {
        const pid = await readPid(workerPidFile(kind));
        if (pid && isAlive(pid)) {
          await stopProcess(pid, 20_000);
          say(`stopped the ${kind} worker (pid ${pid})`);
        }
        await removePid(workerPidFile(kind));
      }
      return 0;
    }
    if (action !== 'start' && action !== 'status') throw new UsageError(`unknown action '${action}'`);
    return withSession({ startServer: action === 'start' }, async (session) => {
      for (const kind of ['ts', 'py'] as WorkerKind[]) {
        const served = await isServed(session.client, kind);
        if (action === 'status' || served) {
          say(`${WORKERS[kind].queue}: ${served ? out.green('polled') : out.red('no live poller')}`);
          continue;
        }
        const worker = await startWorker(session.client, kind, { detached: true });
        if (worker.pid) await writePid(workerPidFile(kind), worker.pid);
        say(`started the ${kind} worker (pid ${worker.pid}); log ${worker.log}`);
      }
      return 0;
    });
  },
};
