import { describe, expect, it } from 'vitest';
import { formatInterval, formatRateInterval, rateInterval, wilsonInterval } from '../../../lib/score';

describe('wilsonInterval', () => {
  it('matches the published Wilson score interval', () => {
    // 73 of 80 (held-out 3, tool accuracy 91.2 %): 83.0-95.7 % (Wilson 1927, z = 1.96; 0 of 5 below gives the
    // textbook upper bound 0.4345).
    const [lo, hi] = wilsonInterval(73, 80) as [number, number];
    expect(lo).toBeCloseTo(0.8301, 3);
    expect(hi).toBeCloseTo(0.957, 3);
    // 49 of 80 (61.3 %): 50.3-71.2 %.
    const [lo2, hi2] = wilsonInterval(49, 80) as [number, number];
    expect(lo2).toBeCloseTo(0.5030, 3);
    expect(hi2).toBeCloseTo(0.7116, 3);
  });

  it('stays inside 0-1 and keeps a width at 0 % and 100 %', () => {
    const [lo, hi] = wilsonInterval(20, 20) as [number, number];
    expect(hi).toBe(1);
    expect(lo).toBeCloseTo(0.8389, 3);
    const [lo0, hi0] = wilsonInterval(0, 5) as [number, number];
    expect(lo0).toBe(0);
    expect(hi0).toBeCloseTo(0.4345, 3);
  });

  it('narrows as the case count grows', () => {
    const width = (k: number, n: number) => {
      const [lo, hi] = wilsonInterval(k, n) as [number, number];
      return hi - lo;
    };
    expect(width(40, 80)).toBeLessThan(width(10, 20));
    expect(width(400, 800)).toBeLessThan(width(40, 80));
  });

  it('has no interval without cases or with impossible counts', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(wilsonInterval(3, 2)).toBeNull();
    expect(rateInterval(undefined, 80)).toBeNull();
    expect(rateInterval(0.9125, undefined)).toBeNull();
    expect(formatInterval(null)).toBe('—');
    expect(formatInterval(rateInterval(0.9125, 80))).toBe('83.0-95.7');
    expect(formatRateInterval(0.9125, 80)).toBe('83.0-95.7 %');
    expect(formatRateInterval(0.9125, undefined)).toBeNull();
  });
});
