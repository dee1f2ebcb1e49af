// Re-runs the benchmark stage on a finished run folder (a quiet machine gives steadier figures than the run
// itself), prints the table and writes it into docs/BENCHMARKS.md between its inference markers.
//   npx tsx scripts/bench-inference.ts <run folder> [--threads 2] [--new-tokens 64] [--prompts 4] [--runs 3] [--no-docs]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { benchmarkEngine } from '../activities/benchmark';
import type { BenchmarkOutput } from '../activities/types';
import { renderTables } from '../lib/bench/table';
import { PROJECT_ROOT, pythonPath } from '../lib/local/project';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { threads: { type: 'string', default: '2' }, 'new-tokens': { type: 'string', default: '64' }, prompts: { type: 'string', default: '4' }, runs: { type: 'string', default: '3' }, 'no-docs': { type: 'boolean' } },
});
const runDir = path.resolve(positionals[0] ?? '');
const onnx = path.join(runDir, 'export', 'onnx');
if (!positionals[0] || !existsSync(onnx)) {
  process.stderr.write('usage: npx tsx scripts/bench-inference.ts <run folder with export/onnx/> [--threads N] [--new-tokens N] [--prompts N] [--runs N] [--no-docs]\n');
  process.exit(2);
}
const variants = ['fp32', 'int8', 'int4'].filter((v) => existsSync(path.join(onnx, v))).map((name) => ({ name, path: path.join(onnx, name) }));
const spec = (JSON.parse(readFileSync(path.join(runDir, 'spec.resolved.json'), 'utf8')) as { spec: { dataset: { format: 'text' | 'chat' } } }).spec;
const settings = {
  run_dir: runDir, merged_dir: path.join(runDir, 'export', 'merged'), cases_path: path.join(runDir, 'dataset', 'val_cases.jsonl'), out_dir: 'benchmark-rerun',
  variants, record_format: spec.dataset.format, num_prompts: Number(values.prompts), new_tokens: Number(values['new-tokens']), warmup_runs: 1, runs: Number(values.runs), threads: Number(values.threads), pytorch: true,
};
// The Python half checks that run_dir lies in the workers' artifacts root: here, the folder around the run.
const py = await execa(pythonPath(), ['-m', 'activities.benchmark', JSON.stringify(settings)], {
  cwd: path.join(PROJECT_ROOT, 'python-activities'), reject: false, env: { TOOLTUNE_ARTIFACTS_ROOT: path.dirname(runDir) },
});
if (py.exitCode !== 0) throw new Error(`the Python half failed: ${py.stderr.slice(-3000)}`);
const python = JSON.parse(py.stdout.trim().split('\n').pop() ?? '{}') as BenchmarkOutput;
const joined = await benchmarkEngine({ run_dir: runDir, out_dir: 'benchmark-rerun', python, variants, tools_path: path.join(runDir, 'dataset', 'tools.json'), grammar_variant: variants.at(-1)?.name ?? null });
const command = `npx tsx scripts/bench-inference.ts ${path.relative(PROJECT_ROOT, runDir)} --threads ${values.threads} --new-tokens ${values['new-tokens']} --prompts ${values.prompts} --runs ${values.runs}`;
const section = [`Measured ${new Date().toISOString().slice(0, 10)} with \`${command}\` on the run \`${path.basename(runDir)}\` (${python.results.length ? `${settings.num_prompts} validation prompts × ${settings.runs} passes, ${settings.new_tokens} new tokens each` : ''}).`, '', renderTables(joined.tables)].join('\n');
process.stdout.write(`${section}\n`);
if (!values['no-docs']) {
  const docs = path.join(PROJECT_ROOT, 'docs', 'BENCHMARKS.md');
  const text = readFileSync(docs, 'utf8');
  const start = '<!-- bench-inference:start -->';
  const end = '<!-- bench-inference:end -->';
  const block = `${start}\n${section}\n${end}`;
  writeFileSync(docs, text.includes(start) ? text.replace(new RegExp(`${start}[\\s\\S]*?${end}`), block) : `${text.trimEnd()}\n\n## Inference: PyTorch, onnxruntime-genai and the TypeScript engine\n\n${block}\n`);
  process.stdout.write(`wrote ${path.relative(PROJECT_ROOT, docs)}\n`);
}
