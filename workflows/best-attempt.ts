// Which fine-tuning attempt is the run's best: pure ranking, shared by the workflow and its unit tests.
import type { ScoreMetrics } from '../activities/types';

// The part of an attempt record the ranking reads.
export interface RankedAttempt {
  status: string;
  metrics?: ScoreMetrics;
}

// Ranks metrics: more tool accuracy first, then parameter accuracy, then detection.
export function scoresHigher(a: ScoreMetrics, b: ScoreMetrics): boolean {
  if (a.tool_accuracy !== b.tool_accuracy) return a.tool_accuracy > b.tool_accuracy;
  if (a.param_accuracy !== b.param_accuracy) return a.param_accuracy > b.param_accuracy;
  return a.tool_detection > b.tool_detection;
}

// Whether `candidate` should replace `best`: a passing attempt always beats a failing one (a run whose
// later attempt met every threshold must not report an earlier, failing adapter); within the same
// outcome the metric ranking decides, and a tie keeps the earlier attempt.
export function beatsBest(candidate: RankedAttempt, best: RankedAttempt | null): boolean {
  if (!candidate.metrics) return false;
  if (!best?.metrics) return true;
  const passed = candidate.status === 'passed';
  const bestPassed = best.status === 'passed';
  if (passed !== bestPassed) return passed;
  return scoresHigher(candidate.metrics, best.metrics);
}
