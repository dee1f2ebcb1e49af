// Shared shapes of a tool call and its JSON argument values, and the limits that bound parsing.

// A JSON value: what an MCP tool argument can hold.
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

// One tool call as the model writes it: `tool(key=value, ...)`.
export interface ToolCall {
  tool: string;
  params: Record<string, JsonValue>;
}

// Limits that keep parsing of untrusted model output bounded in time and memory.
export const LIMITS = {
  /** Characters of model output read; the rest is ignored and reported as an error. */
  maxOutputChars: 1 << 20,
  /** Deepest nesting of lists, tuples, dicts and parentheses in a value. */
  maxDepth: 32,
  /** `<tool_use>` blocks read from one output; the rest are ignored and reported as an error. */
  maxBlocks: 64,
} as const;

// Python's reserved words: Python itself would reject them as a function or argument name.
export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set(
  ('False None True and as assert async await break class continue def del elif else except finally for ' +
    'from global if import in is lambda nonlocal not or pass raise return try while with yield').split(' '),
);

// True for an ASCII identifier (`[A-Za-z_][A-Za-z0-9_]*`) that is not a Python keyword: the names
// allowed for tools and arguments.
export function isIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !PYTHON_KEYWORDS.has(name);
}

// Sets an own property even for keys like `__proto__`, which plain assignment would treat as the prototype.
export function defineOwn(target: Record<string, JsonValue>, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
