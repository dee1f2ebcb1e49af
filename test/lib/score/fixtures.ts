// Small hand-built tools, cases and predictions for the scorer's tests.
import type { Case, Prediction, ToolDefinition } from '../../../lib/score';
import { renderToolUse, type ToolCall } from '../../../lib/tool-call/syntax';

export const TOOLS: ToolDefinition[] = [
  {
    name: 'read',
    description: 'Read a file',
    inputSchema: {
      type: 'object',
      properties: { file_path: { type: 'string', minLength: 1 }, limit: { type: 'integer', minimum: 1 } },
      required: ['file_path'],
      additionalProperties: false,
    },
  },
  {
    name: 'bash',
    description: 'Run a command',
    inputSchema: {
      type: 'object',
      properties: { command: { type: 'string' }, timeout: { type: 'integer', maximum: 600000 } },
      required: ['command'],
      additionalProperties: false,
    },
  },
  {
    name: 'grep',
    description: 'Search',
    inputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        pattern: { type: 'string', format: 'regex-ish' },
        path: { type: 'string' },
        output_mode: { type: 'string', enum: ['content', 'files_with_matches'], default: 'files_with_matches' },
      },
      required: ['pattern'],
    },
  },
];

export const read = (file_path: string): ToolCall => ({ tool: 'read', params: { file_path } });
export const bash = (command: string, timeout?: number): ToolCall => ({
  tool: 'bash',
  params: timeout === undefined ? { command } : { command, timeout },
});

// A case expecting `expected`, with optional category and difficulty.
export function makeCase(id: string, expected: ToolCall[], extra: Partial<Case> = {}): Case {
  return { id, query: `query ${id}`, expected, ...extra };
}

// A prediction whose output is some prose and then the given calls, rendered as the model should.
export function answer(id: string, calls: ToolCall[], prose = "I'll do that.\n"): Prediction {
  return { id, output: `${prose}${renderToolUse(calls)}` };
}
