// One variant in the TypeScript engine, timed in a process of its own so its peak resident memory is its
// own: `node --import tsx lib/bench/engine-child.ts VARIANT_DIR PROMPTS_JSON OUT_JSON [--grammar TOOLS_JSON]`.
// Reads the prompt ids and settings the Python half wrote (bench-prompts.json) and writes the same fields
// as python-activities/activities/bench_child.py, plus the grammar's share of decode time when asked.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadEngine, type Engine, type GenerateOptions, type StepConstraint } from '../inference';
import type { ToolDefinition } from '../tools/tool-definition';
import { percentile } from './stats';

// This process's peak resident memory: VmHWM (the kernel's high-water mark of this program, reset by exec),
// not getrusage's maxRSS, which Linux carries over from the worker process that forked this one.
function peakRss(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

// The shared prompts file.
interface PromptsFile {
  threads: number;
  new_tokens: number;
  warmup_runs: number;
  runs: number;
  prompts: number[][];
}

// Wraps a constraint so the time spent in the grammar (masks and accepts) is counted.
function timed(step: StepConstraint, spent: { ms: number }): StepConstraint {
  return {
    ...step,
    async maskLogits(logits, offset) {
      const t0 = performance.now();
      await step.maskLogits(logits, offset);
      spent.ms += performance.now() - t0;
    },
    accept(id) {
      const t0 = performance.now();
      const ok = step.accept(id);
      spent.ms += performance.now() - t0;
      return ok;
    },
    isTerminated: () => step.isTerminated(),
    dispose: () => step.dispose(),
  };
}

// Times every prompt `runs` times after the warm-up; decode excludes the first token (it carries prefill).
async function measure(engine: Engine, spec: PromptsFile, tools: ToolDefinition[] | null): Promise<Record<string, unknown>> {
  const base: GenerateOptions = { maxNewTokens: spec.new_tokens, minNewTokens: tools ? undefined : spec.new_tokens, stopAfterToolUse: false };
  const compiler = tools ? await engine.constraints() : null;
  const spent = { ms: 0 };
  const run = async (ids: number[]) => {
    const step = compiler && tools ? await compiler.start(tools, 'required') : null;
    return engine.generateIds(ids, { ...base, constraint: step ? timed(step, spent) : null });
  };
  for (let i = 0; i < spec.warmup_runs; i++) await run(spec.prompts[i % spec.prompts.length] as number[]);
  spent.ms = 0;
  const latency: number[] = [];
  const ttft: number[] = [];
  const prefill: number[] = [];
  const decode: number[] = [];
  const produced: number[] = [];
  let decodeMs = 0;
  for (let r = 0; r < spec.runs; r++) {
    for (const ids of spec.prompts) {
      const g = await run(ids);
      produced.push(g.newTokens);
      latency.push(g.prefillMs + g.decodeMs);
      ttft.push(g.prefillMs);
      prefill.push(ids.length / (g.prefillMs / 1000));
      if (g.newTokens > 1) decode.push((g.newTokens - 1) / (g.decodeMs / 1000));
      decodeMs += g.decodeMs;
    }
  }
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    engine: tools ? 'ts-engine+grammar' : 'ts-engine', requests: latency.length, new_tokens: spec.new_tokens, min_tokens_produced: Math.min(...produced),
    latency_ms_p50: round(percentile(latency, 50)), latency_ms_p95: round(percentile(latency, 95)), ttft_ms_p50: round(percentile(ttft, 50)),
    prefill_tokens_per_s: round(percentile(prefill, 50)), decode_tokens_per_s: decode.length ? round(percentile(decode, 50)) : null,
    peak_rss_bytes: peakRss(), ...(tools ? { grammar_fraction_of_decode: round((spent.ms / decodeMs) * 10000) / 10000 } : {}),
  };
}

// CLI of the child; exit 2 on bad arguments, 1 on failure (message on stderr).
async function main(argv: string[]): Promise<number> {
  const [variantDir, promptsPath, outPath, flag, toolsPath] = argv;
  if (!variantDir || !promptsPath || !outPath || (flag !== undefined && (flag !== '--grammar' || !toolsPath))) {
    process.stderr.write('usage: engine-child.ts VARIANT_DIR PROMPTS_JSON OUT_JSON [--grammar TOOLS_JSON]\n');
    return 2;
  }
  const spec = JSON.parse(readFileSync(promptsPath, 'utf8')) as PromptsFile;
  const tools = toolsPath ? (JSON.parse(readFileSync(toolsPath, 'utf8')) as ToolDefinition[]) : null;
  const t0 = performance.now();
  const engine = await loadEngine(variantDir, { threads: spec.threads });
  const loadS = (performance.now() - t0) / 1000;
  const result = { ...(await measure(engine, spec, tools)), load_s: Math.round(loadS * 1000) / 1000 };
  await engine.close();
  writeFileSync(`${outPath}.tmp`, JSON.stringify(result, null, 2));
  renameSync(`${outPath}.tmp`, outPath);
  return 0;
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code), (err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exitCode = 1;
});
