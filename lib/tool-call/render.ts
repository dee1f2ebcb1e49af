// Renders tool calls as Python call syntax: the exact text the model is trained to write.
import { isIdentifier, type JsonValue, type ToolCall } from './types';

const CLOSE_TAG = '</tool_use>';

// Renders one call, e.g. `read(file_path='package.json')`; throws on values JSON cannot hold.
export function renderToolCall(call: ToolCall): string {
  if (typeof call?.tool !== 'string' || !isIdentifier(call.tool)) {
    throw new Error(`cannot render tool call: tool name ${JSON.stringify(call?.tool)} is not an identifier`);
  }
  const params: unknown = call.params;
  if (!isPlainObject(params)) throw new Error(`cannot render tool call ${call.tool}: params must be an object`);
  const args: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (!isIdentifier(key)) {
      throw new Error(`cannot render tool call ${call.tool}: argument name ${JSON.stringify(key)} is not an identifier`);
    }
    args.push(`${key}=${renderValue(value, `${call.tool}.${key}`, 0)}`);
  }
  return `${call.tool}(${args.join(', ')})`;
}

// Renders calls as `<tool_use>…</tool_use>` blocks, one per call, joined by newlines.
export function renderToolUse(calls: ToolCall[]): string {
  return calls.map((call) => `<tool_use>${renderToolCall(call)}</tool_use>`).join('\n');
}

// Renders a string as a single-quoted Python literal that parses back to the same UTF-16 string.
export function renderPythonString(s: string): string {
  let out = "'";
  let runStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c === 0x5c) esc = '\\\\';
    else if (c === 0x27) esc = "\\'";
    else if (c === 0x0a) esc = '\\n';
    else if (c === 0x0d) esc = '\\r';
    else if (c === 0x09) esc = '\\t';
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) esc = `\\x${hex(c, 2)}`;
    else if (c === 0x2028 || c === 0x2029) esc = `\\u${hex(c, 4)}`;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++; // a valid surrogate pair: keep the character as it is
        continue;
      }
      esc = `\\u${hex(c, 4)}`;
    } else if (c >= 0xdc00 && c <= 0xdfff) esc = `\\u${hex(c, 4)}`;
    // Never let a string close the block it sits in.
    else if (c === 0x3c && s.startsWith(CLOSE_TAG, i)) esc = '\\x3c';
    if (esc !== undefined) {
      out += s.slice(runStart, i) + esc;
      runStart = i + 1;
    }
  }
  return `${out}${s.slice(runStart)}'`;
}

function renderValue(value: unknown, path: string, depth: number): string {
  if (depth > 32) throw new Error(`cannot render ${path}: nested deeper than 32 levels`);
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return renderPythonString(value);
  if (typeof value === 'number') return renderNumber(value, path);
  if (Array.isArray(value)) {
    return `[${Array.from(value, (v: unknown, i) => renderValue(v, `${path}[${i}]`, depth + 1)).join(', ')}]`;
  }
  if (isPlainObject(value)) {
    const items = Object.entries(value).map(
      ([k, v]) => `${renderPythonString(k)}: ${renderValue(v, `${path}.${k}`, depth + 1)}`,
    );
    return `{${items.join(', ')}}`;
  }
  throw new Error(`cannot render ${path}: ${describe(value)} is not a JSON value`);
}

function renderNumber(n: number, path: string): string {
  if (!Number.isFinite(n)) throw new Error(`cannot render ${path}: ${n} is not a JSON number`);
  if (Object.is(n, -0)) return '-0.0';
  // String(n) is the shortest text that reads back as the same double; it is valid Python too
  // (integers below 1e21 print without exponent, others as `1.5`, `1e+21`, `5e-7`).
  return String(n);
}

function isPlainObject(v: unknown): v is Record<string, JsonValue> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

function hex(c: number, width: number): string {
  return c.toString(16).padStart(width, '0');
}
