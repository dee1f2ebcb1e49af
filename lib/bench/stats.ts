// Small statistics the benchmark reports.

// Linear-interpolated percentile (q in 0..100) of a non-empty list, as the Python half computes it.
export function percentile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const k = ((s.length - 1) * q) / 100;
  const lo = Math.floor(k);
  const hi = Math.min(lo + 1, s.length - 1);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (k - lo);
}
