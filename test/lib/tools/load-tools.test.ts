import Ajv from 'ajv';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBuiltinTools, loadTools, parseToolDefinitions, ToolDefinitionError } from '../../../lib/tools/load-tools';
import { isPythonName } from '../../../lib/tools/tool-definition';

const dir = mkdtempSync(join(tmpdir(), 'tooltune-tools-'));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

const deployTool = {
  name: 'deploy',
  description: 'Deploys the app',
  inputSchema: {
    type: 'object',
    properties: { env: { type: 'string', enum: ['staging', 'prod'] } },
    required: ['env'],
    additionalProperties: false,
  },
};

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ToolDefinitionError);
    return (err as ToolDefinitionError).problems;
  }
  throw new Error('expected a ToolDefinitionError');
}

describe('loadBuiltinTools', () => {
  const tools = loadBuiltinTools();

  it('has the six core tools, then the four claude-flow tools', () => {
    expect(tools.map((t) => t.name)).toEqual([
      'read', 'write', 'edit', 'bash', 'grep', 'glob', 'swarm_init', 'agent_spawn', 'task_orchestrate', 'memory_usage',
    ]);
  });

  it('compiles every schema with a default new Ajv(), closed and with required arguments', () => {
    const ajv = new Ajv();
    for (const tool of tools) {
      expect(() => ajv.compile(tool.inputSchema), tool.name).not.toThrow();
      expect(tool.inputSchema.additionalProperties, tool.name).toBe(false);
      expect(tool.inputSchema.required?.length, tool.name).toBeGreaterThan(0);
      for (const name of Object.keys(tool.inputSchema.properties)) expect(isPythonName(name), name).toBe(true);
    }
  });

  it('models the real tools: grep flags and enums, claude-flow enums', () => {
    const grep = tools.find((t) => t.name === 'grep');
    expect(Object.keys(grep?.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(['pattern', 'path', 'glob', 'output_mode', 'case_insensitive', 'line_numbers', 'context']),
    );
    expect(grep?.inputSchema.properties.output_mode?.enum).toEqual(['content', 'files_with_matches', 'count']);
    const swarm = tools.find((t) => t.name === 'swarm_init');
    expect(swarm?.inputSchema.properties.topology?.enum).toEqual(['hierarchical', 'mesh', 'ring', 'star']);
    const memory = tools.find((t) => t.name === 'memory_usage');
    expect(memory?.inputSchema.properties.action?.enum).toEqual(['store', 'retrieve', 'list', 'delete', 'search']);
  });
});

describe('loadTools', () => {
  it('adds the tools of extra files, as an array or a single object', () => {
    const one = file('one.json', deployTool);
    const many = file('many.json', [{ ...deployTool, name: 'rollback' }, { ...deployTool, name: 'promote', title: 'Promote' }]);
    const names = loadTools([one, many]).map((t) => t.name);
    expect(names.slice(-3)).toEqual(['deploy', 'rollback', 'promote']);
    expect(Object.keys(loadTools([many]).at(-1) ?? {})).toEqual(['name', 'description', 'inputSchema']);
  });

  it('accepts a draft 2020-12 schema', () => {
    const path = file('d2020.json', { ...deployTool, inputSchema: { $schema: 'https://json-schema.org/draft/2020-12/schema', ...deployTool.inputSchema } });
    expect(loadTools([path]).at(-1)?.name).toBe('deploy');
  });

  it('names the file and the place of a JSON syntax error', () => {
    const path = file('broken.json', '[\n  {"name": "x",\n  }\n]');
    try {
      loadTools([path]);
      throw new Error('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(ToolDefinitionError);
      expect((err as Error).message).toContain(path);
      expect((err as ToolDefinitionError).problems[0]).toMatch(/not valid JSON.*line 3/);
    }
  });

  it('lists every problem of a bad definition', () => {
    const problems = problemsOf(() =>
      parseToolDefinitions(
        JSON.stringify([
          { name: 'bad-name', description: '', inputSchema: { type: 'object', properties: {} } },
          { name: 'ok', description: 'd', inputSchema: { type: 'object', properties: { 'file-path': { type: 'string' } }, required: ['nope'] } },
          { name: 'strange', description: 'd', inputSchema: { type: 'object', properties: { a: { type: 'strng' } } }, extra: 1 },
          { name: 'class', description: 'd', inputSchema: { type: 'array' } },
          42,
        ]),
        'x.json',
      ),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/tool #1 \(bad-name\): name 'bad-name' is not a valid Python identifier/),
        expect.stringMatching(/tool #1 \(bad-name\): description must be a non-empty string/),
        expect.stringMatching(/tool #2 \(ok\): argument name 'file-path' is not a valid Python identifier/),
        expect.stringMatching(/tool #2 \(ok\): required argument 'nope' is not in inputSchema.properties/),
        expect.stringMatching(/tool #3 \(strange\): unknown field 'extra'/),
        expect.stringMatching(/tool #3 \(strange\): inputSchema does not compile/),
        expect.stringMatching(/tool #4 \(class\): name 'class' is not a valid Python identifier/),
        expect.stringMatching(/tool #4 \(class\): inputSchema.type must be "object"/),
        expect.stringMatching(/tool #5: must be an object/),
      ]),
    );
  });

  it('rejects an empty array, a duplicate within a file and a duplicate of a built-in tool', () => {
    expect(problemsOf(() => parseToolDefinitions('[]', 'e.json'))).toEqual(['the array holds no tool definitions']);
    expect(problemsOf(() => parseToolDefinitions(JSON.stringify([deployTool, deployTool]), 'd.json'))).toEqual([
      "tool #2: duplicate tool name 'deploy'",
    ]);
    const clash = file('clash.json', { ...deployTool, name: 'read' });
    try {
      loadTools([clash]);
      throw new Error('no error');
    } catch (err) {
      expect((err as ToolDefinitionError).file).toBe(clash);
      expect((err as ToolDefinitionError).problems).toEqual(["duplicate tool name 'read': already defined by the built-in tools"]);
    }
    const first = file('first.json', deployTool);
    const second = file('second.json', deployTool);
    expect(problemsOf(() => loadTools([first, second]))).toEqual([`duplicate tool name 'deploy': already defined by ${first}`]);
  });

  it('reports a missing file', () => {
    expect(problemsOf(() => loadTools([join(dir, 'missing.json')]))[0]).toMatch(/^cannot read/);
  });
});
