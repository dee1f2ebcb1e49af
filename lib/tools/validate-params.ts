// Checks tool-call arguments against the tools' JSON Schemas (ajv), with messages a person can act on.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import type { ToolCall } from '../tool-call/syntax';
import type { InputSchema, ToolDefinition } from './tool-definition';

let draft07: Ajv | undefined;
let draft2020: Ajv2020 | undefined;

// Picks the ajv dialect the schema asks for: draft 2020-12 when its $schema says so, else ajv's default (draft-07).
function ajvFor(schema: InputSchema): Ajv | Ajv2020 {
  if (typeof schema.$schema === 'string' && schema.$schema.includes('2020-12')) {
    draft2020 ??= new Ajv2020({ allErrors: true });
    return draft2020;
  }
  draft07 ??= new Ajv({ allErrors: true });
  return draft07;
}

// Compiles a tool's inputSchema, so a broken schema is reported when its file is loaded, not later.
export function compileInputSchema(schema: InputSchema): { validate?: ValidateFunction; error?: string } {
  try {
    return { validate: ajvFor(schema).compile(schema) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

// A checker for calls against a fixed set of tools: returns one message per problem, none when valid.
export type ParamsChecker = (call: ToolCall) => string[];

// Builds the checker once per tool set (schemas compiled once), for datasets with many records.
export function createParamsChecker(tools: ToolDefinition[]): ParamsChecker {
  const validators = new Map<string, ValidateFunction>();
  for (const tool of tools) {
    const compiled = compileInputSchema(tool.inputSchema);
    if (compiled.validate === undefined) throw new Error(`tool ${tool.name}: ${compiled.error ?? 'schema does not compile'}`);
    validators.set(tool.name, compiled.validate);
  }
  const known = tools.map((t) => t.name).join(', ');
  return (call) => {
    const validate = validators.get(call.tool);
    if (validate === undefined) return [`unknown tool '${call.tool}' (known tools: ${known})`];
    if (validate(call.params)) return [];
    return (validate.errors ?? []).map((e) => `${call.tool}: ${describeError(e)}`);
  };
}

function describeError(e: ErrorObject): string {
  const arg = e.instancePath === '' ? 'arguments' : e.instancePath.slice(1).replace(/\//g, '.');
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `missing required argument '${String(p.missingProperty)}'`;
    case 'additionalProperties':
      return `unknown argument '${String(p.additionalProperty)}'`;
    case 'enum':
      return `${arg} must be one of ${(p.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', ')}`;
    case 'type':
      return `${arg} must be of type ${String(p.type)}`;
    default:
      return `${arg} ${e.message ?? 'is invalid'}`;
  }
}
