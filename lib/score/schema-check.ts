// Checks each call's arguments against its tool's inputSchema (ajv), compiling every schema once.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import type { ToolCall } from '../tool-call/syntax';
import type { ToolDefinition } from './types';

// The verdict on one call: `unknown` when no tool has its name, else the schema's complaints (none when valid).
export interface SchemaVerdict {
  unknown: boolean;
  problems: string[];
}

export type SchemaChecker = (call: ToolCall) => SchemaVerdict;

// Builds a checker for a tool set; throws a clear error for a duplicate name or a schema that does not compile.
// Unknown keywords and formats are ignored (strict: false), as tools from MCP servers often carry them.
export function createSchemaChecker(tools: ToolDefinition[]): SchemaChecker {
  const options = { allErrors: true, strict: false, logger: false } as const;
  let draft07: Ajv | undefined;
  let draft2020: Ajv2020 | undefined;
  const validators = new Map<string, ValidateFunction>();
  for (const [i, tool] of tools.entries()) {
    if (typeof tool?.name !== 'string' || tool.name === '') throw new Error(`tools[${i}]: name must be a non-empty string`);
    if (validators.has(tool.name)) throw new Error(`tools[${i}]: duplicate tool name ${tool.name}`);
    const schema = tool.inputSchema;
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      throw new Error(`tool ${tool.name}: inputSchema must be a JSON Schema object`);
    }
    const is2020 = typeof schema.$schema === 'string' && schema.$schema.includes('2020-12');
    const ajv = is2020 ? (draft2020 ??= new Ajv2020(options)) : (draft07 ??= new Ajv(options));
    try {
      validators.set(tool.name, ajv.compile(schema));
    } catch (err) {
      throw new Error(`tool ${tool.name}: inputSchema does not compile: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return (call) => {
    const validate = validators.get(call.tool);
    if (validate === undefined) return { unknown: true, problems: [] };
    if (validate(call.params)) return { unknown: false, problems: [] };
    return { unknown: false, problems: (validate.errors ?? []).slice(0, 5).map(describeError) };
  };
}

function describeError(e: ErrorObject): string {
  const where = e.instancePath === '' ? 'arguments' : e.instancePath.slice(1).replaceAll('/', '.');
  const p = e.params as Record<string, unknown>;
  const text =
    e.keyword === 'required'
      ? `missing required argument ${String(p.missingProperty)}`
      : e.keyword === 'additionalProperties'
        ? `unknown argument ${String(p.additionalProperty)}`
        : `${where} ${e.message ?? 'is invalid'}`;
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}
