// Turns examples into the records and cases the later stages read (docs/CONTRACTS.md).
import { renderToolUse } from '../tool-call/syntax';
import type { ToolDefinition } from '../tools/tool-definition';
import type { ChatRecord, EvalCase, Example, TextRecord } from './types';

// How much of the tool set the prompt shows: nothing, the names, or call signatures from the schemas.
export type PromptTools = 'none' | 'names' | 'signatures';

// The first line of a prompt that lists the tools.
export const TOOLS_TAG = 'Tools: ';

// One tool as a call signature from its input schema: grep(pattern, path?, glob?, ...).
function renderSignature(tool: ToolDefinition): string {
  const required = new Set(tool.inputSchema.required ?? []);
  const params = Object.keys(tool.inputSchema.properties ?? {}).map((p) => (required.has(p) ? p : `${p}?`));
  return `${tool.name}(${params.join(', ')})`;
}

// The line that tells the model which tools exist (empty for 'none'), so a base model can be judged fairly.
export function renderToolsHeader(tools: readonly ToolDefinition[], mode: PromptTools): string {
  if (mode === 'none' || tools.length === 0) return '';
  const items = tools.map((t) => (mode === 'names' ? t.name : renderSignature(t)));
  return `${TOOLS_TAG}${items.join('; ')}\n`;
}

// The prompt the model sees, for training (text format) and for every evaluation case.
export function renderPrompt(query: string, header = ''): string {
  return `${header}User: ${query}\nAssistant:`;
}

// What the model must write after the prompt: the reply sentence, then one <tool_use> block per call.
export function renderCompletion(reply: string, calls: Example['calls']): string {
  if (calls.length === 0) return ` ${reply}`; // no tool fits: a plain answer
  const blocks = renderToolUse(calls);
  return reply === '' ? ` ${blocks}` : ` ${reply}\n${blocks}`;
}

// tool_name is the single call's tool, "multi-step" for several calls, "no-tool" for none: one label per
// record, so stats and per-tool scores count a multi-call example once, under the category it trains.
export function toolNameOf(calls: Example['calls']): string {
  if (calls.length === 0) return 'no-tool';
  if (calls.length === 1) return calls[0]?.tool ?? '';
  return 'multi-step';
}

// The text-format record: prompt + completion = text.
export function toTextRecord(ex: Example, header = ''): TextRecord {
  const prompt = renderPrompt(ex.query, header);
  const completion = renderCompletion(ex.reply, ex.calls);
  return {
    id: ex.id,
    base_id: ex.base_id,
    text: prompt + completion,
    prompt,
    completion,
    tool_name: toolNameOf(ex.calls),
    category: ex.category,
    difficulty: ex.difficulty,
  };
}

// The chat-format record: tool_calls carry the arguments as JSON objects.
export function toChatRecord(ex: Example): ChatRecord {
  return {
    id: ex.id,
    base_id: ex.base_id,
    messages: [
      { role: 'user', content: ex.query },
      {
        role: 'assistant',
        content: ex.reply,
        tool_calls: ex.calls.map((c) => ({ type: 'function', function: { name: c.tool, arguments: c.params } })),
      },
    ],
    tool_name: toolNameOf(ex.calls),
    category: ex.category,
    difficulty: ex.difficulty,
  };
}

// An evaluation case; the prompt is the text-format one whatever the training format.
export function toEvalCase(ex: Pick<Example, 'id' | 'query' | 'category' | 'difficulty' | 'calls'>, header = ''): EvalCase {
  return {
    id: ex.id,
    query: ex.query,
    prompt: renderPrompt(ex.query, header),
    category: ex.category,
    difficulty: ex.difficulty,
    expected: ex.calls.map((c) => ({ tool: c.tool, params: c.params })),
  };
}
