import { describe, expect, it } from 'vitest';
import { createRng, deriveRng, hashString, shuffle } from '../../../lib/dataset/prng';

describe('prng', () => {
  it('repeats for a seed and differs between seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, createRng(43))).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('derives independent streams per label', () => {
    expect(deriveRng(1, 'a')()).not.toBe(deriveRng(1, 'b')());
    expect(deriveRng(1, 'a')()).toBe(deriveRng(1, 'a')());
    expect(hashString('split:read')).toBe(hashString('split:read'));
  });

  it('shuffles into a permutation without touching the input', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const out = shuffle(items, createRng(7));
    expect([...out].sort((x, y) => x - y)).toEqual(items);
    expect(out).not.toEqual(items);
    expect(items[0]).toBe(0);
    expect(shuffle(items, createRng(7))).toEqual(out);
  });
});
