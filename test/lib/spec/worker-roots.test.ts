// The artifacts root and the input folders are the workers' configuration: a spec cannot move the
// artifacts root (artifacts_root: / used to let it write anywhere), may only name a relative subfolder,
// and a spec file outside the input roots is refused before it is read.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareRun } from '../../../activities/spec';
import { PROJECT_ROOT } from '../../../lib/local/project';
import { loadSpec } from '../../../lib/spec/load-spec';
import { InvalidSpecError, type SpecProblem } from '../../../lib/spec/problems';
import { readWorkerRoots, type WorkerRoots } from '../../../lib/worker-roots';

const MINIMAL = 'name: roots\nmodel:\n  model_name: microsoft/phi-4\n';
let tmp: string;
let roots: WorkerRoots;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'tooltune-roots-'));
  await mkdir(path.join(tmp, 'project'));
  await mkdir(path.join(tmp, 'elsewhere'));
  roots = { artifactsRoot: path.join(tmp, 'arts'), inputRoots: [path.join(tmp, 'project')] };
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function problemsOf(load: Promise<unknown>): Promise<SpecProblem[]> {
  const error = await load.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidSpecError);
  return (error as InvalidSpecError).problems;
}

describe('readWorkerRoots', () => {
  it('defaults to <project>/artifacts and the project folder', () => {
    expect(readWorkerRoots({})).toEqual({ artifactsRoot: path.join(PROJECT_ROOT, 'artifacts'), inputRoots: [PROJECT_ROOT] });
  });

  it('reads TOOLTUNE_ARTIFACTS_ROOT and a delimited TOOLTUNE_INPUT_ROOTS, relative ones against the project', () => {
    const env = { TOOLTUNE_ARTIFACTS_ROOT: '/srv/tt', TOOLTUNE_INPUT_ROOTS: ['/data/a', 'specs', ''].join(path.delimiter) };
    expect(readWorkerRoots(env)).toEqual({ artifactsRoot: '/srv/tt', inputRoots: ['/data/a', path.join(PROJECT_ROOT, 'specs')] });
  });
});

describe('a spec cannot choose where the workers write', () => {
  it('refuses artifacts_root, naming the key and the workers\' variable', async () => {
    const problems = await problemsOf(loadSpec({ specText: `${MINIMAL}artifacts_root: /\n` }, path.join(tmp, 'project'), roots));
    expect(problems).toEqual([expect.objectContaining({ path: 'artifacts_root', line: 4 })]);
    expect(problems[0]?.message).toMatch(/TOOLTUNE_ARTIFACTS_ROOT/);
  });

  it.each([
    ['/', 'absolute'], ['/etc', 'absolute'], ['../up', "'..'"], ['a/../../b', "'..'"], ['a//b', 'separated'], ['a\\b', 'absolute'], ['.', 'separated'],
  ])('refuses artifacts_subdir %j at its key path', async (subdir, why) => {
    const problems = await problemsOf(loadSpec({ specText: `${MINIMAL}artifacts_subdir: ${JSON.stringify(subdir)}\n` }, path.join(tmp, 'project'), roots));
    expect(problems).toEqual([expect.objectContaining({ path: 'artifacts_subdir', line: 4 })]);
    expect(problems[0]?.message).toContain(why);
  });

  it('places runs under a plain subfolder of the root', async () => {
    const loaded = await loadSpec({ specText: `${MINIMAL}artifacts_subdir: team-a/exp.1\n` }, path.join(tmp, 'project'), roots);
    expect(loaded.artifactsRoot).toBe(path.join(tmp, 'arts', 'team-a', 'exp.1'));
  });
});

describe('a spec file outside the input roots', () => {
  it('is refused before it is read: nothing of its content appears in the error', async () => {
    const secret = path.join(tmp, 'elsewhere', 'secret.yaml');
    await writeFile(secret, 'TOP-SECRET-CONTENT: [unclosed\n');
    const error = await loadSpec({ specPath: secret }, tmp, roots).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidSpecError);
    const problems = (error as InvalidSpecError).problems;
    expect(problems).toEqual([expect.objectContaining({ path: '(file)' })]);
    expect(problems[0]?.message).toMatch(/outside the workers' input folders \(TOOLTUNE_INPUT_ROOTS/);
    expect(JSON.stringify(problems) + (error as Error).message).not.toContain('TOP-SECRET');
  });
});

describe('prepareRun', () => {
  it('lays the run folder out under TOOLTUNE_ARTIFACTS_ROOT and refuses a spec that names artifacts_root', async () => {
    const saved = process.env.TOOLTUNE_ARTIFACTS_ROOT;
    process.env.TOOLTUNE_ARTIFACTS_ROOT = path.join(tmp, 'worker-arts');
    try {
      const plan = await prepareRun({ source: { specText: `${MINIMAL}artifacts_subdir: sub\n` }, workflow_id: 'roots-1' });
      expect(plan.run_dir).toBe(path.join(tmp, 'worker-arts', 'sub', 'runs', 'roots-1'));
      const failure = await prepareRun({ source: { specText: `${MINIMAL}artifacts_root: /\n` }, workflow_id: 'roots-2' }).then(() => undefined, (e: unknown) => e);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect((failure as ApplicationFailure).type).toBe('InvalidSpec');
      expect((failure as ApplicationFailure).message).toMatch(/artifacts_root/);
    } finally {
      if (saved === undefined) delete process.env.TOOLTUNE_ARTIFACTS_ROOT;
      else process.env.TOOLTUNE_ARTIFACTS_ROOT = saved;
    }
  });
});
