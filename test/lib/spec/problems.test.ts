// Key paths, excerpts and the problem report read the way a user needs them.
import { describe, expect, it } from 'vitest';
import { formatKeyPath, formatProblems, InvalidSpecError, renderExcerpt, type SpecProblem } from '../../../lib/spec/problems';

describe('formatKeyPath', () => {
  it.each([
    [[], '(root)'],
    [['name'], 'name'],
    [['model', 'model_name'], 'model.model_name'],
    [['remediation', 'below_threshold', 1, 'lora_r'], 'remediation.below_threshold[1].lora_r'],
    [['dataset', 'example_files', '0'], 'dataset.example_files[0]'],
    [[0, 'a'], '[0].a'],
    [['evaluation', 'thresholds', 'tool_accuracy'], 'evaluation.thresholds.tool_accuracy'],
  ] as [(string | number)[], string][])('%j -> %s', (segments, text) => {
    expect(formatKeyPath(segments)).toBe(text);
  });
});

describe('renderExcerpt', () => {
  const source = 'name: x\nmodel:\n  model_name: bad name\n';

  it('shows the line with its number and a caret under the column', () => {
    expect(renderExcerpt(source, 3, 15)).toBe('   3 |   model_name: bad name\n     |               ^');
  });

  it('handles CRLF line ends', () => {
    expect(renderExcerpt(source.replace(/\n/g, '\r\n'), 2, 1)).toBe('   2 | model:\n     | ^');
  });

  it('is undefined for a line that does not exist', () => {
    expect(renderExcerpt(source, 99, 1)).toBeUndefined();
  });

  it('cuts long lines at 120 characters and keeps the caret inside them', () => {
    const long = `description: ${'x'.repeat(300)}`;
    const excerpt = renderExcerpt(long, 1, 250) ?? '';
    const [text, caret] = excerpt.split('\n');
    expect(text).toHaveLength('   1 | '.length + 120);
    expect(text?.endsWith('...')).toBe(true);
    expect(caret?.indexOf('^')).toBe('   1 | '.length + 119);
  });
});

describe('formatProblems', () => {
  const problems: SpecProblem[] = [
    { path: 'seed', line: 9, column: 7, message: 'must be >= 0' },
    { path: 'name', line: 3, column: 7, message: 'must match ^[a-z]', excerpt: '   3 | name: X\n     |       ^' },
    { path: 'model.source', line: 5, column: 11, message: 'must be one of: "hub"' },
    { path: 'model.model_name', line: 5, column: 3, message: 'bad' },
  ];

  it('sorts by line then column and prefixes each with file:line:col', () => {
    const text = formatProblems('spec.yaml', problems);
    const heads = text.split('\n').filter((l) => /^spec\.yaml:\d/.test(l));
    expect(heads).toEqual([
      'spec.yaml:3:7  name: must match ^[a-z]',
      'spec.yaml:5:3  model.model_name: bad',
      'spec.yaml:5:11  model.source: must be one of: "hub"',
      'spec.yaml:9:7  seed: must be >= 0',
    ]);
  });

  it('starts with a count and puts each excerpt under its problem', () => {
    const lines = formatProblems('spec.yaml', problems).split('\n');
    expect(lines[0]).toBe('spec.yaml: 4 problems');
    expect(lines.slice(1, 4)).toEqual(['spec.yaml:3:7  name: must match ^[a-z]', '   3 | name: X', '     |       ^']);
    expect(formatProblems('s.yaml', [problems[0]!]).split('\n')[0]).toBe('s.yaml: 1 problem');
  });

  it('does not reorder the caller\'s array', () => {
    const copy = [...problems];
    formatProblems('spec.yaml', problems);
    expect(problems).toEqual(copy);
  });
});

describe('InvalidSpecError', () => {
  it('carries the file, every problem, and the report as its message', () => {
    const e = new InvalidSpecError('spec.yaml', [{ path: 'name', line: 1, column: 7, message: 'bad' }]);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('InvalidSpec');
    expect(e.file).toBe('spec.yaml');
    expect(e.problems).toHaveLength(1);
    expect(e.message).toBe('spec.yaml: 1 problem\nspec.yaml:1:7  name: bad');
  });
});
