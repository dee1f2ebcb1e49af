// What a run has done so far: stage records, attempts and metrics, kept in one place so the progress
// query, the search attributes, the memo and the final summary all tell the same story.
import { defineQuery, setHandler, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { rootMessage } from '../lib/error-chain';
import { SEARCH_ATTRIBUTES } from '../lib/temporal/names';
import type { ScoreMetrics } from '../activities/types';
import type { Branch } from './remediation';

// The life of one stage in the run.
export interface StageRecord {
  name: string;
  status: 'running' | 'completed' | 'failed' | 'skipped' | 'unavailable' | 'reused';
  attempts: number;
  durationMs: number;
  detail?: string;
}

// One fine-tuning attempt: its folder, why it ran, what it changed and how it scored.
export interface AttemptRecord {
  attempt: number;
  dir: string;
  branch: Branch;
  overrides: Record<string, number>;
  status: 'running' | 'passed' | 'below_threshold' | 'overfitting' | 'out_of_memory' | 'failed';
  metrics?: ScoreMetrics;
  train_metrics?: ScoreMetrics;
  failed_thresholds?: string[];
  finetune?: Record<string, unknown>;
}

// Scores of the run: validation split (baseline, best fine-tuned attempt) and the guide's fixed suite.
export interface RunMetrics {
  baseline?: ScoreMetrics;
  finetuned?: ScoreMetrics;
  baseline_suite?: ScoreMetrics;
  finetuned_suite?: ScoreMetrics;
  /** Held-out requests (evaluation.holdout_cases) that no dataset stage reads. */
  baseline_holdout?: ScoreMetrics;
  finetuned_holdout?: ScoreMetrics;
}

// What the progress query answers.
export interface Progress {
  status: string;
  stage: string;
  attempt: number;
  branch: string;
  stages: StageRecord[];
  attempts: AttemptRecord[];
  metrics: RunMetrics;
}

// The query `tooltune status` and the Web UI use to read a live run.
export const progressQuery = defineQuery<Progress>('progress');

// Mutable run state owned by one workflow execution.
export class RunState {
  readonly progress: Progress = { status: 'running', stage: 'spec', attempt: 0, branch: 'initial', stages: [], attempts: [], metrics: {} };
  private searchAttributesOn = true;

  constructor() {
    setHandler(progressQuery, () => this.progress);
  }

  // Turns search attribute updates off when the namespace lacks them (a cluster not set up by tooltune).
  disableSearchAttributes(): void {
    this.searchAttributesOn = false;
  }

  // Records the spec and model once they are known, for filtering in the Web UI.
  describeRun(specName: string, modelName: string, description: string | undefined): void {
    upsertMemo({ spec: specName, model: modelName, description: description ?? '' });
    this.upsert([
      { key: SEARCH_ATTRIBUTES.spec, value: specName },
      { key: SEARCH_ATTRIBUTES.model, value: modelName },
    ]);
  }

  // Runs one stage, recording its status, duration and how many times it was called.
  async stage<T>(name: string, fn: () => Promise<T>): Promise<T> {
    let record = this.progress.stages.find((s) => s.name === name);
    if (!record) {
      record = { name, status: 'running', attempts: 0, durationMs: 0 };
      this.progress.stages.push(record);
    }
    record.status = 'running';
    record.attempts += 1;
    this.progress.stage = name;
    this.publish();
    const started = Date.now();
    try {
      const result = await fn();
      record.status = 'completed';
      delete record.detail;
      return result;
    } catch (err) {
      record.status = 'failed';
      record.detail = rootMessage(err);
      throw err;
    } finally {
      record.durationMs += Date.now() - started;
    }
  }

  // Records a stage that did not run, and why.
  markStage(name: string, status: 'skipped' | 'unavailable' | 'reused', detail: string): void {
    this.progress.stages.push({ name, status, attempts: 0, durationMs: 0, detail });
  }

  // Links a resumed run to the run it resumes: memo and search attribute, visible in the Web UI.
  linkResumed(workflowId: string): void {
    upsertMemo({ resumedFrom: workflowId });
    this.upsert([{ key: SEARCH_ATTRIBUTES.resumedFrom, value: workflowId }]);
  }

  // Starts a new attempt record and makes it the current one.
  beginAttempt(record: AttemptRecord): AttemptRecord {
    this.progress.attempts.push(record);
    this.progress.attempt = record.attempt;
    this.progress.branch = record.branch;
    this.publish();
    return record;
  }

  // Sets the run's overall status (running, passed, below_threshold, failed).
  setStatus(status: string): void {
    this.progress.status = status;
    this.publish();
  }

  // Pushes stage, attempt, branch and status to the search attributes and the memo.
  private publish(): void {
    const p = this.progress;
    upsertMemo({ stage: p.stage, attempt: p.attempt, branch: p.branch, status: p.status });
    this.upsert([
      { key: SEARCH_ATTRIBUTES.stage, value: p.stage },
      { key: SEARCH_ATTRIBUTES.attempt, value: p.attempt },
      { key: SEARCH_ATTRIBUTES.branch, value: p.branch },
      { key: SEARCH_ATTRIBUTES.status, value: p.status },
    ]);
  }

  private upsert(pairs: Parameters<typeof upsertSearchAttributes>[0] & unknown[]): void {
    if (this.searchAttributesOn) upsertSearchAttributes(pairs);
  }
}

// The workflow's own id, used to name the run folder.
export function currentWorkflowId(): string {
  return workflowInfo().workflowId;
}
