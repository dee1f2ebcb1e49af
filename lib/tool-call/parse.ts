// Parses tool calls out of untrusted model output: never evaluates, never throws, bounded time.
import { LiteralReader, SyntaxFault } from './literal-reader';
import { defineOwn, LIMITS, PYTHON_KEYWORDS, type JsonValue, type ToolCall } from './types';

const OPEN_TAG = '<tool_use>';
const CLOSE_TAG = '</tool_use>';

export type ParseCallResult = { ok: true; call: ToolCall } | { ok: false; error: string };

export interface ParsedToolUse {
  /** The calls of the blocks that parsed, in order. */
  calls: ToolCall[];
  /** `<tool_use>` blocks found (closed or not), at most LIMITS.maxBlocks. */
  blocks: number;
  /** One message per block that failed, plus any limit that was hit. */
  errors: string[];
}

// Parses one call such as `grep(pattern='TODO', path='src')`: keyword arguments with literal values only.
export function parseToolCall(src: string): ParseCallResult {
  try {
    if (typeof src !== 'string') return { ok: false, error: 'tool call is not a string' };
    if (src.length > LIMITS.maxOutputChars) {
      return { ok: false, error: `tool call is ${src.length} characters, over the ${LIMITS.maxOutputChars} limit` };
    }
    return { ok: true, call: readCall(new LiteralReader(src)) };
  } catch (err) {
    if (err instanceof SyntaxFault) return { ok: false, error: err.message };
    return { ok: false, error: `internal parser error: ${err instanceof Error ? err.message : String(err)}` };
  }
}

// Finds the `<tool_use>…</tool_use>` blocks in a model's output and parses the call in each.
export function parseToolUse(output: string): ParsedToolUse {
  const calls: ToolCall[] = [];
  const errors: string[] = [];
  let blocks = 0;
  try {
    if (typeof output !== 'string') return { calls, blocks, errors: ['output is not a string'] };
    let text = output;
    if (text.length > LIMITS.maxOutputChars) {
      errors.push(`output is ${text.length} characters; only the first ${LIMITS.maxOutputChars} were read`);
      text = text.slice(0, LIMITS.maxOutputChars);
    }
    let from = 0;
    for (;;) {
      const open = text.indexOf(OPEN_TAG, from);
      if (open < 0) break;
      if (blocks === LIMITS.maxBlocks) {
        errors.push(`more than ${LIMITS.maxBlocks} <tool_use> blocks; the rest were not read`);
        break;
      }
      blocks++;
      const start = open + OPEN_TAG.length;
      const close = text.indexOf(CLOSE_TAG, start);
      if (close < 0) {
        errors.push(`block ${blocks}: <tool_use> is never closed`);
        break;
      }
      const parsed = parseToolCall(text.slice(start, close));
      if (parsed.ok) calls.push(parsed.call);
      else errors.push(`block ${blocks}: ${parsed.error}`);
      from = close + CLOSE_TAG.length;
    }
  } catch (err) {
    errors.push(`internal parser error: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { calls, blocks, errors };
}

function readCall(r: LiteralReader): ToolCall {
  r.skipSpace();
  const toolAt = r.pos;
  const tool = r.readIdentifier();
  if (tool === undefined) r.fail('expected a tool name');
  if (PYTHON_KEYWORDS.has(tool)) r.fail(`${tool} is a Python keyword, not a tool name`, toolAt);
  r.skipSpace();
  if (r.peek() !== '(') r.fail(`expected '(' after the tool name ${tool.slice(0, 40)}`);
  r.pos++;
  r.skipSpace();
  const params: Record<string, JsonValue> = {};
  while (r.peek() !== ')') {
    readArgument(r, params);
    r.skipSpace();
    if (r.peek() === ',') {
      r.pos++;
      r.skipSpace();
    } else if (r.peek() !== ')') r.fail("expected ',' or ')' after an argument");
  }
  r.pos++;
  r.skipSpace();
  if (r.pos < r.src.length) r.fail('unexpected text after the call');
  return { tool, params };
}

function readArgument(r: LiteralReader, params: Record<string, JsonValue>): void {
  const at = r.pos;
  if (r.peek() === '*') r.fail('*args and **kwargs are not supported');
  if (r.peek() === '') r.fail("expected an argument or ')'");
  const key = r.readIdentifier();
  r.skipSpace();
  const isKeyword = key !== undefined && r.peek() === '=' && r.src.charAt(r.pos + 1) !== '=';
  if (!isKeyword) r.fail('positional argument: every argument must be written name=value', at);
  if (PYTHON_KEYWORDS.has(key)) r.fail(`${key} is a Python keyword and cannot be an argument name`, at);
  if (Object.hasOwn(params, key)) r.fail(`duplicate argument ${key.slice(0, 40)}`, at);
  r.pos++; // '='
  r.skipSpace();
  defineOwn(params, key, r.readValue(0));
}
