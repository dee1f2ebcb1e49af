// Stage "benchmark" (TypeScript half): each ONNX variant in the TypeScript engine on the prompt ids the
// Python half wrote, one child process per variant (its peak memory is its own), plus the grammar's cost
// on the smallest variant; then one table per host with speedups against PyTorch fp32.
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { writeFileAtomic, writeJsonAtomic } from '../lib/atomic-write';
import { buildTables, renderTables, type BenchHost, type BenchRow, type BenchTable } from '../lib/bench/table';
import { PROJECT_ROOT } from '../lib/local/project';
import { describeThisMachine } from '../lib/report/machine';
import { resolveInside } from '../lib/paths';
import { activityContext } from './activity-context';
import type { BenchmarkEngineInput, BenchmarkEngineOutput } from './types';

const CHILD = path.join(PROJECT_ROOT, 'lib', 'bench', 'engine-child.ts');

// Runs one child; heartbeats while it runs; cancellation kills it.
async function runChild(args: string[], label: string): Promise<Record<string, unknown>> {
  const ctx = activityContext();
  const out = args[2] as string;
  const child = execa(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: PROJECT_ROOT, reject: false, cancelSignal: ctx?.cancellationSignal, all: true });
  const beat = setInterval(() => ctx?.heartbeat({ engine: label }), 1000);
  try {
    const result = await child;
    if (result.exitCode !== 0) throw new Error(`benchmark of ${label} failed (exit ${result.exitCode}): ${String(result.all ?? '').slice(-2000)}`);
  } finally {
    clearInterval(beat);
  }
  return JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
}

// This worker's machine, in the Python half's terms.
function thisHost(threads: number): BenchHost {
  const m = describeThisMachine();
  return { hostname: m.hostname, cpu_model: m.cpu_model, logical_cpus: m.cpu_threads, threads };
}

// Times the variants in the TypeScript engine and writes benchmark.json and benchmark.md.
export async function benchmarkEngine(input: BenchmarkEngineInput): Promise<BenchmarkEngineOutput> {
  const outDir = resolveInside(input.run_dir, input.out_dir);
  const py = input.python;
  const prompts = JSON.parse(await readFile(py.prompts_path, 'utf8')) as { threads: number };
  const rows: BenchRow[] = [];
  for (const v of input.variants) {
    const genai = py.results.find((r) => r.engine === 'ort-genai' && r.variant === v.name);
    const sized = (raw: Record<string, unknown>): BenchRow => {
      const perToken = genai?.bytes_read_per_token ?? 0;
      const decode = raw.decode_tokens_per_s as number | null;
      const roof = decode && perToken && py.read_bandwidth_bytes_per_s ? Math.round((decode * perToken / py.read_bandwidth_bytes_per_s) * 10000) / 10000 : null;
      return { ...(raw as unknown as BenchRow), variant: v.name, bytes_on_disk: genai?.bytes_on_disk ?? 0, bytes_read_per_token: perToken, roofline_fraction: roof };
    };
    rows.push(sized(await runChild([v.path, py.prompts_path, path.join(outDir, `bench-ts-engine-${v.name}.json`)], `ts-engine ${v.name}`)));
    if (input.tools_path && v.name === input.grammar_variant) {
      rows.push(sized(await runChild([v.path, py.prompts_path, path.join(outDir, `bench-ts-grammar-${v.name}.json`), '--grammar', input.tools_path], `ts-engine+grammar ${v.name}`)));
    }
  }
  const tables: BenchTable[] = buildTables({ host: py.host, read_bandwidth_bytes_per_s: py.read_bandwidth_bytes_per_s, rows: py.results as BenchRow[] }, { host: thisHost(prompts.threads), rows });
  const jsonPath = path.join(outDir, 'benchmark.json');
  const markdownPath = path.join(outDir, 'benchmark.md');
  await writeJsonAtomic(jsonPath, { tables });
  await writeFileAtomic(markdownPath, `${renderTables(tables)}\n`);
  return { tables, json_path: jsonPath, markdown_path: markdownPath };
}
