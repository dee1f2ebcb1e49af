// The exported and quantized model variants as one row each, gathered from the summary sections the export,
// validate-quantized and benchmark stages write (artifacts.onnx, validation, benchmark); each is optional.
import type { MachineInfo, ReportSummary } from './run-data';

// One variant (or one engine running it) with whatever was measured about it.
export interface VariantRow {
  variant: string;
  engine: string | null;
  bytes: number | null;
  ratio_to_fp32: number | null;
  exporter: string | null;
  agreement: string | null;
  tool_accuracy: number | null;
  param_accuracy: number | null;
  /** Val tool and parameter accuracy under the tools' grammar (validate_constrained). */
  constrained_tool_accuracy: number | null;
  constrained_param_accuracy: number | null;
  /** validate-quantized skipped the pass under the grammar: the variant lost more than max_accuracy_drop free. */
  grammar_skipped: boolean;
  /** Over every set: of the outputs that call, the share whose calls parse and fit their schemas, free and under the grammar. */
  calls_valid_free: number | null;
  calls_valid_constrained: number | null;
  /** The held-out cases, under the grammar when validate-quantized decoded them so (as `tooltune serve` does), else free. */
  holdout: HeldOutFigures | null;
  kept: boolean | null;
  reason: string | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  tokens_per_s: number | null;
  /** Decode tokens/s against PyTorch fp32 generate (null when the benchmark left PyTorch out). */
  speedup: number | null;
  /** Decode tokens/s against the same engine's fp32 variant: the guide's quantized-against-unquantized ratio. */
  engine_speedup: number | null;
  device: string | null;
}

// The guide's speed claims: INT8 2.67x and INT4 3.67x faster than the unquantized model.
export const GUIDE_SPEEDUPS = { int8: 2.67, int4: 3.67 } as const;

// One sentence weighing each engine's quantized decode speed (against its own fp32) with the guide's claims, or
// null when the benchmark gave no such figure.
export function describeGuideSpeedups(rows: readonly VariantRow[]): string | null {
  const parts: string[] = [];
  for (const engine of [...new Set(rows.map((r) => r.engine).filter((e): e is string => e !== null && !e.includes('+')))]) {
    const figures = (['int8', 'int4'] as const).flatMap((variant) => {
      const r = rows.find((x) => x.engine === engine && x.variant === variant && x.engine_speedup !== null);
      if (!r || r.engine_speedup === null) return [];
      const claim = GUIDE_SPEEDUPS[variant];
      return [`${variant.toUpperCase()} ${r.engine_speedup.toFixed(2)}x (${r.engine_speedup >= claim ? 'meets' : 'under'} ${claim}x)`];
    });
    if (figures.length) parts.push(`${engine} ${figures.join(', ')}`);
  }
  return parts.length ? `Against the guide's claims (quantized against the unquantized model in the same engine): ${parts.join('; ')}.` : null;
}

// The cell text of a figure under the grammar that validate-quantized did not measure, and why.
export const GRAMMAR_SKIPPED = 'not run: rejected on val';

// A variant's figures on the held-out cases: the blind check, so the one that says most about a variant.
export interface HeldOutFigures {
  tool_accuracy: number | null;
  param_accuracy: number | null;
  false_calls: number | null;
  no_tool_cases: number | null;
  grammar: boolean;
}

// The benchmark's rows with the machine it ran on.
export interface VariantTable {
  rows: VariantRow[];
  machine: MachineInfo | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

// The first finite number among the keys (dotted paths allowed).
function pickNumber(o: Obj | undefined, keys: string[]): number | null {
  for (const key of keys) {
    let v: unknown = o;
    for (const part of key.split('.')) v = isObj(v) ? v[part] : undefined;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}

// The first string among the keys.
function pickString(o: Obj | undefined, keys: string[]): string | null {
  for (const key of keys) if (o && typeof o[key] === 'string') return o[key] as string;
  return null;
}

// Agreement figures of an export check: fp32's greedy match and logit difference, a quantized variant's top-1 agreement.
function describeAgreement(o: Obj): string | null {
  const parts: string[] = [];
  if (typeof o.tokens_equal === 'boolean') parts.push(`greedy tokens ${o.tokens_equal ? 'equal' : 'differ'}`);
  if (typeof o.max_logit_diff === 'number') parts.push(`max logit diff ${Number(o.max_logit_diff.toPrecision(3))}`);
  if (typeof o.top1_agreement === 'number') parts.push(`top-1 agreement ${o.top1_agreement.toFixed(3)}`);
  return parts.length ? parts.join(', ') : null;
}

// Call validity pooled over the sets of one mode (labels ending in -constrained, or not); null when no set has it.
function pooledCallValidity(metrics: unknown, constrained: boolean): number | null {
  if (!isObj(metrics)) return null;
  let outputs = 0;
  let valid = 0;
  for (const [label, m] of Object.entries(metrics)) {
    if (label.endsWith('-constrained') !== constrained || !isObj(m) || !isObj(m.call_validity)) continue;
    outputs += pickNumber(m.call_validity, ['outputs_with_calls']) ?? 0;
    valid += pickNumber(m.call_validity, ['valid']) ?? 0;
  }
  return outputs === 0 ? null : valid / outputs;
}

// The held-out figures of one variant's metrics: under the grammar when scored so, else free; null when neither.
function heldOutFigures(metrics: unknown): HeldOutFigures | null {
  if (!isObj(metrics)) return null;
  for (const [label, grammar] of [['holdout-constrained', true], ['holdout', false]] as const) {
    const m = metrics[label];
    if (!isObj(m)) continue;
    return {
      tool_accuracy: pickNumber(m, ['tool_accuracy']), param_accuracy: pickNumber(m, ['param_accuracy']),
      false_calls: pickNumber(m, ['detection.false_calls']), no_tool_cases: pickNumber(m, ['detection.no_tool_cases']), grammar,
    };
  }
  return null;
}

// An empty row for a variant.
function blank(variant: string, engine: string | null): VariantRow {
  return { variant, engine, bytes: null, ratio_to_fp32: null, exporter: null, agreement: null, tool_accuracy: null, param_accuracy: null, constrained_tool_accuracy: null, constrained_param_accuracy: null, grammar_skipped: false, calls_valid_free: null, calls_valid_constrained: null, holdout: null, kept: null, reason: null, latency_p50_ms: null, latency_p95_ms: null, tokens_per_s: null, speedup: null, engine_speedup: null, device: null };
}

// Gathers the variant rows: one per exported variant (summary.artifacts.onnx) with its validation
// (summary.validation.variants), plus one per engine and variant the benchmark timed (summary.benchmark.tables).
export function collectVariants(summary: ReportSummary): VariantTable {
  const byVariant = new Map<string, VariantRow>();
  const row = (variant: string) => {
    let r = byVariant.get(variant);
    if (!r) byVariant.set(variant, (r = blank(variant, null)));
    return r;
  };
  const artifacts = isObj(summary.artifacts) ? summary.artifacts : {};
  const onnx = isObj(artifacts.onnx) ? artifacts.onnx : {};
  for (const [variant, o] of Object.entries(onnx)) {
    if (!isObj(o)) continue;
    const r = row(variant);
    r.bytes = pickNumber(o, ['bytes']);
    r.ratio_to_fp32 = pickNumber(o, ['ratio_to_fp32']);
    r.exporter = pickString(o, ['exporter']);
    r.agreement = describeAgreement(o);
  }
  const validation = isObj(summary.validation) && Array.isArray(summary.validation.variants) ? summary.validation.variants.filter(isObj) : [];
  for (const o of validation) {
    const r = row(String(o.format));
    const val = isObj(o.metrics) && isObj(o.metrics.val) ? o.metrics.val : undefined;
    r.tool_accuracy = pickNumber(val, ['tool_accuracy']);
    r.param_accuracy = pickNumber(val, ['param_accuracy']);
    const valConstrained = isObj(o.metrics) && isObj(o.metrics['val-constrained']) ? o.metrics['val-constrained'] : undefined;
    r.constrained_tool_accuracy = pickNumber(valConstrained, ['tool_accuracy']);
    r.constrained_param_accuracy = pickNumber(valConstrained, ['param_accuracy']);
    r.grammar_skipped = typeof o.constrained_skipped === 'string';
    r.calls_valid_free = pooledCallValidity(o.metrics, false);
    r.calls_valid_constrained = pooledCallValidity(o.metrics, true);
    r.holdout = heldOutFigures(o.metrics);
    r.kept = typeof o.kept === 'boolean' ? o.kept : null;
    r.reason = Array.isArray(o.reasons) && o.reasons.length ? o.reasons.join('; ') : null;
    r.bytes ??= pickNumber(o, ['bytes_on_disk']);
  }
  const rows: VariantRow[] = [...byVariant.values()];
  const tables = isObj(summary.benchmark) && Array.isArray(summary.benchmark.tables) ? summary.benchmark.tables.filter(isObj) : [];
  // Figures from two hosts are never compared: the first table (the Python worker's host, with PyTorch when it ran) is the report's.
  const table = tables[0];
  for (const o of table && Array.isArray(table.rows) ? table.rows.filter(isObj) : []) {
    const variant = String(o.variant);
    const base = byVariant.get(variant);
    const r: VariantRow = { ...(base ?? blank(variant, null)), engine: pickString(o, ['engine']) };
    r.latency_p50_ms = pickNumber(o, ['latency_ms_p50']);
    r.latency_p95_ms = pickNumber(o, ['latency_ms_p95']);
    r.tokens_per_s = pickNumber(o, ['decode_tokens_per_s']);
    r.speedup = pickNumber(o, ['decode_speedup']);
    r.engine_speedup = pickNumber(o, ['engine_speedup']);
    r.bytes = pickNumber(o, ['bytes_on_disk']) ?? r.bytes;
    r.device = 'cpu';
    const at = base ? rows.indexOf(base) : -1;
    if (at >= 0) rows.splice(at, 1, r); // the first engine row of a variant takes the variant's own row
    else rows.push(r);
  }
  const host = table && isObj(table.host) ? table.host : null;
  const machine: MachineInfo | null = host ? { hostname: String(host.hostname), cpu_model: String(host.cpu_model), cpu_threads: Number(host.threads), device: 'cpu' } : null;
  return { rows, machine };
}

// One row per variant, whichever engine rows the benchmark added for it (report.html and report.md list
// variants once, then the engines' timings apart).
export function firstRowPerVariant(rows: VariantRow[]): VariantRow[] {
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.variant) && seen.add(r.variant));
}

// "kept", or "rejected: <reasons>", or null when the variant was not validated.
export function describeVerdict(r: VariantRow): string | null {
  return r.kept === null ? null : r.kept ? 'kept' : `rejected${r.reason ? `: ${r.reason}` : ''}`;
}

// One variant's held-out figures as a table cell, e.g. "91.3 / 61.3 %, 1 of 12 no-tool called (grammar)".
export function formatHeldOut(h: HeldOutFigures | null): string | null {
  if (!h || h.tool_accuracy === null) return null;
  const rate = (x: number | null) => (x === null ? '–' : (x * 100).toFixed(1));
  const calls = h.false_calls !== null && h.no_tool_cases ? `, ${h.false_calls} of ${h.no_tool_cases} no-tool called` : '';
  return `${rate(h.tool_accuracy)} / ${rate(h.param_accuracy)} %${calls} (${h.grammar ? 'grammar' : 'free'})`;
}
