// Costs come from the run's own measured times and the benchmark's measured throughput: change either and
// the figures change; the defaults are the schema's.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICES, computeCosts, readPrices, type CostInputs } from '../../../lib/report/costs';

const MACHINE = { hostname: 'box', cpu_model: 'Test CPU', cpu_threads: 8, device: 'cpu' };

function inputs(finetuneMs: number, over: Partial<CostInputs> = {}): CostInputs {
  return {
    stages: [{ name: 'dataset', durationMs: 2_000 }, { name: 'finetune', durationMs: finetuneMs }, { name: 'predict:baseline', durationMs: 60_000 }, { name: 'finetune', durationMs: 0 }],
    trainingDevice: 'cpu', trainingMachine: MACHINE,
    throughput: [{ variant: 'int4', engine: 'onnxruntime-node', tokens_per_s: 50, device: 'cpu' }, { variant: 'fp32', engine: 'pytorch', tokens_per_s: 10, device: null }],
    throughputMachine: MACHINE,
    prices: { currency: 'USD', gpu_price_per_hour: 3, cpu_price_per_hour: 0.36, api_price_per_million_tokens: 15 },
    ...over,
  };
}

describe('computeCosts', () => {
  it('prices the measured stage times at the training device rate', () => {
    const c = computeCosts(inputs(3_600_000));
    expect(c.finetune.seconds).toBe(3600);
    expect(c.finetune.cost).toBeCloseTo(0.36, 10);
    expect(c.total.seconds).toBe(3662);
    expect(c.total.cost).toBeCloseTo((3662 / 3600) * 0.36, 10);
    expect(c.stages.map((s) => s.stage)).toEqual(['dataset', 'finetune', 'predict:baseline']);
    expect(c.training_machine).toEqual(MACHINE);
  });

  it('changes when the timings change', () => {
    const fast = computeCosts(inputs(600_000));
    const slow = computeCosts(inputs(1_200_000));
    expect(slow.finetune.cost).toBeCloseTo(fast.finetune.cost * 2, 10);
    expect(slow.total.cost).toBeGreaterThan(fast.total.cost);
    // the break-even moves with the run's cost: more training to pay back, more tokens needed
    expect(slow.variants[0]!.break_even_tokens!).toBeGreaterThan(fast.variants[0]!.break_even_tokens!);
    expect(computeCosts(inputs(600_000, { trainingDevice: 'cuda:0' })).finetune.cost).toBeCloseTo((600 / 3600) * 3, 10);
  });

  it('computes cost per million tokens from throughput, and the break-even against the API', () => {
    const c = computeCosts(inputs(3_600_000));
    const [int4, fp32] = c.variants;
    // 0.36 per hour at 50 tokens/s = 180,000 tokens an hour -> 2.00 per million
    expect(int4!.cost_per_million_tokens).toBeCloseTo(2, 10);
    expect(fp32!.cost_per_million_tokens).toBeCloseTo(10, 10);
    expect(int4!.saving_per_million_tokens).toBeCloseTo(13, 10);
    expect(int4!.break_even_tokens!).toBeCloseTo((c.total.cost / 13) * 1e6, 3);
    const doubled = computeCosts(inputs(3_600_000, { throughput: [{ variant: 'int4', engine: null, tokens_per_s: 100, device: 'cpu' }] }));
    expect(doubled.variants[0]!.cost_per_million_tokens).toBeCloseTo(1, 10);
    const dearer = computeCosts(inputs(3_600_000, { prices: { ...inputs(0).prices, api_price_per_million_tokens: 1 } }));
    expect(dearer.variants[0]!.break_even_tokens).toBeNull(); // 2.00 a million against 1.00: never pays back
  });

  it('defaults to the prices the schema documents', () => {
    const schema = JSON.parse(readFileSync(new URL('../../../specs/experiment.schema.json', import.meta.url), 'utf8'));
    const props = schema.properties.costs.properties;
    expect(DEFAULT_PRICES).toEqual(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, (v as { default: unknown }).default])));
    expect(readPrices(null)).toEqual(DEFAULT_PRICES);
    expect(readPrices({ costs: { cpu_price_per_hour: 0.5 } })).toEqual({ ...DEFAULT_PRICES, cpu_price_per_hour: 0.5 });
  });
});
