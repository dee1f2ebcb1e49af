// Canonical forms used to compare examples: a query key for duplicate checks and a key for a call list.
import type { JsonValue, ToolCall } from '../tool-call/syntax';
import type { ToolDefinition } from '../tools/load-tools';

// The form two queries are compared in: case, spacing and final punctuation do not make a new query.
export function normalizeQuery(query: string): string {
  return query.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim().replace(/[\s.?!]+$/, '');
}

function sortKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const key of Object.keys(value).sort()) {
      Object.defineProperty(out, key, { value: sortKeys(value[key] as JsonValue), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

// A string equal for two call lists exactly when they make the same calls with the same arguments.
export function callsKey(calls: readonly ToolCall[]): string {
  return JSON.stringify(calls.map((c) => [c.tool, sortKeys(c.params)]));
}

// Puts a call's arguments in the order its schema lists them (unknown ones last, by name), so the
// rendered text is the same however the arguments were written.
export function orderParams(call: ToolCall, tools: readonly ToolDefinition[]): ToolCall {
  const schemaOrder = Object.keys(tools.find((t) => t.name === call.tool)?.inputSchema.properties ?? {});
  const keys = Object.keys(call.params);
  const ordered = [...schemaOrder.filter((k) => keys.includes(k)), ...keys.filter((k) => !schemaOrder.includes(k)).sort()];
  const params: Record<string, JsonValue> = {};
  for (const key of ordered) {
    Object.defineProperty(params, key, { value: call.params[key] as JsonValue, enumerable: true, writable: true, configurable: true });
  }
  return { tool: call.tool, params };
}
