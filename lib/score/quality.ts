// Turns a score report and thresholds into a verdict and a quality tier, as the guide's validator does.
import type { QualityAssessment, ScoreReport, Thresholds } from './types';

const METRICS = ['tool_accuracy', 'param_accuracy', 'tool_detection'] as const;

/**
 * Tiers, by the largest shortfall of the three metrics below their thresholds:
 * - 'EXCELLENT - Production Ready': every metric meets its threshold (rate >= threshold);
 * - 'GOOD - Minor improvements needed': none is more than 0.05 below its threshold;
 * - 'FAIR - More training recommended': none is more than 0.15 below;
 * - 'POOR - Significant retraining needed': otherwise.
 */
export const TIERS = [
  { maxShortfall: 0, name: 'EXCELLENT - Production Ready' },
  { maxShortfall: 0.05, name: 'GOOD - Minor improvements needed' },
  { maxShortfall: 0.15, name: 'FAIR - More training recommended' },
  { maxShortfall: Infinity, name: 'POOR - Significant retraining needed' },
] as const;

/** Absorbs rounding in subtractions such as 0.98 - 0.93 when placing a report in GOOD or FAIR. */
const EPSILON = 1e-9;

// Checks the report's rates against thresholds (fractions 0..1; a rate meets a threshold when rate >= threshold).
export function assessQuality(report: ScoreReport, thresholds: Thresholds): QualityAssessment {
  for (const m of METRICS) {
    const t = thresholds[m];
    if (typeof t !== 'number' || !(t >= 0 && t <= 1)) {
      throw new Error(`threshold ${m} must be a fraction between 0 and 1, got ${String(t)}`);
    }
  }
  const failed = METRICS.filter((m) => !(report[m] >= thresholds[m]));
  const shortfall = Object.fromEntries(METRICS.map((m) => [m, Math.max(0, thresholds[m] - report[m])])) as Record<
    keyof Thresholds,
    number
  >;
  const worst = failed.length === 0 ? 0 : Math.max(...failed.map((m) => shortfall[m]));
  const tier = failed.length === 0 ? TIERS[0] : (TIERS.slice(1).find((t) => worst <= t.maxShortfall + EPSILON) ?? TIERS[3]);
  return { passed: failed.length === 0, failed: [...failed], tier: tier.name, shortfall };
}
