// The benchmark table's speedups: each engine against its own fp32 (the guide's measure) and against PyTorch fp32
// when it was measured; a host's rows are never compared with another host's PyTorch.
import { describe, expect, it } from 'vitest';
import { buildTables, renderTables, type BenchHost, type BenchRow } from '../../../lib/bench/table';

const host: BenchHost = { hostname: 'h', cpu_model: 'c', logical_cpus: 2, threads: 2 };
const row = (engine: string, variant: string, tokensPerS: number, latencyMs = 1000): BenchRow => ({
  engine, variant, requests: 2, new_tokens: 48, min_tokens_produced: 48, load_s: 1, latency_ms_p50: latencyMs, latency_ms_p95: latencyMs,
  ttft_ms_p50: 20, prefill_tokens_per_s: 500, decode_tokens_per_s: tokensPerS, peak_rss_bytes: 2 ** 20, bytes_on_disk: 2 ** 20, bytes_read_per_token: 1, roofline_fraction: 0.5,
});
const genai = [row('ort-genai', 'fp32', 76), row('ort-genai', 'int8', 178.6), row('ort-genai', 'int4', 238.7)];
const ts = [row('ts-engine', 'fp32', 64.4), row('ts-engine', 'int4', 214.5), row('ts-engine+grammar', 'int4', 212.5)];
const speedups = (rows: BenchRow[]) => rows.map((r) => [r.engine, r.variant, r.engine_speedup, r.decode_speedup]);

describe('benchmark tables', () => {
  it('divides each row by its own engine fp32, a grammar row by its engine fp32, and by PyTorch fp32 when measured', () => {
    const [table] = buildTables({ host, read_bandwidth_bytes_per_s: 4e10, rows: [row('pytorch', 'fp32', 21.6, 2300), ...genai] }, { host, rows: ts });
    expect(speedups(table!.rows)).toEqual([
      ['pytorch', 'fp32', 1, 1], ['ort-genai', 'fp32', 1, 3.52], ['ort-genai', 'int8', 2.35, 8.27], ['ort-genai', 'int4', 3.14, 11.05],
      ['ts-engine', 'fp32', 1, 2.98], ['ts-engine', 'int4', 3.33, 9.93], ['ts-engine+grammar', 'int4', 3.3, 9.84],
    ]);
    expect(renderTables([table!])).toContain('| ts-engine+grammar | int4 | 1.0 | 1.0 | 20.0 | 1000.0 / 1000.0 | 500 | 212.5 | 3.30x | 9.84x | 2.30x | 50 % |  |');
  });

  it('still gives each engine against its fp32 without PyTorch, and keeps another host apart', () => {
    const tables = buildTables({ host, read_bandwidth_bytes_per_s: null, rows: genai }, { host: { ...host, hostname: 'other' }, rows: ts });
    expect(tables).toHaveLength(2);
    expect(speedups(tables[0]!.rows)).toEqual([['ort-genai', 'fp32', 1, null], ['ort-genai', 'int8', 2.35, null], ['ort-genai', 'int4', 3.14, null]]);
    expect(speedups(tables[1]!.rows)).toEqual([['ts-engine', 'fp32', 1, null], ['ts-engine', 'int4', 3.33, null], ['ts-engine+grammar', 'int4', 3.3, null]]);
  });
});
