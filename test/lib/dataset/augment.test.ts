import { describe, expect, it } from 'vitest';
import { loadBuiltinTools } from '../../../lib/tools/load-tools';
import { createParamsChecker } from '../../../lib/tools/validate-params';
import { augmentExamples } from '../../../lib/dataset/augment';
import { BASE_EXAMPLES } from '../../../lib/dataset/base-examples';
import { normalizeQuery } from '../../../lib/dataset/canonical';
import { paraphraseQuery } from '../../../lib/dataset/paraphrase';
import { applySubstitutions, findSlots } from '../../../lib/dataset/substitute';
import type { BaseExample } from '../../../lib/dataset/types';

const check = createParamsChecker(loadBuiltinTools());
const byId = (id: string): BaseExample => {
  const b = BASE_EXAMPLES.find((x) => x.id === id);
  if (b === undefined) throw new Error(id);
  return b;
};

describe('paraphraseQuery', () => {
  it('rephrases a read request with other verbs and questions', () => {
    const out = paraphraseQuery('Read the package.json file', 'read');
    expect(out).toEqual(
      expect.arrayContaining([
        'Show me the package.json file',
        'Display the package.json file',
        'Open the package.json file',
        "What's in the package.json file?",
        'Could you read the package.json file?',
        'Please show me the package.json file',
      ]),
    );
    expect(out).not.toContain('Read the package.json file');
  });

  it('keeps question frames for short objects only, and never wraps a question', () => {
    const long = paraphraseQuery('Read the first 40 lines of src/server/app.ts', 'read');
    expect(long.some((q) => q.startsWith("What's in"))).toBe(false);
    expect(paraphraseQuery('Which files mention lodash?', 'grep')).toEqual(['What files mention lodash?']);
  });

  it('uses the frames of the tool of the first call', () => {
    expect(paraphraseQuery('Find all Python files', 'glob')).toContain('List all Python files');
    expect(paraphraseQuery('Find all FIXME comments', 'grep')).toContain('Search for all FIXME comments');
    expect(paraphraseQuery('Spawn a coder agent named x', 'agent_spawn')).toContain('Launch a coder agent named x');
  });
});

describe('substitutions', () => {
  it('change the request, the reply and the arguments together', () => {
    const base = byId('read-01');
    const slot = findSlots(base).find((s) => s.from === 'package.json');
    const option = slot?.options.find((o) => o[0]?.to === 'tsconfig.json');
    expect(option).toBeDefined();
    const out = applySubstitutions(base, option ?? []);
    expect(out.query).toBe('Read the tsconfig.json file');
    expect(out.reply).toBe("I'll read the tsconfig.json file.");
    expect(out.calls).toEqual([{ tool: 'read', params: { file_path: 'tsconfig.json' } }]);
  });

  it('swap a language name and its glob extension as a pair, and numbers in values and strings', () => {
    const glob = findSlots(byId('glob-01')).find((s) => s.kind === 'language');
    const rust = glob?.options.find((o) => o[0]?.to === 'Rust') ?? [];
    expect(applySubstitutions(byId('glob-01'), rust).calls[0]?.params).toEqual({ pattern: '**/*.rs' });
    const port = findSlots(byId('bash-09')).find((s) => s.kind === 'number');
    const swapped = applySubstitutions(byId('bash-09'), port?.options[0] ?? []);
    expect(swapped.query).toMatch(/port \d+$/);
    expect(swapped.calls[0]?.params.command).toBe(`lsof -i :${swapped.query.split(' ').pop() ?? ''}`);
  });

  it('fix the article before a swapped word', () => {
    const slot = findSlots(byId('flow-02')).find((s) => s.from === 'coder');
    const option = slot?.options.find((o) => o[0]?.to === 'analyst') ?? [];
    expect(applySubstitutions(byId('flow-02'), option).query).toBe('Spawn an analyst agent named api-builder');
  });

  it('are consistent for every slot of every base example', () => {
    for (const base of BASE_EXAMPLES) {
      for (const slot of findSlots(base)) {
        for (const option of slot.options) {
          const out = applySubstitutions(base, option);
          const params = JSON.stringify(out.calls);
          const first = option[0];
          if (first === undefined) throw new Error('empty option');
          expect(out.query, `${base.id} ${first.from}→${first.to}`).toContain(first.to);
          expect(out.query).not.toBe(base.query);
          expect(params, `${base.id} ${first.from}→${first.to}`).not.toBe(JSON.stringify(base.calls));
          const inParams = (to: string): boolean =>
            params.includes(to) || out.calls.some((c) => Object.values(c.params).includes(Number(to)));
          expect(option.some((sub) => inParams(sub.to))).toBe(true);
          for (const sub of option) expect(inParams(sub.to) || out.query.includes(sub.to)).toBe(true);
        }
      }
    }
  });
});

describe('augmentExamples', () => {
  const run = (seed: number, count = 40) =>
    augmentExamples(BASE_EXAMPLES, {
      count,
      seed,
      takenQueries: new Set(BASE_EXAMPLES.map((b) => normalizeQuery(b.query))),
      forbiddenCalls: new Set(),
      checkParams: check,
    });

  it('makes the count asked for: unique, valid, deterministic variants that remember their base', () => {
    const out = run(42);
    expect(out).toHaveLength(40);
    expect(run(42)).toEqual(out);
    expect(run(7)).not.toEqual(out);
    const queries = new Set([...BASE_EXAMPLES.map((b) => normalizeQuery(b.query)), ...out.map((e) => normalizeQuery(e.query))]);
    expect(queries.size).toBe(BASE_EXAMPLES.length + 40);
    for (const ex of out) {
      const base = byId(ex.base_id);
      expect(ex.id.startsWith(`${base.id}-aug-`)).toBe(true);
      expect(ex.category).toBe(base.category);
      expect(ex.source).toBe('augmented');
      for (const call of ex.calls) expect(check(call)).toEqual([]);
    }
  });

  it('spreads variants over the base examples', () => {
    const perBase = new Map<string, number>();
    for (const ex of run(42, BASE_EXAMPLES.length * 2)) perBase.set(ex.base_id, (perBase.get(ex.base_id) ?? 0) + 1);
    // The no-tool examples have no variants, so the others share their part: at most one extra each.
    expect(Math.max(...perBase.values())).toBeLessThanOrEqual(3);
  });

  it('never makes a variant with forbidden calls', () => {
    const forbidden = new Set([JSON.stringify([['read', { file_path: 'tsconfig.json' }]])]);
    const out = augmentExamples(BASE_EXAMPLES, { count: 400, seed: 1, takenQueries: new Set(), forbiddenCalls: forbidden, checkParams: check });
    expect(out.some((e) => e.calls[0]?.params.file_path === 'tsconfig.json' && e.calls.length === 1)).toBe(false);
    expect(out.length).toBeGreaterThan(300);
  });
});
