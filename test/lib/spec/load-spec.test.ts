// loadSpec reads a file, inline text or an object, and keeps the spec file and every input file inside the
// workers' input roots or artifacts root (worker configuration, never the spec's).
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpec, type SpecSource } from '../../../lib/spec/load-spec';
import { MAX_SPEC_BYTES } from '../../../lib/spec/parse-yaml';
import { InvalidSpecError, type SpecProblem } from '../../../lib/spec/problems';
import type { WorkerRoots } from '../../../lib/worker-roots';

const MINIMAL = 'name: load\nmodel:\n  model_name: microsoft/phi-4\n';

// A scratch tree, no symlinks: <tmp>/outside.jsonl, <tmp>/project/{spec.yaml,data/,tools/,models/}, <tmp>/arts/.
let tmp: string;
let project: string;
// The workers' roots for these tests: inputs from the project folder, artifacts under <tmp>/arts.
let roots: WorkerRoots;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'tooltune-load-spec-'));
  project = path.join(tmp, 'project');
  roots = { artifactsRoot: path.join(tmp, 'arts'), inputRoots: [project] };
  for (const dir of ['data', 'tools', 'models', 'data/folder.jsonl']) await mkdir(path.join(project, dir), { recursive: true });
  await mkdir(path.join(tmp, 'arts'));
  await writeFile(path.join(tmp, 'outside.jsonl'), '{}\n');
  await writeFile(path.join(tmp, 'arts', 'made.jsonl'), '{}\n');
  await writeFile(path.join(project, 'data', 'examples.jsonl'), '{}\n');
  await writeFile(path.join(project, 'tools', 'tools.json'), '[]\n');
  await writeFile(path.join(project, 'models', 'm.gguf'), 'GGUF');
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

// Writes spec.yaml into the project with some dataset lines, and loads it from a relative path.
async function loadProjectSpec(extra: string) {
  await writeFile(path.join(project, 'spec.yaml'), `${MINIMAL}${extra}`);
  return loadSpec({ specPath: 'project/spec.yaml' }, tmp, roots);
}

async function problemsOf(load: Promise<unknown>): Promise<SpecProblem[]> {
  const error = await load.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidSpecError);
  return (error as InvalidSpecError).problems;
}

describe('loadSpec sources', () => {
  it("reads a file relative to cwd; the artifacts root is the workers' own", async () => {
    const loaded = await loadProjectSpec('');
    expect(loaded.file).toBe(path.join(project, 'spec.yaml'));
    expect(loaded.specDir).toBe(project);
    expect(loaded.artifactsRoot).toBe(path.join(tmp, 'arts'));
    expect(loaded.spec.training.learning_rate).toBe(5e-5);
    expect(loaded).toMatchObject({ toolFiles: [], exampleFiles: [], ggufFile: null });
  });

  it('takes inline text, with cwd as the folder for relative input files', async () => {
    const loaded = await loadSpec({ specText: `${MINIMAL}dataset: { example_files: [data/examples.jsonl] }\n` }, project, roots);
    expect(loaded.file).toBe('(inline spec text)');
    expect(loaded.specDir).toBe(project);
    expect(loaded.exampleFiles).toEqual([path.join(project, 'data', 'examples.jsonl')]);
  });

  it('takes a spec object, and places the problems of a bad one on the lines of its YAML form', async () => {
    const source: SpecSource = { spec: { name: 'obj', model: { model_name: 'microsoft/phi-4' }, lora: { lora_r: 0 } } };
    expect((await loadSpec({ spec: { name: 'obj', model: { model_name: 'm' } } }, project, roots)).file).toBe('(inline spec object)');
    const problems = await problemsOf(loadSpec(source, project, roots));
    expect(problems).toEqual([expect.objectContaining({ path: 'lora.lora_r', line: 5 })]);
    expect(problems[0]?.excerpt).toContain('lora_r: 0');
  });

  it('refuses a missing spec file, a folder, and an oversized file before reading it', async () => {
    expect(await problemsOf(loadSpec({ specPath: 'nope.yaml' }, project, roots))).toEqual([expect.objectContaining({ path: '(file)', message: 'no such file' })]);
    expect(await problemsOf(loadSpec({ specPath: 'data' }, project, roots))).toEqual([expect.objectContaining({ path: '(file)', message: 'not a regular file' })]);
    await writeFile(path.join(project, 'big.yaml'), Buffer.alloc(MAX_SPEC_BYTES + 1, 0x23));
    expect((await problemsOf(loadSpec({ specPath: 'big.yaml' }, project, roots)))[0]?.message).toContain('the limit is');
  });
});

describe('input files', () => {
  it('resolve relative to the spec\'s folder, normalised', async () => {
    const loaded = await loadProjectSpec('dataset:\n  tool_files: [tools/tools.json]\n  example_files: [data/../data/examples.jsonl, ./data/examples.jsonl]\n');
    expect(loaded.toolFiles).toEqual([path.join(project, 'tools', 'tools.json')]);
    expect(loaded.exampleFiles).toEqual([path.join(project, 'data', 'examples.jsonl'), path.join(project, 'data', 'examples.jsonl')]);
  });

  it("may be absolute when inside the workers' input roots or artifacts root", async () => {
    const arts = path.join(tmp, 'arts');
    const loaded = await loadProjectSpec(`dataset:\n  example_files:\n    - ${path.join(project, 'data', 'examples.jsonl')}\n    - ${path.join(arts, 'made.jsonl')}\n`);
    expect(loaded.exampleFiles).toEqual([path.join(project, 'data', 'examples.jsonl'), path.join(arts, 'made.jsonl')]);
  });

  it('resolves gguf_file for source gguf', async () => {
    const loaded = await loadSpec({ specText: 'name: g\nmodel: { model_name: gemma, source: gguf, gguf_file: models/m.gguf }\n' }, project, roots);
    expect(loaded.ggufFile).toBe(path.join(project, 'models', 'm.gguf'));
  });

  it('are refused when they leave the folder, even if the file exists, and each is reported at its line', async () => {
    const outside = path.join(tmp, 'outside.jsonl');
    const problems = await problemsOf(loadProjectSpec(`dataset:\n  example_files:\n    - ../outside.jsonl\n    - ${outside}\n    - data/../../outside.jsonl\n`));
    expect(problems.map((p) => `${p.path} @ ${p.line}`)).toEqual(['dataset.example_files[0] @ 6', 'dataset.example_files[1] @ 7', 'dataset.example_files[2] @ 8']);
    for (const p of problems) expect(p.message).toMatch(/outside the workers' input folders \(TOOLTUNE_INPUT_ROOTS\) and artifacts root/);
  });

  it('are refused when missing or not a regular file, all at once with gguf_file', async () => {
    const text = 'dataset:\n  tool_files: [tools/none.json]\n  example_files: [data/folder.jsonl]\n';
    await writeFile(path.join(project, 'spec.yaml'), `name: load\nmodel: { model_name: gemma, source: gguf, gguf_file: models/none.gguf }\n${text}`);
    const problems = await problemsOf(loadSpec({ specPath: path.join(project, 'spec.yaml') }, project, roots));
    expect(problems.map((p) => `${p.path} @ ${p.line}`).sort()).toEqual(['dataset.example_files[0] @ 5', 'dataset.tool_files[0] @ 4', 'model.gguf_file @ 2']);
    for (const p of problems) expect(p.message).toMatch(/^no such file: \//);
  });
});

describe('symbolic links', () => {
  it('refuses an input file that is a link pointing outside the spec folder', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'tooltune-outside-'));
    await writeFile(path.join(outside, 'secret.jsonl'), '{}\n');
    const dir = await mkdtemp(path.join(tmpdir(), 'tooltune-spec-'));
    await mkdir(path.join(dir, 'data'));
    await symlink(path.join(outside, 'secret.jsonl'), path.join(dir, 'data', 'link.jsonl'));
    const specPath = path.join(dir, 'spec.yaml');
    await writeFile(specPath, 'name: s\nmodel:\n  model_name: m\ndataset:\n  example_files: [data/link.jsonl]\n');
    await expect(loadSpec({ specPath }, dir, { artifactsRoot: path.join(dir, 'arts'), inputRoots: [dir] })).rejects.toThrow(/dataset\.example_files\[0\].*outside/s);
  });
});
