// Each error category, from small hand-built cases.
import { describe, expect, it } from 'vitest';
import { ERROR_CATEGORIES, scorePredictions, type Case, type ErrorCategory, type Prediction } from '../../../lib/score';
import type { ToolCall } from '../../../lib/tool-call/syntax';
import { answer, bash, makeCase, read, TOOLS } from './fixtures';

function errorsFor(expected: ToolCall[], output: string): Partial<Record<ErrorCategory, number>> {
  const report = scorePredictions([makeCase('c', expected)], [{ id: 'c', output }], TOOLS);
  return Object.fromEntries(Object.entries(report.errors).filter(([, n]) => n > 0));
}

describe('error categories', () => {
  it('the report always lists every category', () => {
    const report = scorePredictions([], [], []);
    expect(Object.keys(report.errors)).toEqual([...ERROR_CATEGORIES]);
  });

  it('none for a correct answer', () => {
    expect(errorsFor([read('a')], answer('c', [read('a')]).output)).toEqual({});
  });

  it.each<[string, ToolCall[], string, Partial<Record<ErrorCategory, number>>]>([
    ['wrong_tool', [read('a')], "<tool_use>bash(command='cat a')</tool_use>", { wrong_tool: 1 }],
    ['missing_call (no block)', [read('a')], 'Sure, reading a.', { missing_call: 1 }],
    ['missing_call (one of two)', [read('a'), bash('ls')], "<tool_use>read(file_path='a')</tool_use>", { missing_call: 1 }],
    ['extra_call', [read('a')], "<tool_use>read(file_path='a')</tool_use><tool_use>bash(command='ls')</tool_use>", { extra_call: 1 }],
    ['missing_param', [bash('ls', 5)], "<tool_use>bash(command='ls')</tool_use>", { missing_param: 1 }],
    ['unexpected_param', [bash('ls')], "<tool_use>bash(command='ls', timeout=5)</tool_use>", { unexpected_param: 1 }],
    ["type_error: '5' vs 5", [bash('ls', 5)], "<tool_use>bash(command='ls', timeout='5')</tool_use>", { type_error: 1, schema_error: 1 }],
    ['type_error: None vs string', [read('a')], '<tool_use>read(file_path=None)</tool_use>', { type_error: 1, schema_error: 1 }],
    ['value_error', [read('a')], "<tool_use>read(file_path='b')</tool_use>", { value_error: 1 }],
    ['value_error (nested)', [{ tool: 'grep', params: { pattern: 'x', path: 'src' } }], "<tool_use>grep(pattern='x', path='lib')</tool_use>", { value_error: 1 }],
    ['parse_error', [read('a')], "<tool_use>read(file_path='a)</tool_use>", { parse_error: 1, missing_call: 1 }],
    ['parse_error (unclosed)', [read('a')], "<tool_use>read(file_path='a')", { parse_error: 1, missing_call: 1 }],
    ['unknown_tool', [read('a')], "<tool_use>cat(file_path='a')</tool_use>", { wrong_tool: 1, unknown_tool: 1 }],
    ['schema_error', [bash('ls', 1)], "<tool_use>bash(command='ls', timeout=1.5)</tool_use>", { value_error: 1, schema_error: 1 }],
    ['several at once', [bash('ls', 5)], "<tool_use>bash(cmd='ls', timeout=6, x=1)</tool_use>", { missing_param: 1, unexpected_param: 2, value_error: 1, schema_error: 1 }],
  ])('%s', (_name, expected, output, counts) => {
    expect(errorsFor(expected, output)).toEqual(counts);
  });

  it('missing, duplicate and unmatched predictions', () => {
    const cases: Case[] = [makeCase('a', [read('x')]), makeCase('b', [read('y')])];
    const predictions: Prediction[] = [
      answer('a', [read('x')]),
      { id: 'a', output: 'a second, worse answer' },
      answer('zzz', [read('x')]),
    ];
    const report = scorePredictions(cases, predictions, TOOLS);
    expect(report.errors).toMatchObject({ missing_prediction: 1, duplicate_prediction: 1, unmatched_prediction: 1 });
    expect(report.passed.param_accuracy).toBe(1); // the first prediction for 'a' is the one scored
    expect(report.failures).toEqual([{ id: 'b', reasons: ['missing_prediction: no prediction has this id'] }]);
  });

  it('failure reasons say what differed, briefly', () => {
    const report = scorePredictions([makeCase('c', [bash('ls', 5)])], [{ id: 'c', output: "<tool_use>bash(command='ls', timeout='5')</tool_use>" }], TOOLS);
    expect(report.failures[0]?.reasons).toEqual([
      'type_error: call 1 bash.timeout: expected number 5, got string "5"',
      'schema_error: call 1 bash: timeout must be integer',
    ]);
  });

  it('keeps at most 50 failures and 10 reasons a case, each short', () => {
    const cases = Array.from({ length: 80 }, (_, i) => makeCase(`c${i}`, [read('a')]));
    const junk = `<tool_use>read(x='${'y'.repeat(10_000)}')</tool_use>`.repeat(30);
    const report = scorePredictions(cases, cases.map((c) => ({ id: c.id, output: junk })), TOOLS);
    expect(report.failed).toBe(80);
    expect(report.failures).toHaveLength(50);
    expect(report.failures[0]?.reasons).toHaveLength(11);
    expect(report.failures[0]?.reasons[10]).toMatch(/^… and \d+ more$/);
    expect(Math.max(...report.failures.flatMap((f) => f.reasons.map((r) => r.length)))).toBeLessThanOrEqual(241);
    expect(JSON.stringify(report).length).toBeLessThan(200_000);
  });

  it('throws on duplicate case ids and on tool schemas that do not compile', () => {
    expect(() => scorePredictions([makeCase('a', [read('x')]), makeCase('a', [read('y')])], [], TOOLS)).toThrow(/duplicate case id "a"/);
    const broken = [{ name: 'read', inputSchema: { type: 'object', properties: { a: { type: 'no-such-type' } } } }];
    expect(() => scorePredictions([], [], broken)).toThrow(/tool read: inputSchema does not compile/);
    expect(() => scorePredictions([], [], [TOOLS[0]!, TOOLS[0]!])).toThrow(/duplicate tool name read/);
  });
});
