// The lint rules that keep workflow code deterministic do fire: Node built-ins, value imports of
// activities and floating promises are errors under workflows/, and the real workflow code is clean.
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: ROOT });

// Lints source text as if it lived at workflows/<name>.ts and returns the rule ids that fired.
async function rulesFor(source: string, name = 'x.lint-probe.ts'): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(ROOT, 'workflows', name) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('workflow determinism lint', () => {
  it('bans Node built-ins in workflow code', async () => {
    expect(await rulesFor("import { readFile } from 'node:fs/promises';\nexport const f = readFile;\n")).toContain('no-restricted-imports');
    expect(await rulesFor("import crypto from 'crypto';\nexport const c = crypto;\n")).toContain('no-restricted-imports');
  });

  it('allows activities as types only', async () => {
    expect(await rulesFor("import { prepareRun } from '../activities/spec';\nexport const p = prepareRun;\n")).toContain('no-restricted-imports');
    expect(await rulesFor("import type { TsActivities } from '../activities/types';\nexport type T = TsActivities;\n")).toEqual([]);
  });

  it('bans process, timers and Math.random', async () => {
    expect(await rulesFor('export const e = process.env.X;\n')).toContain('no-restricted-globals');
    expect(await rulesFor('export const r = Math.random();\n')).toContain('no-restricted-properties');
  });

  it('rejects floating promises', async () => {
    expect(await rulesFor('async function f(): Promise<void> {}\nexport function g(): void {\n  f();\n}\n')).toContain('@typescript-eslint/no-floating-promises');
  });

  it('passes on the real workflow code', async () => {
    const results = await eslint.lintFiles(['workflows/**/*.ts']);
    expect(results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line} ${m.ruleId}`))).toEqual([]);
  });
}, 60_000);
