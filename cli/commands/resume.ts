// `tooltune resume <workflow-id> [--spec edited.yaml] [--from <stage>]`: a new run that reuses every stage
// of an ended run whose inputs are unchanged (content-keyed, verified: lib/cache/stage-cache.ts) and runs
// the rest; it links to the old run (memo and search attribute) and its summary lists the reused stages.
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type proto from '@temporalio/proto';
import { stopWorkers, type StartedWorker } from '../../lib/local/workers';
import { TASK_QUEUE, WORKFLOW_TYPE } from '../../lib/temporal/names';
import type { ExperimentInput, RunSummary } from '../../workflows/experiment';
import { RESUMABLE_STAGES, type ResumableStage } from '../../workflows/stage-cache';
import { expectPositionals, type Command } from '../command';
import { followRun } from '../follow';
import { err, out, say, UsageError, warn } from '../io';
import { ensureWorkers, hasSearchAttributes, newWorkflowId, runLink, withSession } from '../session';
import { printSummary, readOutcome, summaryJson } from '../summary';
import { loadSpecOrReport } from './validate';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

// The old run's input and run folder, read from its history (the first event and prepareRun's result).
export function readOldRun(events: HistoryEvent[]): { input: ExperimentInput | null; runDir: string | null } {
  const decode = (payloads: proto.temporal.api.common.v1.IPayloads | null | undefined): unknown => {
    const first = payloads?.payloads?.[0];
    return first ? defaultPayloadConverter.fromPayload(first) : undefined;
  };
  const input = (decode(events[0]?.workflowExecutionStartedEventAttributes?.input) as ExperimentInput | undefined) ?? null;
  const prepare = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'prepareRun');
  const done = prepare && events.find((e) => e.activityTaskCompletedEventAttributes && Number(e.activityTaskCompletedEventAttributes.scheduledEventId) === Number(prepare.eventId));
  const plan = done ? (decode(done.activityTaskCompletedEventAttributes?.result) as { run_dir?: string } | undefined) : undefined;
  return { input, runDir: typeof plan?.run_dir === 'string' ? plan.run_dir : null };
}

export const resumeCommand: Command = {
  name: 'resume',
  summary: 'Start a new run that reuses the unchanged stages of an ended run',
  usage: `tooltune resume <workflow-id> [--spec edited.yaml] [--from ${RESUMABLE_STAGES.join('|')}] [--json] [--strict]\n  --spec  run with this spec instead of the old run's (stages whose inputs changed run again)\n  --from  run this stage and every later one again even if unchanged`,
  options: { spec: { type: 'string' }, from: { type: 'string' }, json: { type: 'boolean' }, strict: { type: 'boolean' } },
  async run({ values, positionals }) {
    const [oldId] = expectPositionals(positionals, ['workflow-id']) as [string];
    const from = values.from as string | undefined;
    if (from !== undefined && !(RESUMABLE_STAGES as readonly string[]).includes(from)) throw new UsageError(`--from must be one of ${RESUMABLE_STAGES.join(', ')}`);
    const loaded = typeof values.spec === 'string' ? await loadSpecOrReport(values.spec) : undefined;
    if (loaded === null) return 1;
    return withSession({ startServer: true }, async (session) => {
      const old = session.client.workflow.getHandle(oldId);
      const description = await old.describe().catch(() => null);
      if (!description) throw new UsageError(`no run with workflow id ${oldId}`);
      if (description.status.name === 'RUNNING') throw new UsageError(`${oldId} is still running: wait for it, or \`tooltune cancel ${oldId}\` first`);
      const { input, runDir } = readOldRun((await old.fetchHistory()).events ?? []);
      if (!input || !runDir) throw new UsageError(`${oldId} ended before its run folder existed: nothing to reuse; start a new run`);
      const source = loaded ? { specPath: loaded.file } : { specPath: input.specPath, specText: input.specText, spec: input.spec };
      const specName = loaded?.spec.name ?? String(description.memo?.spec ?? 'run');
      let workers: StartedWorker[] = [];
      try {
        workers = await ensureWorkers(session);
        const args: ExperimentInput = { ...source, searchAttributes: await hasSearchAttributes(session.client), resume: { workflowId: oldId, runDir, ...(from ? { from: from as ResumableStage } : {}) } };
        const handle: WorkflowHandle = await session.client.workflow.start(WORKFLOW_TYPE, { taskQueue: TASK_QUEUE, workflowId: newWorkflowId(specName), args: [args], memo: { spec: specName, resumedFrom: oldId } });
        const link = runLink(session, handle.workflowId);
        warn(`${out.bold(specName)}: workflow ${handle.workflowId}, resuming ${oldId}\n  ${link}`);
        await followRun(handle);
        const { summary, failure } = await readOutcome(handle);
        const status = (await handle.describe()).status.name;
        if (values.json) say(JSON.stringify({ ...summaryJson(handle.workflowId, status, link, summary, failure), resumedFrom: oldId, reusedStages: (summary as RunSummary | undefined)?.reusedStages ?? [] }));
        else printSummary(link, summary, failure);
        if (failure) return 1;
        return values.strict && summary?.status !== 'passed' ? 3 : 0;
      } finally {
        if (workers.length) warn(err.dim('stopping the workers this run started'));
        await stopWorkers(workers);
      }
    });
  },
};
