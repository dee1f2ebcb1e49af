// The shape of an MCP tool definition and the checks every definition file must pass.
import { compileInputSchema } from './validate-params';

// A JSON Schema for a tool's arguments: always an object schema with named properties.
export interface InputSchema {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
  [keyword: string]: unknown;
}

// An MCP tool definition as `tools/list` returns it (the fields tooltune uses).
export interface ToolDefinition {
  name: string;
  description: string;
  inputSchema: InputSchema;
}

// Optional MCP fields a definition may carry; accepted and dropped (tools.json keeps the three above).
const OPTIONAL_MCP_FIELDS = new Set(['title', 'annotations', 'outputSchema', '_meta', 'icons']);

// Python keywords: a tool or argument named like one could not be written as `name(arg=...)`.
const PYTHON_KEYWORDS = new Set(
  ('False None True and as assert async await break class continue def del elif else except finally for ' +
    'from global if import in is lambda nonlocal not or pass raise return try while with yield').split(' '),
);

// True for a name usable as a Python identifier in the call syntax (ASCII, not a keyword).
export function isPythonName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !PYTHON_KEYWORDS.has(name);
}

// Checks one parsed JSON value as a tool definition; returns the definition or the problems found.
export function checkToolDefinition(value: unknown, where: string): { tool?: ToolDefinition; problems: string[] } {
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problems: [`${where}: must be an object with name, description and inputSchema`] };
  }
  const v = value as Record<string, unknown>;
  const label = typeof v.name === 'string' ? `${where} (${v.name})` : where;
  for (const key of Object.keys(v)) {
    if (!['name', 'description', 'inputSchema'].includes(key) && !OPTIONAL_MCP_FIELDS.has(key)) {
      problems.push(`${label}: unknown field '${key}'`);
    }
  }
  if (typeof v.name !== 'string') problems.push(`${where}: name must be a string`);
  else if (!isPythonName(v.name)) {
    problems.push(`${label}: name '${v.name}' is not a valid Python identifier (calls are written name(arg=...))`);
  }
  if (typeof v.description !== 'string' || v.description.trim() === '') {
    problems.push(`${label}: description must be a non-empty string`);
  }
  problems.push(...checkInputSchema(v.inputSchema, label));
  if (problems.length > 0) return { problems };
  const tool: ToolDefinition = {
    name: v.name as string,
    description: v.description as string,
    inputSchema: v.inputSchema as InputSchema,
  };
  return { tool, problems };
}

function checkInputSchema(schema: unknown, label: string): string[] {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return [`${label}: inputSchema must be a JSON Schema object`];
  }
  const s = schema as Record<string, unknown>;
  const problems: string[] = [];
  if (s.type !== 'object') problems.push(`${label}: inputSchema.type must be "object"`);
  const props = s.properties;
  if (typeof props !== 'object' || props === null || Array.isArray(props)) {
    problems.push(`${label}: inputSchema.properties must be an object`);
  } else {
    for (const [name, prop] of Object.entries(props)) {
      if (!isPythonName(name)) {
        problems.push(`${label}: argument name '${name}' is not a valid Python identifier`);
      }
      if (typeof prop !== 'object' || prop === null || Array.isArray(prop)) {
        problems.push(`${label}: inputSchema.properties.${name} must be a schema object`);
      }
    }
  }
  if (s.required !== undefined) {
    const names = typeof props === 'object' && props !== null ? Object.keys(props) : [];
    if (!Array.isArray(s.required) || !s.required.every((r) => typeof r === 'string')) {
      problems.push(`${label}: inputSchema.required must be an array of argument names`);
    } else {
      for (const r of s.required as string[]) {
        if (!names.includes(r)) problems.push(`${label}: required argument '${r}' is not in inputSchema.properties`);
      }
    }
  }
  if (problems.length === 0) {
    const compiled = compileInputSchema(schema as InputSchema);
    if (compiled.error !== undefined) problems.push(`${label}: inputSchema does not compile: ${compiled.error}`);
  }
  return problems;
}
