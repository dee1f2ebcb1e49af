// Section "Costs": this run's measured stage times and the benchmark's measured throughput, priced with the
// spec's costs section; every figure names the machine it was measured on.
import { computeCosts, readPrices, type CostReport } from '../costs';
import { escapeHtml, renderTable, seconds, type Section } from '../html';
import { formatMachine } from '../machine';
import type { RunData } from '../run-data';
import { collectVariants } from '../variants';

// Money with enough digits to show small CPU costs.
function money(value: number, currency: string): string {
  const digits = value >= 100 ? 0 : value >= 1 ? 2 : value >= 0.01 ? 3 : 5;
  return `${value.toFixed(digits)} ${currency}`;
}

// A large count as 1.3 M / 240 k.
function count(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return n.toFixed(0);
}

// The cost figures of a run, from its data.
export function costsOf(data: RunData, thisMachine: Parameters<typeof formatMachine>[0]): CostReport {
  const trainingMachine = data.curves.find((c) => c.machine)?.machine ?? null;
  const device = String(trainingMachine?.device ?? data.summary.preflight?.device ?? 'cpu');
  const { rows, machine } = collectVariants(data.summary);
  return computeCosts({
    stages: (data.summary.stages ?? []).map((s) => ({ name: s.name, durationMs: s.durationMs })),
    trainingDevice: device, trainingMachine,
    throughput: rows.filter((r) => r.tokens_per_s !== null).map((r) => ({ variant: r.variant, engine: r.engine, tokens_per_s: r.tokens_per_s as number, device: r.device })),
    throughputMachine: machine ?? (rows.some((r) => r.tokens_per_s !== null) ? thisMachine ?? null : null),
    prices: readPrices(data.spec),
  });
}

// Renders the section; null when the run recorded no stage time.
export function renderCostsSection(data: RunData, thisMachine: Parameters<typeof formatMachine>[0]): Section | null {
  const c = costsOf(data, thisMachine);
  if (c.total.seconds <= 0) return null;
  const cur = c.prices.currency;
  const stageRows = [...c.stages.map((s) => [s.stage, seconds(s.seconds), money(s.cost, cur)]), [{ html: `<b>${escapeHtml(c.total.stage)}</b>` }, seconds(c.total.seconds), { html: `<b>${escapeHtml(money(c.total.cost, cur))}</b>` }]];
  const variantTable = c.variants.length
    ? renderTable(['Variant', 'Engine', 'Tokens/s', 'Price/hour', `Cost per 1M tokens`, `Saving vs API per 1M`, 'Break-even (tokens)'], c.variants.map((v) => [
      v.variant, v.engine, v.tokens_per_s.toFixed(1), money(v.price_per_hour, cur), money(v.cost_per_million_tokens, cur),
      { text: money(v.saving_per_million_tokens, cur), cls: v.saving_per_million_tokens > 0 ? 'good' : 'bad' },
      v.break_even_tokens === null ? { text: 'never (no saving)', cls: 'bad' } : count(v.break_even_tokens),
    ]), { numeric: [2, 3, 4, 5, 6] }) + `<p class="note">Throughput measured by the benchmark on ${escapeHtml(formatMachine(c.throughput_machine))}, at one request at a time. Break-even: the tokens after which the whole run's cost (${escapeHtml(money(c.total.cost, cur))}) is paid back by the saving against the API's ${escapeHtml(money(c.prices.api_price_per_million_tokens, cur))} per million tokens.</p>`
    : '<p class="note">No benchmark throughput in this run: the cost per million generated tokens and the break-even need the benchmark stage.</p>';
  return {
    id: 'costs', title: 'Costs',
    html: `<p class="note">Prices from the spec's <code>costs:</code> section (defaults where it is silent): GPU ${escapeHtml(money(c.prices.gpu_price_per_hour, cur))}/h, CPU ${escapeHtml(money(c.prices.cpu_price_per_hour, cur))}/h, API ${escapeHtml(money(c.prices.api_price_per_million_tokens, cur))} per million tokens. Stage times are this run's, measured by the workflow; they are priced at the ${c.training_device === 'cpu' ? 'CPU' : 'GPU'} rate of the training machine, ${escapeHtml(formatMachine(c.training_machine))}.</p>
<h3>Training: ${escapeHtml(money(c.finetune.cost, cur))} for ${escapeHtml(seconds(c.finetune.seconds))} of fine-tuning; ${escapeHtml(money(c.total.cost, cur))} for the whole run</h3>
${renderTable(['Stage', 'Time', 'Cost'], stageRows, { numeric: [1, 2] })}
<h3>Inference</h3>
${variantTable}`,
  };
}
