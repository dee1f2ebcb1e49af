import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError, generateDataset, type DatasetConfig } from '../../../lib/dataset/generate-dataset';
import type { TextRecord } from '../../../lib/dataset/types';

const dir = mkdtempSync(join(tmpdir(), 'tooltune-records-'));
function file(name: string, lines: (string | object)[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return path;
}
const text = (query: string, completion: string, extra: object = {}): object => ({ text: `User: ${query}\nAssistant:${completion}`, ...extra });

const good = file('good.jsonl', [
  text('Peek at CHANGELOG.md', " I'll read CHANGELOG.md.\n<tool_use>read(file_path=\"CHANGELOG.md\")</tool_use>", { id: 'mine-1', difficulty: 'easy' }),
  {
    messages: [
      { role: 'user', content: 'Grep src for XXX markers, case-insensitive' },
      {
        role: 'assistant',
        content: "I'll search src for XXX.",
        tool_calls: [{ type: 'function', function: { name: 'grep', arguments: '{"case_insensitive": true, "pattern": "XXX", "path": "src"}' } }],
      },
    ],
  },
  '',
  text('Ship it to staging', " I'll deploy to staging.\n<tool_use>deploy(env='staging')</tool_use>", { base_id: 'deploys' }),
  text('whats the difference between a mutex and a semaphore', ' A mutex lets one holder in at a time; a semaphore counts, so n can hold it at once.'),
  { messages: [{ role: 'user', content: 'thanks, that fixed it!' }, { role: 'assistant', content: 'Glad it works now.' }] },
]);
const bad = file('bad.jsonl', [
  '{"text": "User: Read a\\nAssistant: x", ',
  text('Fetch the homepage', " I'll fetch it.\n<tool_use>fetch(url='https://example.com')</tool_use>"),
  text('Read something', " I'll read it.\n<tool_use>read(limit=5)</tool_use>"),
  text('Read the first ten lines of a.ts', " I'll read them.\n<tool_use>read(file_path='a.ts', limit='10')</tool_use>"),
  text('Read b.ts', " I'll read it.\n<tool_use>read(file_path='b.ts'</tool_use>"),
  text('Read package.json', " I'll read it.\n<tool_use>read(file_path='package.json')</tool_use>"),
  text('Run the tests', " I'll run them.\n<tool_use>bash(command='npm test')</tool_use>"),
  { query: 'List files' },
  text('Read c.ts', ' '),
  text('Read d.ts', " read(file_path='d.ts')</tool_use>"),
  { messages: [{ role: 'user', content: 'Read e.ts' }, { role: 'assistant', content: '' }] },
  text('Tell me a joke', ' Why do programmers prefer dark mode? Light attracts bugs.', { tool_name: 'read' }),
]);
const tools = join(dir, 'deploy.json');
writeFileSync(
  tools,
  JSON.stringify({
    name: 'deploy',
    description: 'Deploys the app',
    inputSchema: { type: 'object', properties: { env: { type: 'string' } }, required: ['env'], additionalProperties: false },
  }),
);

const config: DatasetConfig = {
  format: 'text',
  augment_dataset: true,
  target_size: 80,
  validation_split: 0.2,
  tool_files: [tools],
  example_files: [good, bad],
  on_bad_record: 'fail',
  train_cases_sample: 20,
};

describe('user records', () => {
  it('fail the stage listing every bad record at file:line, and write nothing', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tooltune-out-'));
    const err = await generateDataset(config, 42, out).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    const issues = (err as DatasetError).issues;
    expect(issues.map((i) => [i.file, i.line])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((line) => [bad, line]));
    const messages = issues.map((i) => i.message);
    expect(messages[0]).toMatch(/^invalid JSON/);
    expect(messages[1]).toMatch(/unknown tool 'fetch'/);
    expect(messages[2]).toBe("read: missing required argument 'file_path'");
    expect(messages[3]).toBe('read: limit must be of type integer');
    expect(messages[4]).toMatch(/^tool call does not parse: block 1:/);
    expect(messages[5]).toBe("the request is the evaluation suite's suite-01, which may not be trained on");
    expect(messages[6]).toBe('the same request as example "bash-01"');
    expect(messages[7]).toBe('neither a text record (with "text") nor a chat record (with "messages")');
    expect(messages[8]).toBe('completion is empty: a record either calls a tool or answers in plain text');
    expect(messages[9]).toBe('completion has a <tool_use> tag but no complete <tool_use>…</tool_use> block');
    expect(messages[10]).toBe('messages[1] has neither tool_calls nor content');
    expect(messages[11]).toBe('tool_name "read" does not match the calls (expected "no-tool")');
    expect((err as Error).message).toContain(`${bad}:5: tool call does not parse`);
    expect(readdirSync(out)).toEqual([]);
  });

  it('are skipped and counted with on_bad_record: skip; good ones join the pool in both formats', async () => {
    const result = await generateDataset({ ...config, on_bad_record: 'skip' }, 42, mkdtempSync(join(tmpdir(), 'tooltune-out-')));
    expect(result.stats.skipped_records).toBe(12);
    expect(result.stats.skipped.map((i) => i.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(result.stats.user_records).toBe(5);
    expect(result.stats.total).toBe(80);
    const records = [result.train_path, result.val_path].flatMap((p) =>
      readFileSync(p, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as TextRecord),
    );
    const mine = records.find((r) => r.id === 'mine-1');
    expect(mine).toMatchObject({
      base_id: 'mine-1',
      category: 'read',
      difficulty: 'easy',
      completion: " I'll read CHANGELOG.md.\n<tool_use>read(file_path='CHANGELOG.md')</tool_use>",
    });
    const chat = records.find((r) => r.id === 'user-good-2');
    expect(chat?.completion).toBe(" I'll search src for XXX.\n<tool_use>grep(pattern='XXX', path='src', case_insensitive=True)</tool_use>");
    expect(chat).toMatchObject({ category: 'grep', difficulty: 'medium', tool_name: 'grep' });
    expect(records.find((r) => r.id === 'user-good-4')).toMatchObject({ base_id: 'deploys', category: 'deploy', tool_name: 'deploy' });
    // A record without a call is a plain-text answer: a request no tool fits, in either format.
    expect(records.find((r) => r.id === 'user-good-5')).toMatchObject({
      category: 'no-tool', tool_name: 'no-tool', completion: ' A mutex lets one holder in at a time; a semaphore counts, so n can hold it at once.',
    });
    expect(records.find((r) => r.id === 'user-good-6')).toMatchObject({ category: 'no-tool', tool_name: 'no-tool', completion: ' Glad it works now.' });
  });

  it('report bad tool files as a DatasetError naming the file', async () => {
    const broken = join(dir, 'broken-tools.json');
    writeFileSync(broken, '{"name": "x"}');
    const err = await generateDataset({ ...config, tool_files: [broken], example_files: [] }, 42, dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as DatasetError).issues[0]).toMatchObject({ file: broken, line: 0 });
  });
});

describe('user records written with a tools line', () => {
  it('accept a text record whose prompt opens with "Tools: ..." and read its request', async () => {
    const withHeader = file('with-header.jsonl', [
      { id: 'hdr-1', text: "Tools: read; write\nUser: Peek at NOTES.md\nAssistant: I'll read NOTES.md.\n<tool_use>read(file_path='NOTES.md')</tool_use>" },
    ]);
    const result = await generateDataset({ ...config, tool_files: [], example_files: [withHeader], prompt_tools: 'names' }, 42, mkdtempSync(join(tmpdir(), 'tooltune-hdr-')));
    const records = [result.train_path, result.val_path].flatMap((p) => readFileSync(p, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as TextRecord));
    const mine = records.find((r) => r.id === 'hdr-1');
    expect(mine?.prompt).toBe('Tools: read; write; edit; bash; grep; glob; swarm_init; agent_spawn; task_orchestrate; memory_usage\nUser: Peek at NOTES.md\nAssistant:');
    expect(result.stats.user_records).toBe(1);
  });
});
