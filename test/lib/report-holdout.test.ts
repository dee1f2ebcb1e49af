// report.md: the held-out table and the detection split (recall, precision, false calls) appear when the
// summary has them, and stay out when it does not.
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../activities/report';

const m = (tool: number, detection?: object) => ({
  total: 10, tool_detection: 1, tool_parsing: 1, tool_accuracy: tool, param_accuracy: tool / 2, schema_validity: 1, ...(detection ? { detection } : {}),
});

describe('report.md', () => {
  it('shows the held-out requests next to val and the detection split with false calls', () => {
    const text = renderReport({
      spec: 'demo', model: 'm', status: 'passed',
      metrics: {
        baseline: m(0.1), finetuned: m(0.9),
        baseline_holdout: m(0.2, { tool_cases: 60, no_tool_cases: 8, recall: 0.5, precision: 0.8, false_calls: 6, false_call_rate: 0.75 }),
        finetuned_holdout: { ...m(0.85, { tool_cases: 60, no_tool_cases: 8, recall: 1, precision: 1, false_calls: 0, false_call_rate: 0 }), total: 68 },
      },
      attempts: [], stages: [],
    });
    expect(text).toContain('## Held-out requests (68 cases no dataset stage reads)');
    expect(text).toContain('| Tool accuracy | 20.0 % | 85.0 % | 75.0-91.8 % |');
    // Val: 9 of 10 passed; the interval sits between the fine-tuned figure and the change.
    expect(text).toContain('| Tool accuracy | — | 10.0 % | 90.0 % | 59.6-98.2 % | +80.0 pts |');
    expect(text).toContain('95 % interval: the Wilson score interval');
    expect(text).toContain('| Held-out, baseline | 50.0 % | 80.0 % | 6 / 8 | 75.0 % |');
    expect(text).toContain('| Held-out, fine-tuned | 100.0 % | 100.0 % | 0 / 8 | 0.0 % |');
  });

  it('leaves both sections out for a summary without them', () => {
    const text = renderReport({ spec: 'demo', metrics: { baseline: m(0.1), finetuned: m(0.9) }, attempts: [], stages: [] });
    expect(text).not.toContain('Held-out');
    expect(text).not.toContain('Detection: recall');
  });
});
