// Validators for the scorer's inputs; pass them to readJsonl so a bad record is named by file:line.
import type { JsonValue, ToolCall } from '../tool-call/syntax';
import type { Case, Prediction, ToolDefinition } from './types';

const MAX_DEPTH = 64;

// Checks one parsed JSON value as a case; throws an Error saying which field is wrong.
export function parseCase(value: unknown, _line?: number): Case {
  const v = asObject(value, 'case');
  const id = requireString(v, 'id', 'case');
  requireString(v, 'query', `case ${id}`, true);
  // An empty list is a no-tool case: the right answer is plain text, and any call is a false call.
  if (!Array.isArray(v.expected)) {
    throw new Error(`case ${id}: expected must be an array of {tool, params} ([] when no tool fits)`);
  }
  const expected = v.expected.map((call, i) => parseExpectedCall(call, `case ${id}: expected[${i}]`));
  for (const key of ['category', 'difficulty'] as const) {
    if (v[key] !== undefined && v[key] !== null && typeof v[key] !== 'string') throw new Error(`case ${id}: ${key} must be a string`);
  }
  const out: Case = { ...(v as Case), id, expected };
  if (out.category === null) delete out.category;
  if (out.difficulty === null) delete out.difficulty;
  return out;
}

// Checks one parsed JSON value as a prediction; extra fields (latency_ms, ...) are kept.
export function parsePrediction(value: unknown, _line?: number): Prediction {
  const v = asObject(value, 'prediction');
  const id = requireString(v, 'id', 'prediction');
  if (typeof v.output !== 'string') throw new Error(`prediction ${id}: output must be a string`);
  if (v.latency_ms !== undefined && v.latency_ms !== null && (typeof v.latency_ms !== 'number' || !Number.isFinite(v.latency_ms))) {
    throw new Error(`prediction ${id}: latency_ms must be a number`);
  }
  return v as Prediction;
}

// Checks a parsed tools.json: an array of {name, description?, inputSchema}.
export function parseToolDefinitions(value: unknown): ToolDefinition[] {
  if (!Array.isArray(value)) throw new Error('tool definitions must be a JSON array of {name, description, inputSchema}');
  return value.map((item, i) => {
    const v = asObject(item, `tools[${i}]`);
    if (typeof v.name !== 'string' || v.name === '') throw new Error(`tools[${i}]: name must be a non-empty string`);
    const schema = v.inputSchema;
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      throw new Error(`tools[${i}] (${v.name}): inputSchema must be a JSON Schema object`);
    }
    return v as unknown as ToolDefinition;
  });
}

function parseExpectedCall(value: unknown, where: string): ToolCall {
  const v = asObject(value, where);
  if (typeof v.tool !== 'string' || v.tool === '') throw new Error(`${where}: tool must be a non-empty string`);
  const params = v.params ?? {};
  if (!isPlainObject(params)) throw new Error(`${where}: params must be an object`);
  checkJson(params, `${where}.params`, 0);
  return { tool: v.tool, params: params as Record<string, JsonValue> };
}

function checkJson(v: unknown, where: string, depth: number): void {
  if (depth > MAX_DEPTH) throw new Error(`${where}: nested deeper than ${MAX_DEPTH} levels`);
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`${where}: ${v} is not a JSON number`);
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((item: unknown, i) => checkJson(item, `${where}[${i}]`, depth + 1));
    return;
  }
  if (isPlainObject(v)) {
    for (const [k, item] of Object.entries(v)) checkJson(item, `${where}.${k}`, depth + 1);
    return;
  }
  throw new Error(`${where}: not a JSON value`);
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw new Error(`${what} must be a JSON object`);
  return value;
}

function requireString(v: Record<string, unknown>, key: string, who: string, allowEmpty = false): string {
  const s = v[key];
  if (typeof s !== 'string' || (!allowEmpty && s === '')) {
    throw new Error(`${who}: ${key} must be a${allowEmpty ? '' : ' non-empty'} string`);
  }
  return s;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
