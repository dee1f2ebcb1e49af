// Each validation level, all or nothing per case, over all cases.
import { describe, expect, it } from 'vitest';
import { scorePredictions, type Prediction } from '../../../lib/score';
import { answer, bash, makeCase, read, TOOLS } from './fixtures';

const one = [makeCase('c1', [read('package.json')])];

function levels(output: string, cases = one, tools = TOOLS) {
  const r = scorePredictions(cases, [{ id: cases[0]?.id ?? 'c1', output }], tools);
  return [r.tool_detection, r.tool_parsing, r.tool_accuracy, r.param_accuracy, r.schema_validity];
}

describe('levels', () => {
  it('a perfect answer passes every level', () => {
    expect(levels("I'll read it.\n<tool_use>read(file_path='package.json')</tool_use>")).toEqual([1, 1, 1, 1, 1]);
  });

  it('double quotes, spacing and a trailing comma are the same call', () => {
    expect(levels('<tool_use> read( file_path = "package.json", ) </tool_use>')).toEqual([1, 1, 1, 1, 1]);
  });

  it('no block: fails detection and everything after it', () => {
    expect(levels("read(file_path='package.json')")).toEqual([0, 0, 0, 0, 0]);
  });

  it('a block that does not parse: detected, not parsed', () => {
    expect(levels("<tool_use>read('package.json')</tool_use>")).toEqual([1, 0, 0, 0, 0]);
  });

  it('one good block and one broken block: not parsed, so no tool or param accuracy', () => {
    expect(levels("<tool_use>read(file_path='package.json')</tool_use><tool_use>oops</tool_use>")).toEqual([1, 0, 0, 0, 0]);
  });

  it('an unclosed block: detected, not parsed', () => {
    expect(levels("<tool_use>read(file_path='package.json')")).toEqual([1, 0, 0, 0, 0]);
  });

  it('right tool, wrong argument value: tool accuracy only', () => {
    expect(levels("<tool_use>read(file_path='package.jsn')</tool_use>")).toEqual([1, 1, 1, 0, 1]);
  });

  it('wrong tool: parsed, not accurate; schema validity judges the call made', () => {
    expect(levels("<tool_use>bash(command='cat package.json')</tool_use>")).toEqual([1, 1, 0, 0, 1]);
  });

  it('an unknown tool fails schema validity', () => {
    expect(levels("<tool_use>cat(file_path='package.json')</tool_use>")).toEqual([1, 1, 0, 0, 0]);
  });

  it('arguments equal to the expected ones but invalid for the schema: param accuracy passes, schema fails', () => {
    const cases = [makeCase('c1', [{ tool: 'read', params: { file_path: '' } }])];
    expect(levels("<tool_use>read(file_path='')</tool_use>", cases)).toEqual([1, 1, 1, 1, 0]);
  });

  it('two calls in the wrong order fail tool accuracy', () => {
    const cases = [makeCase('m', [read('a'), bash('npm test')])];
    expect(levels(answer('m', [bash('npm test'), read('a')]).output, cases)).toEqual([1, 1, 0, 0, 1]);
    expect(levels(answer('m', [read('a'), bash('npm test')]).output, cases)).toEqual([1, 1, 1, 1, 1]);
  });

  it('1 and 1.0 are the same number', () => {
    const cases = [makeCase('b', [bash('ls', 1000)])];
    expect(levels("<tool_use>bash(command='ls', timeout=1000.0)</tool_use>", cases)).toEqual([1, 1, 1, 1, 1]);
  });

  it('schema validity is null (not measured) without tool definitions', () => {
    expect(levels("<tool_use>read(file_path='package.json')</tool_use>", one, [])).toEqual([1, 1, 1, 1, null]);
  });

  it('an argument at its schema default is the same as leaving it out, on either side', () => {
    const bare = [makeCase('g', [{ tool: 'grep', params: { pattern: 'TODO' } }])];
    const spelled = [makeCase('g', [{ tool: 'grep', params: { pattern: 'TODO', output_mode: 'files_with_matches' } }])];
    expect(levels("<tool_use>grep(pattern='TODO', output_mode='files_with_matches')</tool_use>", bare)).toEqual([1, 1, 1, 1, 1]);
    expect(levels("<tool_use>grep(pattern='TODO')</tool_use>", spelled)).toEqual([1, 1, 1, 1, 1]);
    // Any other value is still an argument the request did not ask for.
    expect(levels("<tool_use>grep(pattern='TODO', output_mode='content')</tool_use>", bare)).toEqual([1, 1, 1, 0, 1]);
    // Without tool definitions there are no defaults to know.
    expect(levels("<tool_use>grep(pattern='TODO', output_mode='files_with_matches')</tool_use>", bare, [])).toEqual([1, 1, 1, 0, null]);
  });

  it('draft 2020-12 schemas and unknown formats are accepted', () => {
    const cases = [makeCase('g', [{ tool: 'grep', params: { pattern: 'TODO' } }])];
    expect(levels("<tool_use>grep(pattern='TODO')</tool_use>", cases)).toEqual([1, 1, 1, 1, 1]);
    expect(levels('<tool_use>grep(pattern=1)</tool_use>', cases)).toEqual([1, 1, 1, 0, 0]);
  });
});

describe('fractions over all cases', () => {
  const cases = [
    makeCase('r1', [read('a')], { category: 'file', difficulty: 'easy' }),
    makeCase('r2', [read('b')], { category: 'file', difficulty: 'easy' }),
    makeCase('b1', [bash('ls')], { difficulty: 'medium' }),
    makeCase('m1', [read('a'), bash('ls')], { category: 'multi', difficulty: 'hard' }),
  ];
  const predictions: Prediction[] = [
    answer('r1', [read('a')]),
    answer('r2', [read('WRONG')]),
    { id: 'b1', output: 'I cannot do that.' },
    // m1 has no prediction
  ];
  const report = scorePredictions(cases, predictions, TOOLS);

  it('rates are passing cases over all cases; a missing prediction fails everything', () => {
    expect(report.total).toBe(4);
    expect(report.passed).toEqual({ tool_detection: 2, tool_parsing: 2, tool_accuracy: 2, param_accuracy: 1, schema_validity: 2 });
    expect([report.tool_detection, report.tool_accuracy, report.param_accuracy]).toEqual([0.5, 0.5, 0.25]);
    expect(report.errors.missing_prediction).toBe(1);
    expect(report.failed).toBe(3);
    expect(report.failures.map((f) => f.id)).toEqual(['r2', 'b1', 'm1']);
  });

  it('breaks down per expected tool (multi-step for several calls), category and difficulty', () => {
    expect(Object.keys(report.per_tool)).toEqual(['bash', 'multi-step', 'read']);
    expect(report.per_tool.read).toEqual({ total: 2, tool_detection: 1, tool_parsing: 1, tool_accuracy: 1, param_accuracy: 0.5 });
    expect(report.per_tool['multi-step']?.total).toBe(1);
    expect(Object.keys(report.per_category)).toEqual(['file', 'multi', 'uncategorized']);
    expect(report.per_difficulty.easy?.param_accuracy).toBe(0.5);
    expect(report.per_difficulty.medium?.tool_detection).toBe(0);
  });

  it('an empty case list gives zeros, not NaN', () => {
    const empty = scorePredictions([], [], TOOLS);
    expect([empty.total, empty.tool_detection, empty.param_accuracy, empty.schema_validity]).toEqual([0, 0, 0, 0]);
  });

  it('the report is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});
