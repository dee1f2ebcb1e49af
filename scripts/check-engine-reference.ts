// Checks the TypeScript engine against the references on a real run's files: fp32 ONNX greedy tokens against
// PyTorch generate on the merged HF model, and each other variant against onnxruntime-genai on the same folder.
//   npx tsx scripts/check-engine-reference.ts <merged HF dir> <run folder> [cases.jsonl] [--n 4] [--max-new-tokens 24]
// cases default to <run>/dataset/val_cases.jsonl; prints one line per case and variant, exits 1 on any difference.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { loadEngine, resolveVariantDir, VARIANTS } from '../lib/inference';
import { PROJECT_ROOT, pythonPath } from '../lib/local/project';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { n: { type: 'string' }, 'max-new-tokens': { type: 'string' } } });
const [hfDir, runDir, casesArg] = positionals;
if (!hfDir || !runDir) throw new Error('usage: check-engine-reference.ts <merged HF dir> <run folder> [cases.jsonl] [--n 4] [--max-new-tokens 24]');
const n = Number(values.n ?? 4);
const maxNewTokens = Number(values['max-new-tokens'] ?? 24);
const casesPath = casesArg ?? path.join(runDir, 'dataset', 'val_cases.jsonl');
const cases = readFileSync(casesPath, 'utf8').trim().split('\n').slice(0, n).map((l) => JSON.parse(l) as { id: string; query?: string; prompt?: string });
const { run } = resolveVariantDir(runDir, 'fp32');
const format = run?.format ?? 'text';
const variants = VARIANTS.filter((v) => existsSync(path.join(runDir, 'export', 'onnx', v)));

const tmp = mkdtempSync(path.join(tmpdir(), 'tt-check-'));
try {
  const request = {
    runs: [{ cases, record_format: format, max_new_tokens: maxNewTokens, stop_after_tool_use: false }],
    genai_runs: variants.map((v) => ({ dir: path.join(runDir, 'export', 'onnx', v), cases, record_format: format, max_new_tokens: maxNewTokens })),
  };
  writeFileSync(path.join(tmp, 'request.json'), JSON.stringify(request));
  const ref = await execa(pythonPath(), [path.join(PROJECT_ROOT, 'python-activities', 'tests', 'onnx_reference.py'), hfDir, path.join(tmp, 'request.json')], { reject: false });
  if (ref.exitCode !== 0) throw new Error(`onnx_reference.py failed:\n${ref.stderr.slice(-3000)}`);
  const out = JSON.parse(ref.stdout.trim().split('\n').pop() ?? '{}') as { runs: { prompt: string; ids: number[] }[][]; genai: number[][][] };
  let differ = 0;
  for (const [vi, variant] of variants.entries()) {
    const engine = await loadEngine(runDir, { variant, recordFormat: format });
    try {
      for (const [i, c] of cases.entries()) {
        const r = await engine.generateCase(c, { maxNewTokens, stopAfterToolUse: false });
        const ids = r.stopReason === 'eos' ? r.tokenIds.slice(0, -1) : r.tokenIds;
        const genai = JSON.stringify(ids) === JSON.stringify(out.genai[vi]?.[i]);
        const torch = out.runs[0]![i]!;
        const torchOk = JSON.stringify(r.tokenIds) === JSON.stringify(torch.ids) && r.prompt === torch.prompt;
        const same = (a: number[], b: number[]) => a.findIndex((t, k) => t !== b[k]);
        const agree = same(r.tokenIds, torch.ids);
        if (!genai || (variant === 'fp32' && !torchOk)) differ++;
        console.log(`${variant.padEnd(4)} ${c.id.padEnd(24)} = onnxruntime-genai: ${genai ? 'yes' : 'NO'}   = PyTorch: ${torchOk ? 'yes' : `no (first ${agree < 0 ? Math.min(r.tokenIds.length, torch.ids.length) : agree} tokens agree)`}`);
      }
    } finally {
      await engine.close();
    }
  }
  console.log(differ ? `${differ} mismatch(es)` : `all equal: ${cases.length} prompts x ${maxNewTokens} tokens, variants ${variants.join(', ')} (fp32 against PyTorch too)`);
  process.exitCode = differ ? 1 : 0;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
