// Workflow side of the stage cache (lib/cache/stage-cache.ts): a completed stage is recorded in the run
// folder (runs started by this version: patched('stage-cache-records')), and a resumed run asks the old
// run for each stage before running it. Deterministic: keys and files are handled by the activities.
import { patched } from '@temporalio/workflow';
import type { LookupStageInput, TsActivities } from '../activities/types';
import type { RunState } from './run-state';

// Stages in run order that a resume may reuse; `--from <stage>` re-runs that one and every later one.
export const RESUMABLE_STAGES = ['dataset', 'preflight', 'baseline', 'finetune'] as const;
export type ResumableStage = (typeof RESUMABLE_STAGES)[number];

// Where a resumed run takes reusable stages from (ExperimentInput.resume).
export interface ResumeFrom {
  workflowId: string;
  runDir: string;
  from?: ResumableStage;
}

// One cacheable stage call: its slot (the stage record's name), stage kind, group for --from, key parts
// (resolved spec sections and upstream keys) and input files to hash.
export interface CacheableStage<T> {
  slot: string;
  stage: 'dataset' | 'preflight' | 'predict' | 'finetune';
  group: ResumableStage;
  parts: Record<string, unknown>;
  inputFiles?: string[];
  run: () => Promise<T>;
}

// Runs stages through the cache for one workflow execution.
export class StageCache {
  readonly reused: string[] = [];
  private readonly recording: boolean;

  constructor(
    private readonly activities: () => Pick<TsActivities, 'recordStageOutput' | 'lookupStage'>,
    private readonly state: RunState,
    private readonly runDir: string,
    private readonly resume: ResumeFrom | undefined,
  ) {
    // Runs started before the cache existed have no record activities in their history.
    this.recording = patched('stage-cache-records');
  }

  // Runs (or reuses) a stage; returns its output and key (null when nothing is recorded).
  async run<T>(call: CacheableStage<T>): Promise<{ output: T; key: string | null }> {
    const base: Omit<LookupStageInput, 'old_run_dir'> = { run_dir: this.runDir, slot: call.slot, stage: call.stage, parts: call.parts, input_files: call.inputFiles ?? [] };
    const forced = this.resume?.from !== undefined && RESUMABLE_STAGES.indexOf(call.group) >= RESUMABLE_STAGES.indexOf(this.resume.from);
    if (this.resume && !forced) {
      const found = await this.activities().lookupStage({ ...base, old_run_dir: this.resume.runDir });
      if (found.hit) {
        this.state.markStage(call.slot, 'reused', `from ${this.resume.workflowId} (inputs and files unchanged)`);
        this.reused.push(call.slot);
        return { output: found.output as T, key: found.key };
      }
    }
    const output = await this.state.stage(call.slot, call.run);
    if (!this.recording) return { output, key: null };
    const recorded = await this.activities().recordStageOutput({ ...base, output });
    return { output, key: recorded.key };
  }
}
