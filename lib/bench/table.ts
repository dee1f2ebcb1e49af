// The benchmark table: every engine and variant measured on one host, with decode speedups against the same
// engine's fp32 (the guide's "INT8 2.67x, INT4 3.67x faster than the unquantized model": one runtime, quantized
// against not) and against PyTorch fp32 generate where it was measured, and the fraction of the memory-bandwidth
// roofline each decode reaches.

// The machine a set of figures belongs to.
export interface BenchHost {
  hostname: string;
  cpu_model: string;
  logical_cpus: number;
  threads: number;
}

// One engine on one variant, as the child processes measure it.
export interface BenchRow {
  engine: string;
  variant: string;
  requests: number;
  new_tokens: number;
  min_tokens_produced: number;
  load_s: number;
  latency_ms_p50: number;
  latency_ms_p95: number;
  ttft_ms_p50: number;
  prefill_tokens_per_s: number;
  decode_tokens_per_s: number | null;
  peak_rss_bytes: number;
  bytes_on_disk: number;
  bytes_read_per_token: number;
  roofline_fraction: number | null;
  grammar_fraction_of_decode?: number;
  // Filled by buildTables: decode tokens/s and p50 latency against PyTorch fp32 on the same host.
  decode_speedup?: number | null;
  latency_speedup?: number | null;
  // Filled by buildTables: decode tokens/s against the same engine's fp32 row of the same table (a '+grammar'
  // row against its engine's fp32).
  engine_speedup?: number | null;
}

// One host's table.
export interface BenchTable {
  host: BenchHost;
  read_bandwidth_bytes_per_s: number | null;
  rows: BenchRow[];
}

// The same machine: host name and CPU model (thread counts are the benchmark's setting, recorded per table).
export function sameHost(a: BenchHost, b: BenchHost): boolean {
  return a.hostname === b.hostname && a.cpu_model === b.cpu_model;
}

// Adds speedups against the PyTorch fp32 row and against each engine's own fp32 row; rows from another host go in
// a table of their own, without speedups against PyTorch (figures from two machines are never compared).
export function buildTables(python: BenchTable, other: { host: BenchHost; rows: BenchRow[] }): BenchTable[] {
  const ref = python.rows.find((r) => r.engine === 'pytorch');
  const withSpeedup = (r: BenchRow): BenchRow => ({
    ...r,
    decode_speedup: ref?.decode_tokens_per_s && r.decode_tokens_per_s ? round(r.decode_tokens_per_s / ref.decode_tokens_per_s, 2) : null,
    latency_speedup: ref ? round(ref.latency_ms_p50 / r.latency_ms_p50, 2) : null,
  });
  if (sameHost(python.host, other.host)) return [{ ...python, rows: withEngineSpeedups([...python.rows, ...other.rows].map(withSpeedup)) }];
  return [
    { ...python, rows: withEngineSpeedups(python.rows.map(withSpeedup)) },
    { host: other.host, read_bandwidth_bytes_per_s: null, rows: withEngineSpeedups(other.rows.map((r) => ({ ...r, decode_speedup: null, latency_speedup: null }))) },
  ];
}

// Each row's decode tokens/s against the fp32 row of its engine ('ts-engine+grammar' counts as 'ts-engine').
export function withEngineSpeedups(rows: readonly BenchRow[]): BenchRow[] {
  const family = (engine: string) => engine.split('+')[0] ?? engine;
  const fp32 = new Map(rows.filter((r) => r.variant === 'fp32' && !r.engine.includes('+')).map((r) => [r.engine, r.decode_tokens_per_s]));
  return rows.map((r) => {
    const base = fp32.get(family(r.engine));
    return { ...r, engine_speedup: base && r.decode_tokens_per_s ? round(r.decode_tokens_per_s / base, 2) : null };
  });
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

// The tables in Markdown, each headed by its machine.
export function renderTables(tables: readonly BenchTable[]): string {
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  const num = (v: number | null | undefined, d = 1) => (v === null || v === undefined ? '—' : v.toFixed(d));
  const times = (v: number | null | undefined) => (v ? `${v.toFixed(2)}x` : '—');
  return tables.map((t) => [
    `Host \`${t.host.hostname}\`, ${t.host.cpu_model}, ${t.host.logical_cpus} logical CPUs, ${t.host.threads} threads${t.read_bandwidth_bytes_per_s ? `, measured read bandwidth ${(t.read_bandwidth_bytes_per_s / 1e9).toFixed(1)} GB/s` : ''}.`,
    '',
    '| engine | variant | disk MB | peak RSS MB | TTFT p50 ms | latency p50 / p95 ms | prefill tok/s | decode tok/s | decode vs its fp32 | decode vs PyTorch fp32 | latency vs PyTorch fp32 | roofline | grammar share |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...t.rows.map((r) => `| ${r.engine} | ${r.variant} | ${mb(r.bytes_on_disk)} | ${mb(r.peak_rss_bytes)} | ${num(r.ttft_ms_p50)} | ${num(r.latency_ms_p50)} / ${num(r.latency_ms_p95)} | ${num(r.prefill_tokens_per_s, 0)} | ${num(r.decode_tokens_per_s)} | ${times(r.engine_speedup)} | ${times(r.decode_speedup)} | ${times(r.latency_speedup)} | ${r.roofline_fraction === null ? '—' : `${(r.roofline_fraction * 100).toFixed(0)} %`} | ${r.grammar_fraction_of_decode === undefined ? '' : `${(r.grammar_fraction_of_decode * 100).toFixed(1)} %`} |`),
  ].join('\n')).join('\n\n');
}
