// Names shared by the workflow, the workers, the CLI and the server set-up. Pure: safe in workflow code.
import { defineSearchAttributeKey } from '@temporalio/common';

// Task queue of worker.ts: workflows and the CPU-light activities.
export const TASK_QUEUE = 'tooltune';
// Task queue of python-activities/worker.py: the torch activities.
export const GPU_TASK_QUEUE = 'tooltune-gpu';
// The workflow type a user names in `temporal workflow start --type`.
export const WORKFLOW_TYPE = 'tooltuneExperiment';

// Search attributes that let the Web UI filter runs by spec, model, stage, attempt, branch and status.
export const SEARCH_ATTRIBUTES = {
  spec: defineSearchAttributeKey('TooltuneSpec', 'KEYWORD'),
  model: defineSearchAttributeKey('TooltuneModel', 'KEYWORD'),
  stage: defineSearchAttributeKey('TooltuneStage', 'KEYWORD'),
  attempt: defineSearchAttributeKey('TooltuneAttempt', 'INT'),
  branch: defineSearchAttributeKey('TooltuneBranch', 'KEYWORD'),
  status: defineSearchAttributeKey('TooltuneStatus', 'KEYWORD'),
  resumedFrom: defineSearchAttributeKey('TooltuneResumedFrom', 'KEYWORD'),
} as const;

// The same attributes as `temporal server start-dev --search-attribute` wants them.
export const SEARCH_ATTRIBUTE_FLAGS: readonly string[] = Object.values(SEARCH_ATTRIBUTES).map(
  (key) => `${key.name}=${key.type === 'INT' ? 'Int' : 'Keyword'}`,
);
