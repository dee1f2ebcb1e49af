// The best-attempt ranking as a pure function: outcome first (passed beats any failure), then metrics.
import { describe, expect, it } from 'vitest';
import { beatsBest } from '../../workflows/best-attempt';
import { metrics } from '../helpers/stub-activities';

describe('beatsBest', () => {
  it('takes the first attempt with metrics, and never one without', () => {
    expect(beatsBest({ status: 'below_threshold', metrics: metrics(0.1) }, null)).toBe(true);
    expect(beatsBest({ status: 'out_of_memory' }, null)).toBe(false);
  });

  it('prefers a passing attempt over a failing one whatever the metrics say', () => {
    const failing = { status: 'below_threshold', metrics: metrics(1, { param_accuracy: 0.2 }) };
    const passing = { status: 'passed', metrics: metrics(0.96) };
    expect(beatsBest(passing, failing)).toBe(true);
    expect(beatsBest(failing, passing)).toBe(false);
    expect(beatsBest({ status: 'overfitting', metrics: metrics(1) }, passing)).toBe(false);
  });

  it('ranks within the same outcome by tool accuracy, then param accuracy, then detection; a tie keeps the earlier', () => {
    const a = { status: 'below_threshold', metrics: metrics(0.5, { tool_accuracy: 0.9 }) };
    expect(beatsBest({ status: 'overfitting', metrics: metrics(0.5, { tool_accuracy: 0.91 }) }, a)).toBe(true);
    expect(beatsBest({ status: 'below_threshold', metrics: metrics(0.5, { tool_accuracy: 0.9, param_accuracy: 0.6 }) }, a)).toBe(true);
    expect(beatsBest({ status: 'below_threshold', metrics: metrics(0.5, { tool_accuracy: 0.9, tool_detection: 0.4 }) }, a)).toBe(false);
    expect(beatsBest({ ...a }, a)).toBe(false);
  });
});
