// Costs from measured figures: the run's own stage times and the benchmark's own throughput, priced with the
// spec's `costs:` section. Pure: the same inputs always give the same figures.
import type { MachineInfo } from './run-data';

// Prices from the spec (defaults in specs/experiment.schema.json, repeated here for old runs without them).
export interface Prices {
  currency: string;
  gpu_price_per_hour: number;
  cpu_price_per_hour: number;
  api_price_per_million_tokens: number;
}

// The schema's defaults (a test keeps them equal).
export const DEFAULT_PRICES: Prices = { currency: 'USD', gpu_price_per_hour: 3.0, cpu_price_per_hour: 0.1, api_price_per_million_tokens: 15.0 };

// What the costs are computed from.
export interface CostInputs {
  stages: { name: string; durationMs: number }[];
  trainingDevice: string;
  trainingMachine: MachineInfo | null;
  throughput: { variant: string; engine: string | null; tokens_per_s: number; device: string | null }[];
  throughputMachine: MachineInfo | null;
  prices: Prices;
}

// One stage's time and its cost.
export interface StageCost {
  stage: string;
  seconds: number;
  cost: number;
}

// One variant's cost per million generated tokens and its break-even against the API.
export interface VariantCost {
  variant: string;
  engine: string | null;
  tokens_per_s: number;
  price_per_hour: number;
  cost_per_million_tokens: number;
  saving_per_million_tokens: number;
  break_even_tokens: number | null; // null: never (no saving against the API)
}

// The cost section's figures.
export interface CostReport {
  prices: Prices;
  training_price_per_hour: number;
  training_device: string;
  training_machine: MachineInfo | null;
  stages: StageCost[];
  finetune: StageCost;
  total: StageCost;
  variants: VariantCost[];
  throughput_machine: MachineInfo | null;
}

// Whether a device string names a GPU.
export function isGpu(device: string | null | undefined): boolean {
  return typeof device === 'string' && /^(cuda|gpu|rocm|mps)/i.test(device);
}

// Computes every cost figure from the measured times and throughput.
export function computeCosts(inp: CostInputs): CostReport {
  const { prices } = inp;
  const trainPrice = isGpu(inp.trainingDevice) ? prices.gpu_price_per_hour : prices.cpu_price_per_hour;
  const cost = (ms: number) => (ms / 3_600_000) * trainPrice;
  const stages = inp.stages.filter((s) => s.durationMs > 0).map((s) => ({ stage: s.name, seconds: s.durationMs / 1000, cost: cost(s.durationMs) }));
  const finetuneMs = inp.stages.filter((s) => s.name === 'finetune').reduce((a, s) => a + s.durationMs, 0);
  const totalMs = inp.stages.reduce((a, s) => a + s.durationMs, 0);
  const finetune = { stage: 'fine-tuning (all attempts)', seconds: finetuneMs / 1000, cost: cost(finetuneMs) };
  const total = { stage: 'the whole run (all stages)', seconds: totalMs / 1000, cost: cost(totalMs) };
  const variants = inp.throughput.filter((t) => t.tokens_per_s > 0).map((t) => {
    const pricePerHour = isGpu(t.device) ? prices.gpu_price_per_hour : prices.cpu_price_per_hour;
    const perMillion = (pricePerHour / (t.tokens_per_s * 3600)) * 1e6;
    const saving = prices.api_price_per_million_tokens - perMillion;
    return {
      variant: t.variant, engine: t.engine, tokens_per_s: t.tokens_per_s, price_per_hour: pricePerHour, cost_per_million_tokens: perMillion,
      saving_per_million_tokens: saving, break_even_tokens: saving > 0 ? (total.cost / saving) * 1e6 : null,
    };
  });
  return { prices, training_price_per_hour: trainPrice, training_device: inp.trainingDevice, training_machine: inp.trainingMachine, stages, finetune, total, variants, throughput_machine: inp.throughputMachine };
}

// Reads the prices from a resolved spec's costs section, with the defaults for what it lacks.
export function readPrices(spec: Record<string, unknown> | null): Prices {
  const c = (spec?.costs ?? {}) as Partial<Prices>;
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : d);
  return {
    currency: typeof c.currency === 'string' && c.currency ? c.currency : DEFAULT_PRICES.currency,
    gpu_price_per_hour: num(c.gpu_price_per_hour, DEFAULT_PRICES.gpu_price_per_hour),
    cpu_price_per_hour: num(c.cpu_price_per_hour, DEFAULT_PRICES.cpu_price_per_hour),
    api_price_per_million_tokens: num(c.api_price_per_million_tokens, DEFAULT_PRICES.api_price_per_million_tokens),
  };
}
