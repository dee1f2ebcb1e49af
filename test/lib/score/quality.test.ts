// Quality verdicts against thresholds, and the plain-text report.
import { describe, expect, it } from 'vitest';
import { assessQuality, formatScoreReport, scorePredictions, type ScoreReport, type Thresholds } from '../../../lib/score';
import { answer, makeCase, read, TOOLS } from './fixtures';

const GUIDE: Thresholds = { tool_accuracy: 0.95, param_accuracy: 0.98, tool_detection: 0.97 };

function reportWith(tool_accuracy: number, param_accuracy: number, tool_detection: number): ScoreReport {
  const base = scorePredictions([], [], []);
  return { ...base, tool_accuracy, param_accuracy, tool_detection };
}

describe('assessQuality', () => {
  it('EXCELLENT when every metric meets its threshold, equality included (>=)', () => {
    expect(assessQuality(reportWith(0.95, 0.98, 0.97), GUIDE)).toEqual({
      passed: true,
      failed: [],
      tier: 'EXCELLENT - Production Ready',
      shortfall: { tool_accuracy: 0, param_accuracy: 0, tool_detection: 0 },
    });
    expect(assessQuality(reportWith(1, 1, 1), GUIDE).passed).toBe(true);
  });

  it('a rate computed as 19/20 meets 0.95 exactly', () => {
    expect(assessQuality(reportWith(19 / 20, 49 / 50, 97 / 100), GUIDE).passed).toBe(true);
  });

  it.each([
    [[0.94, 0.98, 0.97], ['tool_accuracy'], 'GOOD - Minor improvements needed'],
    [[0.9, 0.93, 0.92], ['tool_accuracy', 'param_accuracy', 'tool_detection'], 'GOOD - Minor improvements needed'],
    [[0.95, 0.929, 0.97], ['param_accuracy'], 'FAIR - More training recommended'],
    [[0.8, 0.83, 0.82], ['tool_accuracy', 'param_accuracy', 'tool_detection'], 'FAIR - More training recommended'],
    [[0.79, 0.98, 0.97], ['tool_accuracy'], 'POOR - Significant retraining needed'],
    [[0, 0, 0], ['tool_accuracy', 'param_accuracy', 'tool_detection'], 'POOR - Significant retraining needed'],
  ])('%j → fails %j, tier %s', ([ta, pa, td], failed, tier) => {
    const q = assessQuality(reportWith(ta!, pa!, td!), GUIDE);
    expect(q.passed).toBe(false);
    expect(q.failed).toEqual(failed);
    expect(q.tier).toBe(tier);
  });

  it('rejects thresholds outside 0..1 (percentages by mistake)', () => {
    expect(() => assessQuality(reportWith(1, 1, 1), { ...GUIDE, tool_accuracy: 95 })).toThrow(/tool_accuracy must be a fraction/);
    expect(() => assessQuality(reportWith(1, 1, 1), { ...GUIDE, param_accuracy: NaN })).toThrow(/param_accuracy/);
  });
});

describe('formatScoreReport', () => {
  it('prints levels, breakdowns, errors and failures as plain text', () => {
    const cases = [makeCase('ok', [read('a')], { difficulty: 'easy' }), makeCase('bad', [read('a')], { difficulty: 'hard' })];
    const predictions = [{ ...answer('ok', [read('a')]), latency_ms: 40 }, { id: 'bad', output: 'no idea', latency_ms: 60 }];
    const text = formatScoreReport(scorePredictions(cases, predictions, TOOLS));
    expect(text).toContain('Cases: 2');
    expect(text).toMatch(/Tool detection\s+1\/2\s+50\.0%/);
    expect(text).toMatch(/Schema validity\s+1\/2\s+50\.0%/);
    expect(text).toMatch(/Per difficulty/);
    expect(text).toMatch(/missing_call\s+1/);
    expect(text).toMatch(/Latency \(ms, 2 predictions\): mean 50\.0/);
    expect(text).toContain('"bad"');
    expect(text).not.toMatch(/\x1b\[/);
  });

  it('says when schema validity was not measured', () => {
    expect(formatScoreReport(scorePredictions([], [], []))).toMatch(/Schema validity\s+n\/a/);
  });
});
