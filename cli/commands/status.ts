// `tooltune status <id>`, `cancel <id>` and `list`: look at runs on the configured Temporal.
import { SEARCH_ATTRIBUTES, WORKFLOW_TYPE } from '../../lib/temporal/names';
import type { Progress } from '../../workflows/run-state';
import { expectPositionals, type Command } from '../command';
import { formatStageLine } from '../follow';
import { readActivityProgress, readFigures, renderPlainLine } from '../progress';
import { out, say } from '../io';
import { runLink, withSession } from '../session';
import { printSummary, readOutcome, summaryJson } from '../summary';

export const statusCommand: Command = {
  name: 'status',
  summary: 'Show where a run is, or how it ended',
  usage: 'tooltune status <workflow-id> [--json]',
  options: { json: { type: 'boolean' } },
  async run({ values, positionals }) {
    const [id] = expectPositionals(positionals, ['workflow-id']) as [string];
    return withSession({ startServer: false }, async (session) => {
      const handle = session.client.workflow.getHandle(id);
      const description = await handle.describe();
      const link = runLink(session, id);
      const running = description.status.name === 'RUNNING';
      const progress = running ? await handle.query<Progress>('progress').catch(() => undefined) : undefined;
      const { summary, failure } = running ? {} : await readOutcome(handle);
      if (values.json) {
        say(JSON.stringify({ ...summaryJson(id, description.status.name, link, summary, failure), ...(progress ? { progress } : {}) }));
        return 0;
      }
      say(`${out.bold(id)}  ${description.status.name}  started ${description.startTime.toISOString()}`);
      for (const stage of summary?.stages ?? progress?.stages ?? []) say(formatStageLine(stage, progress));
      if (description.status.name === 'RUNNING') {
        say(`\nnow: ${progress?.stage ?? '?'} (attempt ${progress?.attempt ?? 0}, ${progress?.branch ?? ''})`);
        const figures = readActivityProgress(description).map((a) => readFigures(a, Date.now())).find((f) => f !== null);
        if (figures) say(renderPlainLine(progress?.stage ?? '?', figures).trimStart());
        say(link);
      }
      else printSummary(link, summary, failure);
      return 0;
    });
  },
};

export const cancelCommand: Command = {
  name: 'cancel',
  summary: 'Cancel a run (fine-tuning stops within seconds and keeps its last checkpoint)',
  usage: 'tooltune cancel <workflow-id>',
  options: {},
  async run({ positionals }) {
    const [id] = expectPositionals(positionals, ['workflow-id']) as [string];
    return withSession({ startServer: false }, async (session) => {
      await session.client.workflow.getHandle(id).cancel();
      say(`cancellation requested for ${id}`);
      return 0;
    });
  },
};

export const listCommand: Command = {
  name: 'list',
  summary: 'List recent runs with their spec, stage and status',
  usage: 'tooltune list [--limit N] [--json]',
  options: { limit: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values }) {
    const limit = Number.parseInt(String(values.limit ?? '20'), 10);
    return withSession({ startServer: false }, async (session) => {
      const rows: Record<string, unknown>[] = [];
      for await (const wf of session.client.workflow.list({ query: `WorkflowType = '${WORKFLOW_TYPE}'` })) {
        const sa = wf.typedSearchAttributes;
        rows.push({
          workflowId: wf.workflowId, status: wf.status.name, startTime: wf.startTime.toISOString(),
          spec: sa.get(SEARCH_ATTRIBUTES.spec) ?? wf.memo?.spec ?? null, model: sa.get(SEARCH_ATTRIBUTES.model) ?? null,
          stage: sa.get(SEARCH_ATTRIBUTES.stage) ?? null, attempt: sa.get(SEARCH_ATTRIBUTES.attempt) ?? null, result: sa.get(SEARCH_ATTRIBUTES.status) ?? null,
        });
        if (rows.length >= (Number.isFinite(limit) && limit > 0 ? limit : 20)) break;
      }
      if (values.json) say(JSON.stringify(rows));
      else for (const r of rows) say(`${String(r.workflowId).padEnd(40)} ${String(r.status).padEnd(11)} ${String(r.stage ?? '').padEnd(20)} ${String(r.result ?? '')}  ${String(r.startTime)}`);
      return 0;
    });
  },
};
