// Reading cases and predictions from JSON Lines, with errors that name file:line.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCase, parsePrediction, readJsonl, readToolDefinitions } from '../../../lib/score';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tooltune-score-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const CASE = { id: 'c1', query: 'Read package.json', prompt: 'User: ...', category: 'read', difficulty: 'easy', expected: [{ tool: 'read', params: { file_path: 'package.json' } }] };

describe('readJsonl', () => {
  it('reads one value a line, skipping blank lines, a BOM and CRLF', async () => {
    const path = await file('ok.jsonl', '\uFEFF{"a":1}\r\n\r\n  \n{"a":2}\n');
    expect(await readJsonl(path)).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('names file:line on bad JSON', async () => {
    const path = await file('bad.jsonl', '{"a":1}\n\n{"a":\n');
    await expect(readJsonl(path)).rejects.toThrow(new RegExp(`${path.replaceAll('\\', '\\\\')}:3: invalid JSON`));
  });

  it('names file:line when the validator rejects a record', async () => {
    const path = await file('cases.jsonl', `${JSON.stringify(CASE)}\n${JSON.stringify({ ...CASE, id: 'c2', expected: {} })}\n`);
    await expect(readJsonl(path, parseCase)).rejects.toThrow(/cases\.jsonl:2: case c2: expected must be an array/);
  });

  it('reports a missing file', async () => {
    await expect(readJsonl(join(dir, 'nope.jsonl'))).rejects.toThrow(/ENOENT/);
  });
});

describe('parseCase', () => {
  it('keeps extra fields (prompt) and drops null category', () => {
    expect(parseCase(CASE)).toEqual(CASE);
    expect(parseCase({ ...CASE, category: null })).not.toHaveProperty('category');
    expect(parseCase({ ...CASE, expected: [{ tool: 'glob' }] }).expected).toEqual([{ tool: 'glob', params: {} }]);
    expect(parseCase({ ...CASE, expected: [] }).expected).toEqual([]);
  });

  it.each([
    [[], /case must be a JSON object/],
    [{ ...CASE, id: '' }, /case: id must be a non-empty string/],
    [{ ...CASE, query: 3 }, /case c1: query must be a string/],
    [{ ...CASE, expected: 'read' }, /expected must be an array/],
    [{ ...CASE, expected: [{ params: {} }] }, /expected\[0\]: tool must be a non-empty string/],
    [{ ...CASE, expected: [{ tool: 'read', params: [] }] }, /expected\[0\]: params must be an object/],
    [{ ...CASE, difficulty: 2 }, /difficulty must be a string/],
    [{ ...CASE, expected: [{ tool: 'read', params: { a: Infinity } }] }, /params.a: Infinity is not a JSON number/],
  ])('rejects %j', (value, message) => {
    expect(() => parseCase(value)).toThrow(message);
  });

  it('rejects values nested absurdly deep without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`) as unknown;
    expect(() => parseCase({ ...CASE, expected: [{ tool: 'read', params: { a: deep } }] })).toThrow(/nested deeper than 64/);
  });
});

describe('parsePrediction', () => {
  it('keeps latency_ms and other fields', () => {
    expect(parsePrediction({ id: 'c1', output: 'x', latency_ms: 12.5, model: 'm' })).toEqual({ id: 'c1', output: 'x', latency_ms: 12.5, model: 'm' });
  });

  it.each([
    [{ output: 'x' }, /prediction: id must be a non-empty string/],
    [{ id: 'c1', output: null }, /prediction c1: output must be a string/],
    [{ id: 'c1', output: 'x', latency_ms: '3' }, /latency_ms must be a number/],
  ])('rejects %j', (value, message) => {
    expect(() => parsePrediction(value)).toThrow(message);
  });
});

describe('readToolDefinitions', () => {
  it('reads an array of definitions and names the file on errors', async () => {
    const tools = [{ name: 'read', description: 'Read', inputSchema: { type: 'object' } }];
    expect(await readToolDefinitions(await file('tools.json', JSON.stringify(tools)))).toEqual(tools);
    await expect(readToolDefinitions(await file('t2.json', '{"name": "read"}'))).rejects.toThrow(/t2\.json: tool definitions must be a JSON array/);
    await expect(readToolDefinitions(await file('t3.json', '[{"name": "read"}]'))).rejects.toThrow(/t3\.json: tools\[0\] \(read\): inputSchema/);
  });
});
