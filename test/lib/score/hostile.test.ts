// Hostile model outputs (huge, deeply nested, unclosed, many blocks) score as failures without throwing.
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { scorePredictions } from '../../../lib/score';
import { makeCase, read, TOOLS } from './fixtures';

const MB = 1 << 20;

describe('hostile outputs', () => {
  const outputs: [string, string][] = [
    ['2 MiB of text', 'x'.repeat(2 * MB)],
    ['1 MiB of [ inside a block', `<tool_use>read(file_path=${'['.repeat(MB)}</tool_use>`],
    ['<tool_use> × 100k', '<tool_use>'.repeat(100_000)],
    ['10k closed blocks', "<tool_use>read(file_path='a')</tool_use>".repeat(10_000)],
    ['unterminated 1 MiB quote', `<tool_use>read(file_path='${'a'.repeat(MB)}`],
    ['a call with 100k arguments', `<tool_use>read(${Array.from({ length: 100_000 }, (_, i) => `a${i}=${i}`).join(', ')})</tool_use>`],
    ['lone surrogates', '<tool_use>read(file_path=\'\ud800\udc00\udc00\')</tool_use>\ud800'],
    ['code that must not run', "<tool_use>read(file_path=__import__('os').system('touch /tmp/pwned'))</tool_use>"],
    ['a valid call after 1 MiB', `${' '.repeat(MB)}<tool_use>read(file_path='a')</tool_use>`],
    ['a deeply nested valid value', `<tool_use>read(file_path=${'['.repeat(32)}${']'.repeat(32)})</tool_use>`],
  ];

  it.each(outputs)('%s: fails the case without throwing, quickly', (name, output) => {
    const t0 = performance.now();
    const report = scorePredictions([makeCase('c', [read('a')])], [{ id: 'c', output }], TOOLS);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(report.param_accuracy).toBe(0);
    expect(report.schema_validity).toBe(name === 'lone surrogates' ? 1 : 0); // a valid (if odd) read call
    expect(report.failures).toHaveLength(1);
    expect(JSON.stringify(report).length).toBeLessThan(20_000);
  });

  it('the first 64 of 10k correct blocks are read, and the case fails on the extra calls and the limit', () => {
    const output = "<tool_use>read(file_path='a')</tool_use>".repeat(10_000);
    const report = scorePredictions([makeCase('c', [read('a')])], [{ id: 'c', output }], TOOLS);
    expect(report.errors).toMatchObject({ extra_call: 63, parse_error: 1 });
    expect(report.tool_detection).toBe(1);
  });
});
