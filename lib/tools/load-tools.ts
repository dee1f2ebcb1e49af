// Loads the MCP tool definitions the dataset is built for: the built-in ones plus a spec's extra files.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkToolDefinition, type ToolDefinition } from './tool-definition';

// Re-exported so users of the loader get the definition types from the same module.
export type { InputSchema, ToolDefinition } from './tool-definition';

const DEFINITIONS_DIR = fileURLToPath(new URL('./definitions/', import.meta.url));
// Core coding-agent tools first, then claude-flow's; any other file in the folder after them, by name.
const BUILTIN_ORDER = ['core.json', 'claude-flow.json'];

// A tool definition file that cannot be used: names the file and lists every problem found in it.
export class ToolDefinitionError extends Error {
  readonly file: string;
  readonly problems: string[];
  constructor(file: string, problems: string[]) {
    super(`bad tool definition file ${file}:\n  ${problems.join('\n  ')}`);
    this.name = 'ToolDefinitionError';
    this.file = file;
    this.problems = problems;
  }
}

// Parses the text of one definition file: a JSON array of tool definitions or a single one.
export function parseToolDefinitions(text: string, file: string): ToolDefinition[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ToolDefinitionError(file, [`not valid JSON: ${describeJsonError(err, text)}`]);
  }
  const items = Array.isArray(json) ? json : [json];
  if (items.length === 0) throw new ToolDefinitionError(file, ['the array holds no tool definitions']);
  const problems: string[] = [];
  const tools: ToolDefinition[] = [];
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const where = Array.isArray(json) ? `tool #${i + 1}` : 'tool';
    const checked = checkToolDefinition(item, where);
    problems.push(...checked.problems);
    if (checked.tool === undefined) return;
    if (seen.has(checked.tool.name)) problems.push(`${where}: duplicate tool name '${checked.tool.name}'`);
    seen.add(checked.tool.name);
    tools.push(checked.tool);
  });
  if (problems.length > 0) throw new ToolDefinitionError(file, problems);
  return tools;
}

// Reads and checks one definition file from disk.
export function loadToolFile(file: string): ToolDefinition[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ToolDefinitionError(file, [`cannot read: ${err instanceof Error ? err.message : String(err)}`]);
  }
  return parseToolDefinitions(text, file);
}

// The tools shipped with tooltune (lib/tools/definitions/*.json), in a fixed order.
export function loadBuiltinTools(): ToolDefinition[] {
  const files = readdirSync(DEFINITIONS_DIR).filter((f) => f.endsWith('.json'));
  const ordered = [
    ...BUILTIN_ORDER.filter((f) => files.includes(f)),
    ...files.filter((f) => !BUILTIN_ORDER.includes(f)).sort(),
  ];
  return mergeTools(ordered.map((f) => ({ file: join(DEFINITIONS_DIR, f), tools: loadToolFile(join(DEFINITIONS_DIR, f)) })));
}

// The built-in tools plus those of the extra files, in order; a tool name defined twice is an error.
export function loadTools(extraFiles: string[]): ToolDefinition[] {
  const builtin = loadBuiltinTools();
  const extras = extraFiles.map((file) => ({ file, tools: loadToolFile(file) }));
  return mergeTools([{ file: 'the built-in tools', tools: builtin }, ...extras]);
}

function mergeTools(sources: { file: string; tools: ToolDefinition[] }[]): ToolDefinition[] {
  const owner = new Map<string, string>();
  const all: ToolDefinition[] = [];
  for (const { file, tools } of sources) {
    const problems: string[] = [];
    for (const tool of tools) {
      const first = owner.get(tool.name);
      if (first !== undefined) problems.push(`duplicate tool name '${tool.name}': already defined by ${first}`);
      else owner.set(tool.name, file);
      all.push(tool);
    }
    if (problems.length > 0) throw new ToolDefinitionError(file, problems);
  }
  return all;
}

// Turns JSON.parse's "at position N" into a line and column, which is what an editor shows.
function describeJsonError(err: unknown, text: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const m = /position (\d+)/.exec(message);
  if (m?.[1] === undefined) return message;
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message} (line ${line}, column ${column})`;
}
