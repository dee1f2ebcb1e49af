// Safe YAML reading: size cap, duplicate keys at their own line, alias bombs, non-mapping roots, syntax errors, locate().
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { locate, MAX_SPEC_BYTES, parseSpecYaml, type ParsedYaml } from '../../../lib/spec/parse-yaml';
import type { SpecProblem } from '../../../lib/spec/problems';

// The problems of text that must not parse.
function problemsOf(source: string): SpecProblem[] {
  const result = parseSpecYaml(source);
  if (result.ok) throw new Error('expected a parse failure');
  return result.problems;
}

// The parsed form of text that must parse.
function parsed(source: string): ParsedYaml {
  const result = parseSpecYaml(source);
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('; '));
  return result.parsed;
}

const where = (problems: SpecProblem[]) => problems.map((p) => `${p.path} @ ${p.line}:${p.column}`);

describe('parseSpecYaml', () => {
  it('returns the plain value of a mapping', () => {
    expect(parsed('name: a\nmodel: { model_name: m }\n').value).toEqual({ name: 'a', model: { model_name: 'm' } });
  });

  describe('size cap', () => {
    it('accepts a spec of exactly the limit and refuses one byte more', () => {
      const at = (bytes: number) => `name: a\n#${'x'.repeat(bytes - 10)}\n`;
      expect(Buffer.byteLength(at(MAX_SPEC_BYTES))).toBe(MAX_SPEC_BYTES);
      expect(parseSpecYaml(at(MAX_SPEC_BYTES)).ok).toBe(true);
      expect(where(problemsOf(at(MAX_SPEC_BYTES + 1)))).toEqual(['(file) @ 1:1']);
    });

    it('counts bytes, not characters', () => {
      const text = `description: ${'€'.repeat(100_000)}\n`;
      expect(text.length).toBeLessThan(MAX_SPEC_BYTES);
      expect(problemsOf(text)[0]?.message).toMatch(/spec is \d+ bytes; the limit is 262144/);
    });
  });

  describe('duplicate keys', () => {
    it('reports each duplicate at its own line with its full key path', () => {
      const text = ['name: a', 'model:', '  model_name: m', '  source: hub', '  source: tiny', 'name: b', ''].join('\n');
      expect(where(problemsOf(text))).toEqual(['model.source @ 5:3', 'name @ 6:1']);
    });

    it('finds duplicates inside list items', () => {
      const text = ['quantization:', '  formats:', '    - format: int8', '      format: int4', ''].join('\n');
      const [problem] = problemsOf(text);
      expect(problem).toMatchObject({ path: 'quantization.formats[0].format', line: 4, column: 7 });
      expect(problem?.excerpt).toBe('   4 |       format: int4\n     |       ^');
    });

    it('reports a key written three times twice', () => {
      expect(where(problemsOf('a: 1\na: 2\na: 3\n'))).toEqual(['a @ 2:1', 'a @ 3:1']);
    });
  });

  describe('aliases', () => {
    const bomb = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 9; i++) {
      const [prev, cur] = [String.fromCharCode(96 + i), String.fromCharCode(97 + i)];
      bomb.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }

    it('refuses a billion-laughs document quickly, at its first alias, without a stack trace', () => {
      const start = performance.now();
      const problems = problemsOf(bomb.join('\n'));
      expect(performance.now() - start).toBeLessThan(1000);
      expect(where(problems)).toEqual(['(yaml) @ 2:8']);
      expect(problems[0]?.message).toMatch(/^cannot expand the document: .*alias/i);
      expect(problems[0]?.message).not.toMatch(/\n\s+at /);
      expect(problems[0]?.excerpt).toContain('b: &b [*a');
    });

    it('accepts a few ordinary aliases', () => {
      const value = parsed('lr: &lr 5.0e-5\ntraining: { learning_rate: *lr }\n').value as { training: { learning_rate: number } };
      expect(value.training.learning_rate).toBe(5e-5);
    });

    it('points at an alias whose anchor is not defined', () => {
      expect(where(problemsOf('name: a\ntraining:\n  learning_rate: *lr\n'))).toEqual(['(yaml) @ 3:18']);
    });
  });

  describe('the root must be a mapping', () => {
    it.each([
      ['a list', '# a comment\n- name: a\n', 2],
      ['a scalar', 'specs/examples/tiny.yaml\n', 1],
      ['null', '~\n', 1],
      ['an empty file', '', 1],
      ['only comments', '# nothing here\n# at all\n', 1],
    ])('refuses %s', (_label, text, line) => {
      const problems = problemsOf(text);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ path: '(root)', line, column: 1 });
      expect(problems[0]?.message).toMatch(/must be a mapping/);
    });
  });

  describe('YAML syntax errors carry their line and column', () => {
    it.each([
      ['a tab used to indent', 'name: a\nmodel:\n\tmodel_name: m\n', 3],
      ['an unclosed flow mapping', 'name: a\nmodel: { model_name: m\nlora: {}\n', 3],
      ['a second document', 'name: a\n---\nname: b\n', 2],
      ['": " inside a plain value', 'name: a\ndescription: Phi-4: LoRA\n', 2],
    ])('%s', (_label, text, line) => {
      const problems = problemsOf(text);
      expect(problems.length).toBeGreaterThan(0);
      expect(problems[0]).toMatchObject({ path: '(yaml)', line });
      for (const p of problems) {
        expect(p.column).toBeGreaterThanOrEqual(1);
        expect(p.excerpt).toContain(`${p.line} | `);
        expect(p.message).not.toContain('\n');
      }
    });

    it('reports an unclosed quote where the parser notices it: the end of the input', () => {
      expect(where(problemsOf('name: a\ndescription: "never closed\nmodel: {}\n'))).toEqual(['(yaml) @ 4:1']);
    });

    it('says a second document is not allowed in words a user understands', () => {
      expect(problemsOf('name: a\n---\nname: b\n')[0]?.message).not.toMatch(/parseAllDocuments/);
    });

    it('does not throw on deeply nested input', () => {
      expect(() => parseSpecYaml(`name: a\nmodel: ${'['.repeat(5000)}${']'.repeat(5000)}\n`)).not.toThrow();
      expect(parseSpecYaml(`name: a\nmodel: ${'['.repeat(5000)}${']'.repeat(5000)}\n`).ok).toBe(false);
    });
  });
});

describe('locate', () => {
  const doc = parsed(['name: a', 'model:', '  model_name: m', 'remediation:', '  below_threshold:', '    - num_train_epochs: 10', '    - lora_r: 64', ''].join('\n'));

  it('finds a value by key path', () => {
    expect(locate(doc, ['model', 'model_name'])).toEqual({ line: 3, column: 15 });
    expect(locate(doc, ['remediation', 'below_threshold', '1', 'lora_r'])).toEqual({ line: 7, column: 15 });
  });

  it('finds the key itself when asked', () => {
    expect(locate(doc, ['model', 'model_name'], true)).toEqual({ line: 3, column: 3 });
    expect(locate(doc, ['model'], true)).toEqual({ line: 2, column: 1 });
  });

  it('falls back to the nearest parent for a key that is not there', () => {
    expect(locate(doc, ['model', 'source'])).toEqual({ line: 3, column: 3 });
    expect(locate(doc, ['remediation', 'below_threshold', 5])).toEqual({ line: 6, column: 5 });
    expect(locate(doc, [])).toEqual({ line: 1, column: 1 });
  });
});
