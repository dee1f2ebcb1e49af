import { describe, expect, it } from 'vitest';
import { casualize, takesCanU } from '../../../lib/dataset/casual';
import { createRng } from '../../../lib/dataset/prng';

// Every casual version of `query` over 200 seeds.
function versions(query: string, values: string[] = []): string[] {
  return Array.from({ length: 200 }, (_, seed) => casualize(query, values, createRng(seed)));
}

describe('casualize', () => {
  it('opens only verb-first requests with "can u"', () => {
    for (const q of ['grep TODO in src', 'show me the logs', 'spin up a mesh swarm']) expect(takesCanU(q)).toBe(true);
    for (const q of [
      'what does cargo doc print?',
      'how many files are in src',
      'is encodeItem referenced anywhere',
      'i need a documenter agent',
      'in lib/net/limiter.json, change the cap',
      'nice work',
      'Grep TODO',
    ]) {
      expect(takesCanU(q)).toBe(false);
    }
    expect(versions('grep TODO in src').some((v) => v.startsWith('can u grep'))).toBe(true);
    for (const q of ['What does cargo doc print?', 'how can i find large files on disk', 'I want a star swarm']) {
      expect(versions(q).filter((v) => v.startsWith('can u '))).toEqual([]);
    }
  });

  it('keeps argument values as typed', () => {
    const values = ['src/Parser.ts', 'TODO'];
    for (const v of versions('Grep TODO in src/Parser.ts.', values)) {
      expect(v).toContain('src/Parser.ts');
      expect(v).toContain('TODO');
    }
  });
});
