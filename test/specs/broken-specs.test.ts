// Every broken spec in test/fixtures/broken-specs is refused with exactly the problems its `# expect:` lines name.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../lib/spec/load-spec';
import { readWorkerRoots } from '../../lib/worker-roots';
import { MAX_SPEC_BYTES } from '../../lib/spec/parse-yaml';
import { InvalidSpecError, type SpecProblem } from '../../lib/spec/problems';

const DIR = fileURLToPath(new URL('../fixtures/broken-specs/', import.meta.url));
const files = (await readdir(DIR)).filter((f) => f.endsWith('.yaml')).sort();

// The (path, line) pairs a fixture's leading `# expect: <key path> @ <line>` comments name.
function expectations(text: string): string[] {
  return [...text.matchAll(/^# expect: (\S+) @ (\d+)$/gm)].map((m) => `${m[1]} @ ${m[2]}`);
}

// Loads a spec that must be invalid and returns its problems (its folder counts as a workers' input root).
async function problemsOf(specPath: string): Promise<SpecProblem[]> {
  const roots = readWorkerRoots();
  const error = await loadSpec({ specPath }, process.cwd(), { ...roots, inputRoots: [...roots.inputRoots, path.dirname(specPath)] }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `${specPath} should be invalid`).toBeInstanceOf(InvalidSpecError);
  return (error as InvalidSpecError).problems;
}

describe('broken spec corpus', () => {
  it('holds at least 30 fixtures, each named NN-short-name.yaml and opening with # expect: lines', async () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    for (const file of files) {
      expect(file).toMatch(/^\d{2}-[a-z0-9-]+\.yaml$/);
      const text = await readFile(path.join(DIR, file), 'utf8');
      expect(text.startsWith('# expect: '), file).toBe(true);
    }
  });

  it.each(files)('%s', async (file) => {
    const specPath = path.join(DIR, file);
    const expected = expectations(await readFile(specPath, 'utf8'));
    expect(expected.length, `${file} has no # expect: lines`).toBeGreaterThan(0);
    const problems = await problemsOf(specPath);
    const got = problems.map((p) => `${p.path} @ ${p.line}`);
    // Set equality on (path, line), and no problem reported twice.
    expect(new Set(got)).toEqual(new Set(expected));
    expect(got).toHaveLength(new Set(got).size);
    for (const p of problems) {
      expect(p.column, `${p.path} column`).toBeGreaterThanOrEqual(1);
      expect(p.message.length, `${p.path} message`).toBeGreaterThan(0);
      if (p.line > 0) expect(p.excerpt, `${p.path} excerpt`).toMatch(/^ *\d+ \| .*\n *\| *\^$/);
    }
  });

  it('refuses a spec over 256 KiB (a pasted dataset in a comment) without parsing it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tooltune-big-spec-'));
    try {
      const specPath = path.join(dir, '99-huge.yaml');
      const pasted = Array.from({ length: 4000 }, (_, i) => `# {"text": "example ${i} with a long line of padding ${'x'.repeat(40)}"}`);
      const text = ['name: huge', 'model:', '  model_name: microsoft/phi-4', ...pasted, ''].join('\n');
      expect(Buffer.byteLength(text)).toBeGreaterThan(MAX_SPEC_BYTES);
      await writeFile(specPath, text);
      const problems = await problemsOf(specPath);
      expect(problems).toEqual([expect.objectContaining({ path: '(file)', line: 1, column: 1 })]);
      expect(problems[0]?.message).toContain(`the limit is ${MAX_SPEC_BYTES}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
