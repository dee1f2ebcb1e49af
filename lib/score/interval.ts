// How far a pass rate measured on n cases can be from the model's rate on requests like them: the 95 %
// Wilson score interval. Wilson, not the normal approximation, because it stays inside 0-1 and is not zero
// wide at 0 % or 100 %, which small case sets often score (Brown, Cai & DasGupta 2001 recommend it for small n).
const Z95 = 1.959963984540054;

// The interval [low, high] for `passed` of `total`, or null when nothing was scored.
export function wilsonInterval(passed: number, total: number, z = Z95): [number, number] | null {
  if (!(total > 0) || passed < 0 || passed > total) return null;
  const p = passed / total;
  const z2 = z * z;
  const centre = (p + z2 / (2 * total)) / (1 + z2 / total);
  const half = (z / (1 + z2 / total)) * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

// The interval of a rate reported with its case count (rate × total passed, rounded), or null.
export function rateInterval(rate: unknown, total: unknown): [number, number] | null {
  if (typeof rate !== 'number' || typeof total !== 'number' || !Number.isFinite(rate)) return null;
  return wilsonInterval(Math.round(rate * total), total);
}

// "83.0-95.7" in percent, for a table cell next to the rate; '—' when there is none.
export function formatInterval(interval: [number, number] | null): string {
  return interval ? `${(interval[0] * 100).toFixed(1)}-${(interval[1] * 100).toFixed(1)}` : '—';
}

// The interval of a rate as a report cell, "83.0-95.7 %", or null when the rate has no case count.
export function formatRateInterval(rate: unknown, total: unknown): string | null {
  const interval = rateInterval(rate, total);
  return interval ? `${formatInterval(interval)} %` : null;
}

// What the interval columns mean, under the tables of report.md and report.html that show them.
export const INTERVAL_NOTE =
  '95 % interval: the Wilson score interval of the fine-tuned figure, the true pass rates its number of cases is consistent with; runs that differ by less than its width cannot be told apart on this set.';
