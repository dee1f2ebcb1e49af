// Times the validate-quantized stage on a finished run folder: one prompt at a time with onnxruntime's spinning
// threads (the stage before batching), one at a time with sleeping threads, and batched; every set, free and
// constrained. Counts the cases whose output differs from the one-at-a-time run and the scores, prints the table
// and writes it into docs/BENCHMARKS.md between its validate markers. Writes only under <run>/bench-validate/.
//   npx tsx scripts/bench-validate.ts <run folder> [--threads 2] [--batch 8] [--variants int8,int4] [--no-docs]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { ScoreMetrics, ValidateQuantizedInput, ValidateQuantizedOutput } from '../activities/types';
import { validateQuantized } from '../activities/validate-quantized';
import { PROJECT_ROOT } from '../lib/local/project';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { threads: { type: 'string', default: '2' }, batch: { type: 'string', default: '8' }, variants: { type: 'string', default: 'int8,int4' }, 'no-docs': { type: 'boolean' } },
});
const runDir = path.resolve(positionals[0] ?? '');
if (!positionals[0] || !existsSync(path.join(runDir, 'export', 'onnx'))) {
  process.stderr.write('usage: npx tsx scripts/bench-validate.ts <run folder with export/onnx/> [--threads N] [--batch N] [--variants int8,int4] [--no-docs]\n');
  process.exit(2);
}
const threads = Number(values.threads);
const batch = Number(values.batch);
const formats = values.variants.split(',') as ('int8' | 'int4')[];
const resolved = JSON.parse(readFileSync(path.join(runDir, 'spec.resolved.json'), 'utf8')) as { spec: { dataset: { format: 'text' | 'chat' }; evaluation: { max_new_tokens: number; temperature: number; thresholds: ValidateQuantizedInput['thresholds'] } } };
const spec = resolved.spec;
const inRun = (...p: string[]) => path.join(runDir, ...p);
const sets = [
  { label: 'val', cases_path: inRun('dataset', 'val_cases.jsonl') },
  { label: 'suite', cases_path: inRun('dataset', 'suite_cases.jsonl') },
  { label: 'holdout', cases_path: inRun('holdout', 'holdout_cases.jsonl') },
].filter((s) => existsSync(s.cases_path));
// The judge's reference does not matter to timings; the run's own fine-tuned metrics when its summary has them.
const summary = existsSync(inRun('summary.json')) ? (JSON.parse(readFileSync(inRun('summary.json'), 'utf8')) as { workflowId?: string; metrics?: Record<string, ScoreMetrics> }) : {};
const reference = summary.metrics?.finetuned ?? null;

const configs = [
  { name: 'batch 1, spinning threads (before)', batch_size: 1, spinning: true },
  { name: 'batch 1, sleeping threads', batch_size: 1, spinning: false },
  { name: `batch ${batch}, sleeping threads`, batch_size: batch, spinning: false },
];
const outputs: { config: (typeof configs)[number]; format: string; out: ValidateQuantizedOutput; wallMs: number; load: number }[] = [];
for (const format of formats) {
  for (const [i, config] of configs.entries()) {
    const load = os.loadavg()[0]!;
    const started = performance.now();
    const out = await validateQuantized({
      run_dir: runDir, out_dir: `bench-validate/${format}-${i}`, variants: [{ format, dir: `export/onnx/${format}`, max_accuracy_drop: 1 }],
      case_sets: sets.map((s, j) => ({ ...s, judge: j === 0, reference: reference ?? { total: 0, tool_detection: 0, tool_parsing: 0, tool_accuracy: 0, param_accuracy: 0, schema_validity: 0 } })),
      tools_path: inRun('dataset', 'tools.json'), thresholds: spec.evaluation.thresholds, record_format: spec.dataset.format,
      max_new_tokens: spec.evaluation.max_new_tokens, temperature: spec.evaluation.temperature, min_tool_accuracy: 0,
      threads, constrained: true, batch_size: config.batch_size, spinning: config.spinning,
    });
    const wallMs = performance.now() - started;
    outputs.push({ config, format, out, wallMs, load });
    process.stderr.write(`${format} ${config.name}: ${(wallMs / 1000).toFixed(1)} s (load ${load.toFixed(2)})\n`);
  }
}

// Cases whose output differs from the first config's, and tool/param accuracy, summed over the sets of a mode.
const linesOf = (p: string) => readFileSync(p, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { output: string }).output);
const rows: string[] = [];
for (const o of outputs) {
  const v = o.out.variants[0]!;
  const base = outputs.find((b) => b.format === o.format)!.out.variants[0]!;
  const cells = ['free', 'constrained'].map((mode) => {
    const labels = sets.map((s) => (mode === 'free' ? s.label : `${s.label}-constrained`));
    const changed = labels.reduce((n, l) => {
      const a = linesOf(base.predictions_paths[l]!);
      const b = linesOf(v.predictions_paths[l]!);
      return n + a.filter((x, k) => x !== b[k]).length;
    }, 0);
    const total = labels.reduce((n, l) => n + v.metrics[l]!.total, 0);
    const acc = (k: 'tool_accuracy' | 'param_accuracy') => ((labels.reduce((n, l) => n + v.metrics[l]![k] * v.metrics[l]!.total, 0) / total) * 100).toFixed(1);
    return { s: ((v.predict_wall_ms[mode] ?? 0) / 1000).toFixed(1), changed, acc: `${acc('tool_accuracy')} / ${acc('param_accuracy')}`, total };
  });
  const baseWall = outputs.find((b) => b.format === o.format)!.wallMs;
  rows.push(`| ${o.format} | ${o.config.name} | ${cells[0]!.s} | ${cells[1]!.s} | ${(o.wallMs / 1000).toFixed(1)} | ${(baseWall / o.wallMs).toFixed(2)}x | ${cells[0]!.changed} / ${cells[1]!.changed} of ${cells[0]!.total} | ${cells[0]!.acc} | ${cells[1]!.acc} | ${o.load.toFixed(2)} |`);
}
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const shownRun = path.relative(PROJECT_ROOT, runDir).startsWith('..') ? runDir : path.relative(PROJECT_ROOT, runDir);
const command = `npx tsx scripts/bench-validate.ts ${shownRun} --threads ${threads} --batch ${batch} --variants ${values.variants}`;
const section = [
  `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC with \`${command}\` on the run \`${summary.workflowId ?? path.basename(runDir)}\`${summary.workflowId && summary.workflowId !== path.basename(runDir) ? ` (its files copied to ${path.basename(runDir)}/)` : ''}: ${os.hostname()}, ${cpu}, ${os.cpus().length} cores, ${threads} onnxruntime threads; ${sets.map((s) => s.label).join(' + ')} (${outputs[0]?.out.variants[0] ? sets.length : 0} sets), free then constrained, max_new_tokens ${spec.evaluation.max_new_tokens}.`,
  '',
  '| variant | decoding | free (s) | constrained (s) | stage (s) | speedup | outputs changed vs batch 1 spinning (free / constrained) | tool / param accuracy free (%) | constrained (%) | load (1 min) |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...rows,
].join('\n');
process.stdout.write(`${section}\n`);
if (!values['no-docs']) {
  const docs = path.join(PROJECT_ROOT, 'docs', 'BENCHMARKS.md');
  const text = readFileSync(docs, 'utf8');
  const start = '<!-- bench-validate:start -->';
  const end = '<!-- bench-validate:end -->';
  const block = `${start}\n${section}\n${end}`;
  writeFileSync(docs, text.includes(start) ? text.replace(new RegExp(`${start}[\\s\\S]*?${end}`), block) : `${text.trimEnd()}\n\n## validate-quantized: batched decoding\n\n${block}\n`);
  process.stdout.write(`wrote ${path.relative(PROJECT_ROOT, docs)}\n`);
}
