// Compares the calls a model made with the expected ones, position by position, and names each difference.
import type { JsonValue, ToolCall } from '../tool-call/syntax';
import type { ErrorCategory, ToolDefinition } from './types';

// One difference between expected and actual calls.
export interface CallDifference {
  category: ErrorCategory;
  reason: string;
}

// The outcome of comparing two call lists.
export interface CallComparison {
  /** Same tool names, same count, same order. */
  toolsMatch: boolean;
  /** toolsMatch, and every call has exactly the expected arguments with equal values. */
  callsMatch: boolean;
  differences: CallDifference[];
}

// Each tool's schema defaults (`inputSchema.properties.<name>.default`), by tool name.
export type ParamDefaults = Map<string, Map<string, JsonValue>>;

// Collects the defaults the tools declare, so that an argument given at its default compares equal to an
// omitted one: `grep(pattern='x', output_mode='files_with_matches')` makes the same call as `grep(pattern='x')`
// when files_with_matches is grep's default (BFCL's checker treats optional arguments the same way).
export function collectDefaults(tools: ToolDefinition[]): ParamDefaults {
  const defaults: ParamDefaults = new Map();
  for (const tool of tools) {
    const properties = tool.inputSchema?.properties;
    if (typeof properties !== 'object' || properties === null) continue;
    const own = new Map<string, JsonValue>();
    for (const [name, property] of Object.entries(properties as Record<string, unknown>)) {
      if (typeof property === 'object' && property !== null && Object.hasOwn(property, 'default')) {
        own.set(name, (property as { default: JsonValue }).default);
      }
    }
    if (own.size > 0) defaults.set(tool.name, own);
  }
  return defaults;
}

// Compares positionally: call i of the output against expected call i. With `defaults`, an argument equal
// to its tool's schema default counts as absent on both sides.
export function compareCalls(expected: ToolCall[], actual: ToolCall[], defaults: ParamDefaults = new Map()): CallComparison {
  const differences: CallDifference[] = [];
  const shared = Math.min(expected.length, actual.length);
  let toolsMatch = expected.length === actual.length;
  for (let i = 0; i < shared; i++) {
    const want = expected[i] as ToolCall;
    const got = actual[i] as ToolCall;
    if (want.tool !== got.tool) {
      toolsMatch = false;
      differences.push({ category: 'wrong_tool', reason: `call ${i + 1}: expected ${want.tool}, got ${preview(got.tool)}` });
      continue;
    }
    const own = defaults.get(want.tool);
    differences.push(...compareParams(dropDefaults(want, own), dropDefaults(got, own), i + 1));
  }
  for (let i = shared; i < expected.length; i++) {
    differences.push({ category: 'missing_call', reason: `call ${i + 1}: expected ${expected[i]?.tool}, got no call` });
  }
  for (let i = shared; i < actual.length; i++) {
    differences.push({ category: 'extra_call', reason: `call ${i + 1}: unexpected ${preview(actual[i]?.tool ?? '')}` });
  }
  return { toolsMatch, callsMatch: toolsMatch && differences.length === 0, differences };
}

function dropDefaults(call: ToolCall, own: Map<string, JsonValue> | undefined): ToolCall {
  if (own === undefined) return call;
  const params = Object.fromEntries(
    Object.entries(call.params).filter(([key, value]) => !(own.has(key) && jsonEqual(own.get(key) as JsonValue, value as JsonValue))),
  );
  return { ...call, params };
}

function compareParams(want: ToolCall, got: ToolCall, n: number): CallDifference[] {
  const out: CallDifference[] = [];
  const at = (key: string) => `call ${n} ${want.tool}.${preview(key, 40, false)}`;
  for (const key of Object.keys(want.params)) {
    const expected = want.params[key] as JsonValue;
    if (!Object.hasOwn(got.params, key)) {
      out.push({ category: 'missing_param', reason: `${at(key)}: missing (expected ${preview(expected)})` });
      continue;
    }
    const actual = got.params[key] as JsonValue;
    if (jsonType(expected) !== jsonType(actual)) {
      out.push({ category: 'type_error', reason: `${at(key)}: expected ${jsonType(expected)} ${preview(expected)}, got ${jsonType(actual)} ${preview(actual)}` });
    } else if (!jsonEqual(expected, actual)) {
      out.push({ category: 'value_error', reason: `${at(key)}: expected ${preview(expected)}, got ${preview(actual)}` });
    }
  }
  for (const key of Object.keys(got.params)) {
    if (!Object.hasOwn(want.params, key)) {
      out.push({ category: 'unexpected_param', reason: `${at(key)}: not expected (got ${preview(got.params[key] as JsonValue)})` });
    }
  }
  return out;
}

// The JSON type of a value: 'string', 'number', 'boolean', 'null', 'array' or 'object'.
export function jsonType(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

// Deep equality of JSON values: object key order does not matter, 1 and 1.0 are the same number.
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i] as JsonValue));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k] as JsonValue, b[k] as JsonValue));
}

// A short, single-line rendering of a value for a failure reason.
export function preview(v: JsonValue, max = 60, quote = true): string {
  let text: string;
  try {
    text = quote || typeof v !== 'string' ? (JSON.stringify(v) ?? String(v)) : JSON.stringify(v).slice(1, -1);
  } catch {
    text = String(v);
  }
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}
