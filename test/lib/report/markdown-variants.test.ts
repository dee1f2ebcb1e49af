// report.md's "Quantized variants" section: each validated variant once (whatever engines timed it), its
// held-out figures under the grammar, the verdict and the recommended variant, then the benchmark's rows.
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../activities/report';
import { renderVariantsMarkdown } from '../../../lib/report';

const detection = (falseCalls: number) => ({ tool_cases: 68, no_tool_cases: 12, recall: 1, precision: 0.98, false_calls: falseCalls, false_call_rate: falseCalls / 12 });

const SUMMARY = {
  validation: {
    recommended: 'int8', reason: 'int8 is the smallest variant that keeps the accuracy',
    variants: [
      { format: 'int8', kept: true, reasons: [], metrics: { val: { tool_accuracy: 0.917, param_accuracy: 0.722 }, 'val-constrained': { tool_accuracy: 0.917, param_accuracy: 0.722 }, 'holdout-constrained': { tool_accuracy: 0.9125, param_accuracy: 0.6125, detection: detection(1) } } },
      { format: 'int4', kept: false, reasons: ['val: tool_accuracy 86.1 % is not above 90.0 %'], metrics: { val: { tool_accuracy: 0.861, param_accuracy: 0.611 }, holdout: { tool_accuracy: 0.85, param_accuracy: 0.5, detection: detection(4) } } },
    ],
  },
  benchmark: {
    markdown_path: '/runs/r/benchmark/benchmark.md',
    tables: [{ host: { hostname: 'h', cpu_model: 'c', threads: 2 }, rows: [
      { engine: 'pytorch', variant: 'fp32', decode_tokens_per_s: 23.4, decode_speedup: 1, latency_ms_p50: 2071 },
      { engine: 'ort-genai', variant: 'int8', decode_tokens_per_s: 189.8, decode_speedup: 8.1, latency_ms_p50: 277.6 },
      { engine: 'ts-engine', variant: 'int8', decode_tokens_per_s: 150, decode_speedup: 6.4, engine_speedup: 2.5, latency_ms_p50: 341.9 },
    ] }],
  },
};

describe('report.md quantized variants', () => {
  it('lists each validated variant once with its held-out figures and verdict, the recommendation and the benchmark', () => {
    const text = renderVariantsMarkdown(SUMMARY).join('\n');
    expect(text).toContain('| int8 | 91.7 % / 72.2 % | 91.7 % / 72.2 % | 91.3 / 61.3 %, 1 of 12 no-tool called (grammar) | kept |');
    expect(text).toContain('| int4 | 86.1 % / 61.1 % | — | 85.0 / 50.0 %, 4 of 12 no-tool called (free) | rejected: val: tool_accuracy 86.1 % is not above 90.0 % |');
    expect(text.match(/^\| int8 \|/gm)).toHaveLength(1); // two engines timed int8; the validation table still has one row
    expect(text).toContain('Recommended: **int8** (int8 is the smallest variant that keeps the accuracy)');
    expect(text).toContain('| ts-engine | int8 | 150.0 | 2.50x | 6.40x | 342 ms |');
    expect(text).toContain('| ort-genai | int8 | 189.8 | — | 8.10x | 278 ms |'); // no ort-genai fp32 row timed here
    expect(text).toContain('/runs/r/benchmark/benchmark.md');
    // Without a PyTorch row (benchmark.pytorch: false) the table has no PyTorch column.
    const rows = SUMMARY.benchmark.tables[0]!.rows.slice(1).map((r) => ({ ...r, decode_speedup: null }));
    const noTorch = renderVariantsMarkdown({ ...SUMMARY, benchmark: { ...SUMMARY.benchmark, tables: [{ ...SUMMARY.benchmark.tables[0]!, rows }] } }).join('\n');
    expect(noTorch).toContain('| Engine | Variant | Decode tokens/s | Against its fp32 | Latency p50 |');
    expect(noTorch).toContain('| ts-engine | int8 | 150.0 | 2.50x | 342 ms |');
    // Each engine's quantized speed against its own fp32, weighed with the guide's 2.67x / 3.67x.
    expect(text).toContain("Against the guide's claims (quantized against the unquantized model in the same engine): ts-engine INT8 2.50x (under 2.67x).");
    const fast = { ...SUMMARY, benchmark: { tables: [{ host: { hostname: 'h', cpu_model: 'c', threads: 2 }, rows: [
      { engine: 'ort-genai', variant: 'int8', decode_tokens_per_s: 200, engine_speedup: 2.7, latency_ms_p50: 200 },
      { engine: 'ort-genai', variant: 'int4', decode_tokens_per_s: 250, engine_speedup: 3.6, latency_ms_p50: 150 },
      { engine: 'ts-engine+grammar', variant: 'int4', decode_tokens_per_s: 240, engine_speedup: 3.5, latency_ms_p50: 160 },
    ] }] } };
    expect(renderVariantsMarkdown(fast).join('\n')).toContain('ort-genai INT8 2.70x (meets 2.67x), INT4 3.60x (under 3.67x).');
  });

  it('says when no variant is recommended, and is left out of a run that validated and timed nothing', () => {
    const none = { validation: { recommended: null, reason: 'no variant passes: int4 (val: tool_accuracy 20.0 % is not above 90.0 %)', variants: [SUMMARY.validation.variants[1]] } };
    expect(renderVariantsMarkdown(none).join('\n')).toContain('No variant recommended: no variant passes: int4');
    expect(renderReport({ spec: 'tiny', attempts: [], stages: [] })).not.toContain('Quantized variants');
  });

  it('says the grammar figures were not measured for a variant whose pass under the grammar was skipped', async () => {
    const int4 = { format: 'int4', kept: false, reasons: ['val: param_accuracy fell 11.1 %'], constrained_skipped: 'not run: ...', metrics: { val: { tool_accuracy: 0.889, param_accuracy: 0.556 } } };
    const skipped = { validation: { recommended: null, reason: 'no variant passes', variants: [int4] } };
    expect(renderVariantsMarkdown(skipped).join('\n')).toContain('| int4 | 88.9 % / 55.6 % | not run: rejected on val | not run: rejected on val | rejected: val: param_accuracy fell 11.1 % |');
    // A variant whose grammar pass was simply off (validate_constrained: false) keeps the plain dash.
    const { constrained_skipped: _, ...off } = int4;
    expect(renderVariantsMarkdown({ validation: { ...skipped.validation, variants: [off] } }).join('\n')).toContain('| int4 | 88.9 % / 55.6 % | — | — |');
  });
});
