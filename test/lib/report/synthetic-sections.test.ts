// The sections other stages feed (held-out set, exported and quantized variants, benchmark, costs per
// token) appear when the summary carries them and are left out cleanly when it does not.
import { describe, expect, it } from 'vitest';
import { renderHtmlReport, type RunData } from '../../../lib/report';
import { collectVariants } from '../../../lib/report/variants';
import { marksOf, sectionIds, sectionOf } from './svg-helpers';

const MACHINE = { hostname: 'bench-host', cpu_model: 'Bench CPU 9000', cpu_threads: 16, device: 'cpu' };
const metrics = (tool: number) => ({ total: 60, tool_detection: 1, tool_parsing: 0.95, tool_accuracy: tool, param_accuracy: tool - 0.2, schema_validity: 0.9, detection_precision: 0.98 });

// A summary with every optional section the export, validate-quantized, benchmark and held-out stages add.
function fullData(): RunData {
  return {
    runDir: '/nowhere/run', spec: { costs: { cpu_price_per_hour: 0.5, api_price_per_million_tokens: 10 } }, curves: [], scores: [],
    summary: {
      workflowId: 'synthetic-1', status: 'passed', spec: 'synthetic', model: 'm', bestAttempt: 1,
      stages: [{ name: 'finetune', status: 'completed', attempts: 1, durationMs: 720_000 }, { name: 'benchmark', status: 'completed', attempts: 1, durationMs: 180_000 }],
      preflight: { device: 'cpu' },
      metrics: { baseline: metrics(0.1), finetuned: metrics(0.9), baseline_holdout: metrics(0.05), finetuned_holdout: metrics(0.8) },
      thresholds: { tool_accuracy: 0.95 },
      artifacts: {
        merged: { path: '/nowhere/run/merged', bytes: 1_100_000_000 },
        onnx: {
          fp32: { path: 'x', bytes: 1_140_000_000, ratio_to_fp32: 1, exporter: 'onnxruntime-genai builder', settings: {}, tokens_equal: true, max_logit_diff: 0.0004, top1_agreement: null },
          int4: { path: 'y', bytes: 235_000_000, ratio_to_fp32: 0.206, exporter: 'onnxruntime-genai builder', settings: { block_size: 32 }, tokens_equal: null, max_logit_diff: null, top1_agreement: 0.875 },
        },
      },
      validation: {
        recommended: 'fp32', reason: 'fp32 is the smallest variant that keeps the accuracy', summary_path: 'v.json',
        variants: [
          { format: 'fp32', kept: true, reasons: [], bytes_on_disk: 1_140_000_000, tool_accuracy_drop: 0, max_accuracy_drop: 0.01, metrics: { val: { tool_accuracy: 0.9, param_accuracy: 0.7 } }, mean_latency_ms: 400 },
          { format: 'int4', kept: false, reasons: ['val: tool accuracy 80.0 % below 90 %'], bytes_on_disk: 235_000_000, tool_accuracy_drop: 0.1, max_accuracy_drop: 0.03, metrics: { val: { tool_accuracy: 0.8, param_accuracy: 0.6, call_validity: { outputs_with_calls: 10, valid: 5, rate: 0.5 } }, 'val-constrained': { tool_accuracy: 0.85, param_accuracy: 0.65, call_validity: { outputs_with_calls: 9, valid: 9, rate: 1 } }, 'holdout-constrained': { tool_accuracy: 0.75, param_accuracy: 0.5, detection: { no_tool_cases: 8, false_calls: 2 }, call_validity: { outputs_with_calls: 11, valid: 11, rate: 1 } } }, mean_latency_ms: 130 },
        ],
      },
      benchmark: {
        markdown_path: 'b.md',
        tables: [{
          host: { hostname: MACHINE.hostname, cpu_model: MACHINE.cpu_model, logical_cpus: 16, threads: 16 }, read_bandwidth_bytes_per_s: 2e10,
          rows: [
            { engine: 'pytorch', variant: 'fp32', latency_ms_p50: 900, latency_ms_p95: 1100, decode_tokens_per_s: 9.3, decode_speedup: 1 },
            { engine: 'ts-engine', variant: 'fp32', latency_ms_p50: 400, latency_ms_p95: 450, decode_tokens_per_s: 22.2, decode_speedup: 2.39 },
            { engine: 'ts-engine', variant: 'int4', latency_ms_p50: 130, latency_ms_p95: 150, decode_tokens_per_s: 65.4, decode_speedup: 7.03 },
          ],
        }],
      },
    },
  };
}

describe('optional sections', () => {
  it('shows held-out, variants, benchmark and per-token costs when the summary has them', async () => {
    const html = await renderHtmlReport(fullData(), MACHINE, new Date(0));
    expect(sectionIds(html)).toEqual(['levels', 'variants', 'costs']);
    const levels = sectionOf(html, 'levels');
    expect(levels).toContain('held-out requests (60 cases)');
    expect(levels).toContain('detection precision'); // a metric beyond the five levels is listed too
    expect(levels).toContain('68.2-88.2 %'); // held-out tool accuracy, 48 of 60: its 95 % interval
    expect(levels).toContain('>95 % interval</th>');
    expect(marksOf(levels, /^level: .*cases passing/)).toHaveLength(20); // 5 levels x 2 models x (val, held-out)
    expect(marksOf(levels, /^level: .*threshold/)).toEqual(['level: tool acc.; threshold: 0.95']);
    const variants = sectionOf(html, 'variants');
    expect(variants).toContain('rejected: val: tool accuracy 80.0 % below 90 %');
    expect(variants).toContain('235.0 MB');
    expect(variants).toContain('top-1 agreement 0.875');
    expect(variants).toContain('85.0 % / 65.0 %');
    expect(variants).toContain('50.0 % → 100.0 %');
    expect(variants).toContain('75.0 / 50.0 %, 2 of 8 no-tool called (grammar)');
    expect(variants).toContain('Bench CPU 9000');
    // one row per variant in the first table, whatever engines timed it; one row per engine in the second
    const [perVariant, perEngine] = variants.split('<h3>Benchmark</h3>');
    expect(perVariant?.match(/rejected: /g)).toHaveLength(1);
    expect(perVariant?.match(/<tr>/g)).toHaveLength(3); // header, fp32, int4
    expect(perEngine?.match(/<tr>/g)).toHaveLength(4); // header, pytorch fp32, ts-engine fp32, ts-engine int4
    expect(perEngine).toContain('7.03×');
    const bars = marksOf(variants, /^generated tokens \/ s: /);
    expect(bars).toHaveLength(3);
    expect(bars).toContain('generated tokens / s: 65.4; name: int4 · ts-engine; variant: int4');
    const costs = sectionOf(html, 'costs');
    // 0.5 per hour at 65.4 tokens/s: 0.5 / (65.4 * 3600) * 1e6 = 2.124 per million tokens
    expect(costs).toContain('2.12 USD');
    expect(costs).toContain('bench-host (Bench CPU 9000, 16 threads)');
    // the run cost 15 minutes at 0.5/h = 0.125; against 10/M the int4 saving is 7.876/M: break-even 15.9 k tokens
    expect(costs).toContain('15.9 k');
    expect(html).not.toMatch(/<script|<link|src="http/);
  });

  it('leaves the optional sections out when the summary lacks them', async () => {
    const data = fullData();
    const { artifacts: _a, validation: _q, benchmark: _b, ...rest } = data.summary;
    data.summary = { ...rest, metrics: { baseline: metrics(0.1), finetuned: metrics(0.9) } };
    const html = await renderHtmlReport(data, MACHINE, new Date(0));
    expect(sectionIds(html)).toEqual(['levels', 'costs']);
    expect(sectionOf(html, 'levels')).toContain('Not scored in this run: the guide&#39;s fixed suite, held-out requests.');
    expect(sectionOf(html, 'costs')).toContain('No benchmark throughput in this run');
    expect(collectVariants(data.summary).rows).toEqual([]);
  });

  it('renders an empty summary (a run that failed at the spec) without throwing', async () => {
    const html = await renderHtmlReport({ runDir: '/x', summary: { status: 'failed', reason: 'InvalidSpec' }, spec: null, curves: [], scores: [] }, MACHINE);
    expect(sectionIds(html)).toEqual([]);
    expect(html).toContain('InvalidSpec');
  });

  it('keeps benchmark figures from a second host out of the report\'s table', () => {
    const host = (hostname: string) => ({ hostname, cpu_model: 'cpu', logical_cpus: 2, threads: 2 });
    const { rows, machine } = collectVariants({ benchmark: { tables: [
      { host: host('a'), rows: [{ engine: 'pytorch', variant: 'fp32', decode_tokens_per_s: 9 }] },
      { host: host('b'), rows: [{ engine: 'ts-engine', variant: 'int4', decode_tokens_per_s: 60 }] },
    ] } });
    expect(rows.map((r) => [r.engine, r.variant, r.tokens_per_s])).toEqual([['pytorch', 'fp32', 9]]);
    expect(machine?.hostname).toBe('a');
  });

  it('draws one line per attempt and series, marks each best step, a last-step adapter and an early stop, and shows the remediation path', async () => {
    const curve = (attempt: number, best: number, early: boolean, kept: number | null = null) => ({
      attempt, best_step: best, adapter_step: kept, stopped_early: early, optimizer_steps: 40, planned_steps: 50, machine: null, longest_answer_tokens: 60 + attempt * 20,
      train: Array.from({ length: 40 }, (_, i) => ({ step: i + 1, loss: 3 - i * 0.05 * attempt })),
      eval: [10, 20, 30, 40].map((step) => ({ step, eval_loss: 2 + Math.abs(step - best) / 40 })),
    });
    const data: RunData = {
      runDir: '/x', spec: null, scores: [], curves: [curve(1, 20, true), curve(2, 30, false, 40)],
      summary: {
        status: 'passed', bestAttempt: 2,
        attempts: [
          { attempt: 1, branch: 'initial', status: 'below_threshold', overrides: {}, failed_thresholds: ['tool_accuracy'], metrics: { tool_accuracy: 0.5 } },
          { attempt: 2, branch: 'below_threshold', status: 'passed', overrides: { num_train_epochs: 10 }, metrics: { tool_accuracy: 0.97 } },
        ],
      },
    };
    const html = await renderHtmlReport(data, MACHINE, new Date(0));
    expect(sectionIds(html)).toEqual(['training', 'remediation']);
    const training = sectionOf(html, 'training');
    expect(marksOf(training, /; series: /)).toHaveLength(4);
    expect(marksOf(training, /^step: \d+; loss: [\d.]+; attempt: attempt 2$/)).toHaveLength(4);
    for (const label of ['best step 20', 'early stop at 40', 'best step 30', 'adapter kept: step 40']) expect(training).toContain(`>${label}<`);
    expect(training.split('>adapter kept: step').length - 1).toBe(1); // attempt 1 kept its best step's adapter
    expect(training).toContain('<td class="num">30</td><td class="num">40</td>'); // attempt 2: best step, adapter kept
    expect(training.split('>early stop at').length - 1).toBe(1); // only attempt 1 stopped early
    const remediation = sectionOf(html, 'remediation');
    expect(remediation).toContain('★ attempt 2: below thresholds → num_train_epochs=10 <b>passed</b>');
    expect(remediation).toContain('<td>tool_accuracy</td>');
    expect(training).toContain('<td class="num">80</td>'); // no spec, no cap to compare with: plain figures
    expect(training).not.toContain('max_new_tokens');
  });

  it('warns when the longest answer trained on does not fit evaluation.max_new_tokens', async () => {
    const curve = (attempt: number, longest: number | null) => ({
      attempt, best_step: 2, adapter_step: null, stopped_early: false, optimizer_steps: 2, planned_steps: 2, machine: null, longest_answer_tokens: longest,
      train: [{ step: 1, loss: 2 }, { step: 2, loss: 1 }], eval: [{ step: 2, eval_loss: 1.5 }],
    });
    const render = async (maxNewTokens: number, curves: ReturnType<typeof curve>[]) => sectionOf(await renderHtmlReport(
      { runDir: '/x', spec: { evaluation: { max_new_tokens: maxNewTokens } }, scores: [], curves, summary: { status: 'passed' } }, MACHINE, new Date(0)), 'training');
    const cut = await render(80, [curve(1, 85), curve(2, 80), curve(3, null)]);
    expect(cut).toContain('<td class="num"><span class="warn">85</span></td>');
    expect(cut).toContain('<td class="num">80</td>'); // exactly the cap still fits
    expect(cut).toContain('longer than <code>evaluation.max_new_tokens</code> (80)');
    const fits = await render(128, [curve(1, 85)]);
    expect(fits).toContain('<td class="num">85</td>');
    expect(fits).not.toContain('max_new_tokens');
  });
});
