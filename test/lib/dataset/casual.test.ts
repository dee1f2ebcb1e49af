import { describe, expect, it } from 'vitest';
import { casualize } from '../../../lib/dataset/casual';
import { createRng } from '../../../lib/dataset/prng';

describe('casualize', () => {
  it('keeps argument values as typed while it adds fillers, drops case and swaps letters', () => {
    const values = ['src/Parser.ts', 'TODO'];
    const out = Array.from({ length: 200 }, (_, seed) => casualize('Grep TODO in src/Parser.ts.', values, createRng(seed)));
    for (const v of out) {
      expect(v).toContain('src/Parser.ts');
      expect(v).toContain('TODO');
    }
    expect(new Set(out).size).toBeGreaterThan(20);
    expect(out.some((v) => v.startsWith('grep') || / grep /.test(v))).toBe(true);
  });

  it('leaves a request that ends in a value its last character', () => {
    for (let seed = 0; seed < 50; seed++) expect(casualize('Run go build ./cmd/...', ['go build ./cmd/...'], createRng(seed))).toContain('go build ./cmd/...');
    expect(casualize('Read the file.', [], createRng(1))).not.toMatch(/\.$/);
  });
});
