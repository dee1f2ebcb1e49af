// The exported and quantized model variants as one row each, gathered from the summary sections the export,
// validate-quantized and benchmark stages write (artifacts.onnx, quantized, benchmark). Those stages are
// younger than the report: every field is optional, and a few spellings of each figure are accepted.
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
  kept: boolean | null;
  reason: string | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  tokens_per_s: number | null;
  speedup: number | null;
  device: string | null;
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

// A record keyed by variant, or an array of objects carrying a `variant` (or `name`) field, as entries.
function entries(v: unknown): [string, Obj][] {
  if (Array.isArray(v)) return v.filter(isObj).map((o) => [String(o.variant ?? o.name ?? '?'), o]);
  if (isObj(v)) return Object.entries(v).filter((e): e is [string, Obj] => isObj(e[1]));
  return [];
}

// Agreement figures (top-1 agreement, max abs difference...) as one short text.
function describeAgreement(v: unknown): string | null {
  if (typeof v === 'number') return v.toFixed(3);
  if (!isObj(v)) return null;
  const parts = Object.entries(v).filter(([, x]) => typeof x === 'number' || typeof x === 'boolean').map(([k, x]) => `${k.replace(/_/g, ' ')} ${typeof x === 'number' ? Number(x.toPrecision(4)) : x}`);
  return parts.length ? parts.join(', ') : null;
}

// An empty row for a variant.
function blank(variant: string, engine: string | null): VariantRow {
  return { variant, engine, bytes: null, ratio_to_fp32: null, exporter: null, agreement: null, tool_accuracy: null, param_accuracy: null, kept: null, reason: null, latency_p50_ms: null, latency_p95_ms: null, tokens_per_s: null, speedup: null, device: null };
}

// Gathers the variant rows: one per exported/validated variant, plus one per (engine, variant) benchmarked.
export function collectVariants(summary: ReportSummary): VariantTable {
  const byVariant = new Map<string, VariantRow>();
  const row = (variant: string) => {
    let r = byVariant.get(variant);
    if (!r) byVariant.set(variant, (r = blank(variant, null)));
    return r;
  };
  const artifacts = isObj(summary.artifacts) ? summary.artifacts : {};
  for (const [variant, o] of entries(artifacts.onnx)) {
    const r = row(variant);
    r.bytes = pickNumber(o, ['bytes', 'size_bytes']);
    r.ratio_to_fp32 = pickNumber(o, ['ratio_to_fp32']);
    r.exporter = pickString(o, ['exporter']);
    r.agreement = describeAgreement(o.agreement);
  }
  for (const [variant, o] of entries(summary.quantized ?? summary.validate_quantized ?? summary.variants)) {
    const r = row(variant);
    const m = isObj(o.metrics) ? o.metrics : o;
    r.tool_accuracy = pickNumber(m, ['tool_accuracy', 'val.tool_accuracy']);
    r.param_accuracy = pickNumber(m, ['param_accuracy', 'val.param_accuracy']);
    r.kept = typeof o.kept === 'boolean' ? o.kept : o.status === 'kept' ? true : o.status === 'rejected' ? false : null;
    r.reason = pickString(o, ['reason']);
    r.bytes ??= pickNumber(o, ['bytes']);
  }
  const bench = summary.benchmark;
  const benchRows = Array.isArray(bench) ? bench : isObj(bench) ? (bench.rows ?? bench.results ?? bench.entries) : undefined;
  const rows: VariantRow[] = [...byVariant.values()];
  for (const o of Array.isArray(benchRows) ? benchRows.filter(isObj) : []) {
    const variant = String(o.variant ?? o.name ?? '?');
    const base = byVariant.get(variant);
    const r: VariantRow = { ...(base ?? blank(variant, null)), engine: pickString(o, ['engine', 'runtime']) };
    r.latency_p50_ms = pickNumber(o, ['latency_p50_ms', 'latency_ms_p50', 'p50_ms', 'latency_ms.p50']);
    r.latency_p95_ms = pickNumber(o, ['latency_p95_ms', 'latency_ms_p95', 'p95_ms', 'latency_ms.p95']);
    r.tokens_per_s = pickNumber(o, ['decode_tokens_per_s', 'tokens_per_s', 'tokens_per_second', 'decode_tokens_per_second']);
    r.speedup = pickNumber(o, ['speedup', 'speedup_vs_pytorch_fp32', 'speedup_vs_fp32']);
    r.bytes = pickNumber(o, ['bytes', 'bytes_on_disk']) ?? r.bytes;
    r.device = pickString(o, ['device', 'execution_provider']);
    const at = base ? rows.indexOf(base) : -1;
    if (at >= 0) rows.splice(at, 1, r); // the first engine row of a variant takes the variant's own row
    else rows.push(r);
  }
  const machine = isObj(bench) && isObj(bench.machine) ? (bench.machine as unknown as MachineInfo) : null;
  return { rows, machine };
}
