// Shapes shared by the dataset stage: examples before rendering, and the records and cases it writes.
import type { JsonValue, ToolCall } from '../tool-call/syntax';

// The guide's eight categories plus no-tool (requests no tool fits); user records may bring other names.
export const CATEGORIES = ['read', 'write', 'edit', 'bash', 'grep', 'glob', 'multi-step', 'claude-flow', 'no-tool'] as const;
// One of the guide's categories.
export type Category = (typeof CATEGORIES)[number];

// How hard an example is for the model; the guide labels every example with one.
export const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;
// One of DIFFICULTIES.
export type Difficulty = (typeof DIFFICULTIES)[number];

// A hand-written example: a request, the assistant's one-sentence reply, and the calls it makes, in order.
export interface BaseExample {
  id: string;
  category: Category;
  difficulty: Difficulty;
  query: string;
  reply: string;
  calls: ToolCall[];
}

// Any example in the pool: a base example, an augmented variant (base_id names its source), a composed
// example (lib/dataset/compose, its own base_id) or a user record.
export interface Example {
  id: string;
  base_id: string;
  category: string;
  difficulty: Difficulty;
  query: string;
  reply: string;
  calls: ToolCall[];
  source: 'base' | 'augmented' | 'composed' | 'user';
}

// The text-format record (docs/CONTRACTS.md): loss is computed on `completion` only.
export interface TextRecord {
  id: string;
  base_id: string;
  text: string;
  prompt: string;
  completion: string;
  tool_name: string;
  category: string;
  difficulty: Difficulty;
}

// The chat-format record: OpenAI-style messages with tool_calls whose arguments are JSON objects.
export interface ChatRecord {
  id: string;
  base_id: string;
  messages: [
    { role: 'user'; content: string },
    {
      role: 'assistant';
      content: string;
      tool_calls: { type: 'function'; function: { name: string; arguments: Record<string, JsonValue> } }[];
    },
  ];
  tool_name: string;
  category: string;
  difficulty: Difficulty;
}

// An evaluation case: the prompt to give the model and the calls it should make.
export interface EvalCase {
  id: string;
  query: string;
  prompt: string;
  category: string;
  difficulty: Difficulty;
  expected: ToolCall[];
}
