// The tiny model exported to ONNX (fp32 and int4) for the inference engine's tests, built once and cached.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { PROJECT_ROOT, pythonPath } from '../../lib/local/project';

// Paths of the built fixture: a run-folder layout (export/onnx/<variant>) plus the HF model and the data.
export interface OnnxFixture {
  root: string;
  hfDir: string;
  fp32: string;
  int4: string;
  /** The same model's fp32 through the torch.onnx fallback exporter (python-activities/activities/torch_export.py). */
  torchFp32: string;
  /** Its INT4 (onnxruntime's MatMulNBitsQuantizer on torchFp32). */
  torchInt4: string;
  data: { train: string; val: string; cases: string };
  vocabSize: number;
}

const SCRIPT = path.join(PROJECT_ROOT, 'python-activities', 'tests', 'onnx_fixture.py');
// Files whose content decides the fixture: a change in any of them builds a new one.
const INPUTS = [SCRIPT, ...['tiny.py', 'formatting.py', 'contracts.py', 'torch_export.py', 'onnx_builder.py'].map((f) => path.join(PROJECT_ROOT, 'python-activities', 'activities', f)),
  path.join(PROJECT_ROOT, 'python-activities', 'tests', 'fixture_data.py')];

// The python interpreter the tests use.
export const PYTHON = pythonPath();

let building: Promise<OnnxFixture> | undefined;

// Builds (about 30 s, once per content hash, shared by all test files through a lock folder) or reuses the fixture.
export function onnxFixture(): Promise<OnnxFixture> {
  building ??= buildOnce();
  return building;
}

async function buildOnce(): Promise<OnnxFixture> {
  const hash = createHash('sha256');
  for (const f of INPUTS) hash.update(readFileSync(f));
  const root = path.join(tmpdir(), `tooltune-onnx-fixture-${hash.digest('hex').slice(0, 16)}`);
  const done = path.join(root, 'fixture.json');
  const lock = `${root}.lock`;
  for (let waited = 0; !existsSync(done); waited += 500) {
    try {
      mkdirSync(lock);
    } catch {
      // Another test file is building it: wait, and take over a lock left by a killed process.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 5 * 60_000) rmSync(lock, { recursive: true, force: true });
      await sleep(500);
      continue;
    }
    try {
      const run = await execa(PYTHON, [SCRIPT, root], { reject: false, timeout: 5 * 60_000 });
      if (run.exitCode !== 0) throw new Error(`onnx_fixture.py failed:\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-4000)}`);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  const info = JSON.parse(readFileSync(done, 'utf8')) as { hf_dir: string; data: OnnxFixture['data']; variants: Record<string, string>; vocab_size: number };
  const abs = (p: string) => path.join(root, p);
  return {
    root,
    hfDir: abs(info.hf_dir),
    fp32: abs(info.variants.fp32 ?? ''),
    int4: abs(info.variants.int4 ?? ''),
    torchFp32: abs(info.variants.torch_fp32 ?? ''),
    torchInt4: abs(info.variants.torch_int4 ?? ''),
    data: { train: abs(info.data.train), val: abs(info.data.val), cases: abs(info.data.cases) },
    vocabSize: info.vocab_size,
  };
}

const scratch: string[] = [];

// A temporary folder for one test; removeScratchDirs() (in afterAll) deletes every one made in the file.
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

// Deletes the folders scratchDir made.
export function removeScratchDirs(): void {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
}
