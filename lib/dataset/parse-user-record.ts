// Reads one user record, in the text or the chat format, into an example, or says what is wrong with it.
import { isIdentifier, parseToolUse, type JsonValue, type ToolCall } from '../tool-call/syntax';
import { TOOLS_TAG, toolNameOf } from './render-records';
import { DIFFICULTIES, type Difficulty } from './types';

const ASSISTANT_TAG = '\nAssistant:';
const USER_TAG = 'User: ';
const CLAUDE_FLOW_TOOLS = new Set(['swarm_init', 'agent_spawn', 'task_orchestrate', 'memory_usage']);

// What a record says before its calls are checked against the tools.
export interface ParsedRecord {
  id?: string;
  base_id?: string;
  category?: string;
  difficulty: Difficulty;
  tool_name?: string;
  query: string;
  reply: string;
  calls: ToolCall[];
}

// The category a record gets when it names none: no-tool for a plain answer, the tool's own for one call, the guide's otherwise.
export function categoryOf(calls: readonly ToolCall[]): string {
  if (calls.length === 0) return 'no-tool';
  if (calls.length > 1) return 'multi-step';
  const tool = calls[0]?.tool ?? '';
  if (CLAUDE_FLOW_TOOLS.has(tool)) return 'claude-flow';
  return tool; // read, write, ... are categories of their own; so is a custom tool
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optionalString(rec: Record<string, unknown>, key: string, problems: string[]): string | undefined {
  const v = rec[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim() === '') {
    problems.push(`${key} must be a non-empty string`);
    return undefined;
  }
  return v;
}

function parseText(rec: Record<string, unknown>, problems: string[]): { query: string; reply: string; calls: ToolCall[] } | undefined {
  if (typeof rec.text !== 'string') {
    problems.push('text must be a string');
    return undefined;
  }
  let prompt: string;
  let completion: string;
  if (rec.prompt === undefined && rec.completion === undefined) {
    const at = rec.text.indexOf(ASSISTANT_TAG);
    if (at < 0) {
      problems.push('text has no "\\nAssistant:" to split the prompt from the completion');
      return undefined;
    }
    prompt = rec.text.slice(0, at + ASSISTANT_TAG.length);
    completion = rec.text.slice(at + ASSISTANT_TAG.length);
  } else if (typeof rec.prompt === 'string' && typeof rec.completion === 'string') {
    prompt = rec.prompt;
    completion = rec.completion;
    if (prompt + completion !== rec.text) problems.push('text is not prompt + completion');
  } else {
    problems.push('prompt and completion must both be strings, or both be left out');
    return undefined;
  }
  // A prompt may open with a tools line (dataset.prompt_tools); the request follows it.
  if (prompt.startsWith(TOOLS_TAG) && prompt.includes('\n')) prompt = prompt.slice(prompt.indexOf('\n') + 1);
  if (!prompt.startsWith(USER_TAG) || !prompt.endsWith(ASSISTANT_TAG)) {
    problems.push('prompt must be "User: <request>\\nAssistant:"');
    return undefined;
  }
  const query = prompt.slice(USER_TAG.length, prompt.length - ASSISTANT_TAG.length).trim();
  const open = completion.indexOf('<tool_use>');
  const reply = (open < 0 ? completion : completion.slice(0, open)).trim();
  const parsed = parseToolUse(completion);
  // No block is a plain-text answer (a request no tool fits), unless a tag shows a call was meant.
  if (parsed.blocks === 0 && /<\/?tool_use/.test(completion)) problems.push('completion has a <tool_use> tag but no complete <tool_use>…</tool_use> block');
  else if (parsed.blocks === 0 && reply === '') problems.push('completion is empty: a record either calls a tool or answers in plain text');
  for (const error of parsed.errors) problems.push(`tool call does not parse: ${error}`);
  return { query, reply, calls: parsed.calls };
}

function parseChatCall(raw: unknown, i: number, problems: string[]): ToolCall | undefined {
  const where = `tool_calls[${i}]`;
  if (!isObject(raw) || !isObject(raw.function)) {
    problems.push(`${where} must be {"type": "function", "function": {"name", "arguments"}}`);
    return undefined;
  }
  if (raw.type !== undefined && raw.type !== 'function') problems.push(`${where}.type must be "function"`);
  const { name } = raw.function;
  let args: unknown = raw.function.arguments ?? {};
  if (typeof args === 'string') {
    try {
      args = JSON.parse(args);
    } catch {
      problems.push(`${where}.function.arguments is a string that is not JSON`);
      return undefined;
    }
  }
  if (typeof name !== 'string' || !isIdentifier(name)) {
    problems.push(`${where}.function.name must be a tool name (an identifier)`);
    return undefined;
  }
  if (!isObject(args)) {
    problems.push(`${where}.function.arguments must be an object`);
    return undefined;
  }
  const bad = Object.keys(args).filter((k) => !isIdentifier(k));
  if (bad.length > 0) problems.push(`${where}: argument names must be identifiers: ${bad.map((k) => JSON.stringify(k)).join(', ')}`);
  return { tool: name, params: args as Record<string, JsonValue> };
}

function parseChat(rec: Record<string, unknown>, problems: string[]): { query: string; reply: string; calls: ToolCall[] } | undefined {
  const msgs = rec.messages;
  if (!Array.isArray(msgs) || msgs.length !== 2 || !isObject(msgs[0]) || !isObject(msgs[1])) {
    problems.push('messages must be [{"role": "user", ...}, {"role": "assistant", ...}]');
    return undefined;
  }
  const [user, assistant] = msgs as [Record<string, unknown>, Record<string, unknown>];
  if (user.role !== 'user' || typeof user.content !== 'string') problems.push('messages[0] must be a user message with string content');
  if (assistant.role !== 'assistant') problems.push('messages[1] must be an assistant message');
  const content = assistant.content ?? '';
  if (typeof content !== 'string') problems.push('messages[1].content must be a string');
  const reply = typeof content === 'string' ? content.trim() : '';
  const raw = assistant.tool_calls ?? [];
  if (!Array.isArray(raw)) {
    problems.push('messages[1].tool_calls must be an array');
    return undefined;
  }
  // No tool_calls is a plain-text answer (a request no tool fits), which needs its text.
  if (raw.length === 0 && reply === '') problems.push('messages[1] has neither tool_calls nor content');
  const calls = raw.map((c, i) => parseChatCall(c, i, problems)).filter((c): c is ToolCall => c !== undefined);
  const query = typeof user.content === 'string' ? user.content.trim() : '';
  return { query, reply, calls };
}

// Parses one JSON value from a record file; `problems` gets every format problem found.
export function parseUserRecord(value: unknown, problems: string[]): ParsedRecord | undefined {
  if (!isObject(value)) {
    problems.push('a record must be a JSON object');
    return undefined;
  }
  let body: { query: string; reply: string; calls: ToolCall[] } | undefined;
  if (value.messages !== undefined) body = parseChat(value, problems);
  else if (value.text !== undefined) body = parseText(value, problems);
  else problems.push('neither a text record (with "text") nor a chat record (with "messages")');
  const id = optionalString(value, 'id', problems);
  const baseId = optionalString(value, 'base_id', problems);
  const category = optionalString(value, 'category', problems);
  const toolName = optionalString(value, 'tool_name', problems);
  let difficulty: Difficulty = 'medium';
  if (value.difficulty !== undefined) {
    if ((DIFFICULTIES as readonly unknown[]).includes(value.difficulty)) difficulty = value.difficulty as Difficulty;
    else problems.push(`difficulty must be one of ${DIFFICULTIES.join(', ')}`);
  }
  if (body === undefined) return undefined;
  if (body.query === '') problems.push('the user request is empty');
  if (toolName !== undefined && (body.calls.length > 0 || problems.length === 0) && toolName !== toolNameOf(body.calls)) {
    problems.push(`tool_name "${toolName}" does not match the calls (expected "${toolNameOf(body.calls)}")`);
  }
  return { id, base_id: baseId, category, difficulty, tool_name: toolName, ...body };
}
