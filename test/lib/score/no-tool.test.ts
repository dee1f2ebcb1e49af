// No-tool cases (expected: []): a plain-text answer is right, any call is a false call; detection is
// reported as recall, precision and false-call rate besides the all-or-nothing level.
import { describe, expect, it } from 'vitest';
import { formatScoreReport, scorePredictions } from '../../../lib/score';
import { makeCase, read, TOOLS } from './fixtures';

const cases = [makeCase('t1', [read('a.txt')]), makeCase('t2', [read('b.txt')]), makeCase('n1', []), makeCase('n2', [])];
const call = (f: string) => `<tool_use>read(file_path='${f}')</tool_use>`;

describe('no-tool cases', () => {
  it('a plain answer passes every level, schema validity included', () => {
    const r = scorePredictions([makeCase('n1', [])], [{ id: 'n1', output: 'A mutex has one owner.' }], TOOLS);
    expect([r.tool_detection, r.tool_parsing, r.tool_accuracy, r.param_accuracy, r.schema_validity]).toEqual([1, 1, 1, 1, 1]);
    expect(r.per_tool).toHaveProperty('no-tool');
    expect(r.detection).toEqual({ tool_cases: 0, no_tool_cases: 1, recall: null, precision: null, false_calls: 0, false_call_rate: 0 });
  });

  it('a call where none fits fails every level and counts as a false call', () => {
    const r = scorePredictions([makeCase('n1', [])], [{ id: 'n1', output: call('x') }], TOOLS);
    expect([r.tool_detection, r.tool_accuracy, r.param_accuracy, r.schema_validity]).toEqual([0, 0, 0, 0]);
    expect(r.errors.false_call).toBe(1);
    expect(r.failures[0]?.reasons[0]).toMatch(/^false_call/);
    expect(r.detection.false_call_rate).toBe(1);
  });

  it('recall, precision and false-call rate are counted apart', () => {
    const r = scorePredictions(cases, [
      { id: 't1', output: call('a.txt') },
      { id: 't2', output: 'no call' },
      { id: 'n1', output: call('zzz') },
      { id: 'n2', output: 'plain text' },
    ], TOOLS);
    expect(r.detection).toEqual({ tool_cases: 2, no_tool_cases: 2, recall: 0.5, precision: 0.5, false_calls: 1, false_call_rate: 0.5 });
    expect(r.tool_detection).toBe(0.5); // t1 and n2 decided right
    expect(formatScoreReport(r)).toContain('Detection: recall 50.0% (2 tool cases), precision 50.0%, false calls 1/2 no-tool cases (50.0%)');
  });

  it('call validity: of the outputs that call, those that parse and fit their schemas, right or wrong call', () => {
    const r = scorePredictions(cases, [
      { id: 't1', output: call('a.txt') },
      { id: 't2', output: "<tool_use>read(file_path='b.txt', colour='red')</tool_use>" },
      { id: 'n1', output: call('zzz') },
      { id: 'n2', output: '<tool_use>read(file_path=</tool_use>' },
    ], TOOLS);
    expect(r.call_validity).toEqual({ outputs_with_calls: 4, valid: 2, rate: 0.5 });
    expect(formatScoreReport(r)).toMatch(/Calls valid\s+2\/4\s+50\.0%/);
    expect(scorePredictions([makeCase('n1', [])], [{ id: 'n1', output: 'plain' }], TOOLS).call_validity).toEqual({ outputs_with_calls: 0, valid: 0, rate: null });
  });

  it('a missing prediction on a no-tool case fails it without counting a false call', () => {
    const r = scorePredictions([makeCase('n1', [])], [], TOOLS);
    expect(r.tool_detection).toBe(0);
    expect(r.detection.false_calls).toBe(0);
    expect(r.errors.missing_prediction).toBe(1);
  });
});
