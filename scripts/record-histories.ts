// Records the event histories of real tiny runs (passed, remediated, out-of-memory, cancelled, failed) as
// JSON fixtures for test/workflows/replay-histories.test.ts, which replays them against the current
// workflow code: a workflow change that would break runs already in flight then fails the tests.
//
//   npx tsx scripts/record-histories.ts [--out test/fixtures/histories] [--only passed,failed]
//
// Runs on a private dev server (free port, temporary state and artifacts, never the user's server) with
// both real workers; takes a few minutes on 2 CPU cores. See docs/REPLAY.md for when to refresh.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { stringify, parse } from 'yaml';
import { PROJECT_ROOT, temporalCliPath } from '../lib/local/project';
import { connectClient, loadTemporalTarget } from '../lib/temporal/connection';
import { TASK_QUEUE, WORKFLOW_TYPE } from '../lib/temporal/names';
import { freePort } from '../test/helpers/free-port';
import { mergeDeep } from '../test/helpers/spec';
import type { Progress } from '../workflows/run-state';

type Plain = Record<string, unknown>;

// One recorded run: the spec overrides on top of BASE, and what the run must end as.
interface Scenario {
  name: string;
  overrides: Plain;
  expect: 'COMPLETED' | 'FAILED' | 'CANCELLED';
  cancelDuring?: string;
}

// The tiny example cut down to seconds per stage; batch 4 stays under the fake out-of-memory limit.
const BASE_OVERRIDES: Plain = {
  name: 'hist',
  dataset: { target_size: 60, train_cases_sample: 4 },
  training: { num_train_epochs: 2, per_device_train_batch_size: 4, validation_frequency: 10, save_steps: 10, early_stopping_patience: 2 },
  evaluation: { max_new_tokens: 32, score_suite: false, thresholds: { tool_accuracy: 0, param_accuracy: 0, tool_detection: 0 } },
  remediation: { max_attempts: 1, on_exhausted: 'stop' },
};

const SCENARIOS: Scenario[] = [
  { name: 'passed', overrides: { evaluation: { score_suite: true } }, expect: 'COMPLETED' },
  {
    name: 'remediated', expect: 'COMPLETED',
    overrides: { evaluation: { thresholds: { tool_accuracy: 1, param_accuracy: 1, tool_detection: 1 } }, remediation: { max_attempts: 2, below_threshold: [{ num_train_epochs: 3 }], overfitting: [] } },
  },
  { name: 'out-of-memory', overrides: { training: { per_device_train_batch_size: 8 }, remediation: { out_of_memory: { max_retries: 1 } } }, expect: 'COMPLETED' },
  { name: 'oom-exhausted', overrides: { training: { per_device_train_batch_size: 8 }, remediation: { out_of_memory: { max_retries: 0 } } }, expect: 'FAILED' },
  { name: 'cancelled', overrides: { training: { num_train_epochs: 30 } }, expect: 'CANCELLED', cancelDuring: 'finetune' },
  { name: 'failed', overrides: { lora: { lora_target_modules: ['q_proj', 'v_proj'], modules_to_save: [] } }, expect: 'FAILED' },
  // Recorded after patched('pooled-predict'): the base model's val and suite in one predict call, the only attempt's
  // val, training sample and suite in another.
  { name: 'pooled-predict', overrides: { evaluation: { score_suite: true } }, expect: 'COMPLETED' },
];

const { values } = parseArgs({ options: { out: { type: 'string', default: 'test/fixtures/histories' }, only: { type: 'string' } } });
const outDir = path.resolve(PROJECT_ROOT, values.out ?? 'test/fixtures/histories');
const only = values.only ? new Set(values.only.split(',')) : null;

const home = await mkdtemp(path.join(tmpdir(), 'tooltune-histories-'));
const env: Record<string, string> = {
  NO_COLOR: '1', TOOLTUNE_HOME: home, TOOLTUNE_ARTIFACTS_ROOT: path.join(home, 'artifacts'),
  TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`, TOOLTUNE_UI_PORT: String(await freePort()),
  TOOLTUNE_TEST_HOOKS: '1', TOOLTUNE_FAKE_OOM_ABOVE_BATCH: '4', OMP_WAIT_POLICY: 'PASSIVE',
};
Object.assign(process.env, env);

// Runs the project's CLI with the private environment; throws on failure.
async function tooltune(...args: string[]): Promise<void> {
  const result = await execa(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'tooltune.mjs'), ...args], { cwd: PROJECT_ROOT, env, reject: false, timeout: 300_000 });
  if (result.exitCode !== 0) throw new Error(`tooltune ${args.join(' ')} failed:\n${result.stderr}`);
}

const tinyText = await readFile(path.join(PROJECT_ROOT, 'specs', 'examples', 'tiny.yaml'), 'utf8');
const tiny = parse(tinyText) as Plain;

await tooltune('server', 'start');
try {
  await tooltune('workers', 'start');
  const client = await connectClient(loadTemporalTarget());
  await mkdir(outDir, { recursive: true });
  const index: Record<string, { status: string; summaryStatus?: string; events: number }> = {};
  for (const scenario of SCENARIOS) {
    if (only && !only.has(scenario.name)) continue;
    const spec = mergeDeep(mergeDeep(tiny, BASE_OVERRIDES), scenario.overrides);
    const workflowId = `hist-${scenario.name}`;
    const started = Date.now();
    const handle = await client.workflow.start(WORKFLOW_TYPE, { taskQueue: TASK_QUEUE, workflowId, args: [{ specText: stringify(spec) }] });
    if (scenario.cancelDuring) {
      for (;;) {
        const progress = await handle.query<Progress>('progress').catch(() => null);
        if (progress?.stage === scenario.cancelDuring) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      await new Promise((r) => setTimeout(r, 2000));
      await handle.cancel();
    }
    const outcome = await handle.result().then((s: { status: string }) => s.status, () => undefined);
    const status = (await handle.describe()).status.name;
    if (status !== scenario.expect) throw new Error(`${scenario.name}: expected ${scenario.expect}, got ${status}`);
    // The Temporal CLI's JSON form of a history is what historyFromJSON (and the Web UI's download) reads.
    const shown = await execa(temporalCliPath(), ['workflow', 'show', '--workflow-id', workflowId, '--output', 'json'], { env, timeout: 60_000 });
    const events = (JSON.parse(shown.stdout) as { events: unknown[] }).events.length;
    await writeFile(path.join(outDir, `${scenario.name}.json`), `${shown.stdout.trim()}\n`);
    index[scenario.name] = { status, summaryStatus: outcome, events };
    console.log(`${scenario.name}: ${status}${outcome ? ` (${outcome})` : ''}, ${events} events, ${Math.round((Date.now() - started) / 1000)} s, ${Math.round(shown.stdout.length / 1024)} KiB`);
  }
  const indexPath = path.join(outDir, 'index.json');
  const previous = await readFile(indexPath, 'utf8').then((t) => JSON.parse(t) as Plain, () => ({}));
  await writeFile(indexPath, `${JSON.stringify({ ...previous, ...index }, null, 2)}\n`);
  await client.connection.close();
} finally {
  await tooltune('workers', 'stop').catch((e: unknown) => console.error(String(e)));
  await tooltune('server', 'stop').catch((e: unknown) => console.error(String(e)));
  await rm(home, { recursive: true, force: true });
}
