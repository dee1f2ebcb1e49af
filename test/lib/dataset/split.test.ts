import { describe, expect, it } from 'vitest';
import { splitExamples } from '../../../lib/dataset/split';
import type { Example } from '../../../lib/dataset/types';

function pool(): Example[] {
  const out: Example[] = [];
  for (const category of ['read', 'bash', 'glob']) {
    for (let b = 0; b < 10; b++) {
      for (let v = 0; v <= b % 3; v++) {
        out.push({
          id: `${category}-${b}-${v}`, base_id: `${category}-${b}`, category, difficulty: 'easy',
          query: `${category} ${b} ${v}`, reply: '', calls: [], source: v === 0 ? 'base' : 'augmented',
        });
      }
    }
  }
  return out;
}

describe('splitExamples', () => {
  it('is stratified by category and close to the fraction', () => {
    const { train, val } = splitExamples(pool(), 0.2, 42);
    for (const category of ['read', 'bash', 'glob']) {
      const n = pool().filter((e) => e.category === category).length;
      const v = val.filter((e) => e.category === category).length;
      expect(Math.abs(v - n * 0.2), category).toBeLessThanOrEqual(1);
    }
    expect(train.length + val.length).toBe(pool().length);
  });

  it('keeps each base_id group on one side, in pool order, the same for the same seed', () => {
    const { train, val } = splitExamples(pool(), 0.3, 5);
    const trainBases = new Set(train.map((e) => e.base_id));
    expect(val.some((e) => trainBases.has(e.base_id))).toBe(false);
    const order = pool().map((e) => e.id);
    expect(train.map((e) => e.id)).toEqual(order.filter((id) => train.some((e) => e.id === id)));
    expect(splitExamples(pool(), 0.3, 5)).toEqual({ train, val });
    expect(splitExamples(pool(), 0.3, 6).val).not.toEqual(val);
  });

  it('leaves a category with one group in train and keeps a train group in every category', () => {
    const one: Example[] = pool().filter((e) => e.base_id === 'read-2');
    expect(splitExamples(one, 0.5, 1).val).toEqual([]);
    const two = pool().filter((e) => e.base_id === 'read-1' || e.base_id === 'read-2');
    const split = splitExamples(two, 0.9, 1);
    expect(split.train.length).toBeGreaterThan(0);
    expect(split.val.length).toBeGreaterThan(0);
  });
});
