// The workflow side of `tooltune resume` with stub activities: a normal run records every cacheable
// stage; a resumed run reuses exactly the stages whose keys are unchanged (an edited threshold re-trains
// nothing, an edited lora_r re-runs preflight, fine-tuning and its predictions), `from` forces a stage and
// everything after it, and the new run links to the old one. The real cache (keys over files, verified
// copies, tampering) is tested in test/lib/cache/stage-cache.test.ts and end to end in test/e2e.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordStageInput } from '../../activities/types';
import { SEARCH_ATTRIBUTES, TASK_QUEUE, WORKFLOW_TYPE } from '../../lib/temporal/names';
import type { ExperimentInput, RunSummary } from '../../workflows/experiment';
import { specYaml } from '../helpers/spec';
import { StubActivities, stubKey } from '../helpers/stub-activities';
import { startWorkflowTestEnv, type WorkflowTestEnv } from '../helpers/workflow-env';

const stubs = new StubActivities();
let t: WorkflowTestEnv;

beforeAll(async () => {
  t = await startWorkflowTestEnv(stubs);
}, 120_000);
afterAll(async () => {
  await t?.teardown();
});

let counter = 0;
async function run(label: string, input: ExperimentInput, cached?: Map<string, unknown>): Promise<{ id: string; summary: RunSummary }> {
  counter += 1;
  const id = `wf-resume-${label}-${counter}-${Date.now().toString(36)}`;
  stubs.script(id, { cached: cached ? (slot, key) => cached.get(`${slot}|${key}`) : undefined });
  const handle = await t.client.workflow.start(WORKFLOW_TYPE, { taskQueue: TASK_QUEUE, workflowId: id, args: [input], workflowExecutionTimeout: '40s' });
  return { id, summary: (await handle.result()) as RunSummary };
}

// What the old run recorded, as the stub lookup serves it: slot|key -> output.
function recordsOf(id: string): Map<string, unknown> {
  return new Map(stubs.inputsOf<RecordStageInput>(id, 'recordStageOutput').map((r) => [`${r.slot}|${stubKey(r.stage, r.parts)}`, r.output]));
}

const EVERY = ['dataset', 'preflight', 'predict:baseline', 'finetune', 'predict:attempt-1+train'];

describe('resume', () => {
  let old: { id: string; summary: RunSummary };
  beforeAll(async () => {
    old = await run('old', { specText: specYaml() });
  }, 60_000);

  it('records each cacheable stage once in a normal run', () => {
    expect(stubs.inputsOf<RecordStageInput>(old.id, 'recordStageOutput').map((r) => r.slot)).toEqual(EVERY);
    expect(old.summary.reusedStages).toEqual([]);
  });

  it('an edited threshold reuses every stage but scoring, and links to the old run', async () => {
    const resume = { workflowId: old.id, runDir: old.summary.runDir };
    const { id, summary } = await run('thresholds', { specText: specYaml({ evaluation: { thresholds: { tool_accuracy: 0.5 } } }), resume }, recordsOf(old.id));
    expect(summary.reusedStages).toEqual(EVERY);
    expect(summary.resumedFrom).toBe(old.id);
    expect(stubs.callsOf(id, 'finetune')).toHaveLength(0);
    expect(stubs.callsOf(id, 'predict')).toHaveLength(0);
    expect(stubs.callsOf(id, 'generateDataset')).toHaveLength(0);
    expect(stubs.callsOf(id, 'scorePredictions')).toHaveLength(3);
    expect(summary.stages.find((s) => s.name === 'finetune')).toMatchObject({ status: 'reused', detail: expect.stringContaining(old.id) });
    expect(summary.status).toBe('passed');
    const description = await t.client.workflow.getHandle(id).describe();
    expect(description.memo?.resumedFrom).toBe(old.id);
    expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.resumedFrom)).toBe(old.id);
  });

  it('an edited lora_r re-runs preflight, fine-tuning and its predictions, and reuses the dataset and baseline', async () => {
    const resume = { workflowId: old.id, runDir: old.summary.runDir };
    const { id, summary } = await run('lora', { specText: specYaml({ lora: { lora_r: 8, lora_alpha: 16 } }), resume }, recordsOf(old.id));
    expect(summary.reusedStages).toEqual(['dataset', 'predict:baseline']);
    expect(stubs.callsOf(id, 'finetune')).toHaveLength(1);
    expect(stubs.callsOf(id, 'preflight_model')).toHaveLength(1);
    expect(stubs.callsOf(id, 'predict')).toHaveLength(1); // the attempt's val and training sample, in one call
  });

  it('from finetune forces fine-tuning and everything after it', async () => {
    const resume = { workflowId: old.id, runDir: old.summary.runDir, from: 'finetune' as const };
    const { id, summary } = await run('from', { specText: specYaml(), resume }, recordsOf(old.id));
    expect(summary.reusedStages).toEqual(['dataset', 'preflight', 'predict:baseline']);
    expect(stubs.callsOf(id, 'finetune')).toHaveLength(1);
    expect(stubs.callsOf(id, 'lookupStage').map((c) => (c.input as RecordStageInput).slot)).toEqual(['dataset', 'preflight', 'predict:baseline']);
  });

  it('a miss (nothing recorded) runs the stage', async () => {
    const { id, summary } = await run('miss', { specText: specYaml(), resume: { workflowId: old.id, runDir: old.summary.runDir } }, new Map());
    expect(summary.reusedStages).toEqual([]);
    expect(stubs.callsOf(id, 'finetune')).toHaveLength(1);
  });
});
