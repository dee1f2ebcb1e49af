// `tooltune validate` as a user runs it: exit codes 0/1/2, every problem as file:line:col, --json, --help, no stack traces.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BROKEN = path.join(ROOT, 'test', 'fixtures', 'broken-specs', '33-many-schema-errors.yaml');

// Runs the real CLI in a child process, without colours or debug output.
function tooltune(...args: string[]) {
  return execa(process.execPath, [path.join(ROOT, 'bin', 'tooltune.mjs'), ...args], {
    cwd: ROOT,
    env: { NO_COLOR: '1', FORCE_COLOR: '', TOOLTUNE_DEBUG: '' },
    reject: false,
    timeout: 30_000,
  });
}

const STACK = /^\s+at .+[:(]\d+/m;

describe.concurrent('tooltune validate', () => {
  it('exits 0 and says valid for an example', async () => {
    const r = await tooltune('validate', 'specs/examples/tiny.yaml');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^valid .*tiny\.yaml \(tiny: tiny-phi3, source tiny\)$/);
    expect(r.stderr).toBe('');
  });

  it('exits 1 listing every problem as file:line:col, with excerpts and no stack trace', async () => {
    const r = await tooltune('validate', path.relative(ROOT, BROKEN));
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${BROKEN}: 7 problems`);
    for (const [line, col, key] of [[9, 7, 'name'], [12, 11, 'model.source'], [14, 18, 'training.learning_rate'], [16, 3, 'lora.lora_rank'], [19, 20, 'evaluation.thresholds.tool_accuracy'], [21, 15, 'stages.finetune.retries'], [22, 7, 'seed']] as const) {
      expect(r.stderr).toContain(`${BROKEN}:${line}:${col}  ${key}: `);
    }
    expect(r.stderr).toContain('  16 |   lora_rank: 32');
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).not.toContain('\u001b[');
  });

  it('exits 1 for a file that does not exist, without a stack trace', async () => {
    const r = await tooltune('validate', 'specs/examples/nope.yaml');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('no such file');
    expect(r.stderr).not.toMatch(STACK);
  });

  it('prints one JSON object with every problem under --json', async () => {
    const r = await tooltune('validate', BROKEN, '--json');
    expect(r.exitCode).toBe(1);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const report = JSON.parse(r.stdout) as { valid: boolean; file: string; problems: { path: string; line: number; column: number; message: string }[] };
    expect(report.valid).toBe(false);
    expect(report.file).toBe(BROKEN);
    expect(report.problems).toHaveLength(7);
    for (const p of report.problems) expect(p).toEqual(expect.objectContaining({ path: expect.any(String), line: expect.any(Number), column: expect.any(Number), message: expect.any(String) }));
  });

  it('prints the filled-in spec under --json for a valid one', async () => {
    const r = await tooltune('validate', 'specs/examples/phi4-mcp.yaml', '--json');
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout) as { valid: boolean; spec: { stages: { finetune: unknown } } };
    expect(report.valid).toBe(true);
    expect(report.spec.stages.finetune).toEqual({ retry: 'patient', timeout: 'training' });
  });

  it.each([
    ['no spec', ['validate']],
    ['two specs', ['validate', 'a.yaml', 'b.yaml']],
    ['an unknown flag', ['validate', 'specs/examples/tiny.yaml', '--strict']],
  ])('exits 2 with the usage on a usage error: %s', async (_label, args) => {
    const r = await tooltune(...args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Usage: tooltune validate <spec.yaml> [--json]');
    expect(r.stderr).not.toMatch(STACK);
  });

  it('exits 2 for an unknown command, and with no command at all', async () => {
    const [unknown, none] = await Promise.all([tooltune('valdate', 'x.yaml'), tooltune()]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'valdate'");
    expect(none.exitCode).toBe(2);
  });

  it('--help works for validate and for the top level', async () => {
    const [sub, top] = await Promise.all([tooltune('validate', '--help'), tooltune('--help')]);
    expect(sub.exitCode).toBe(0);
    expect(sub.stdout).toContain('Usage: tooltune validate <spec.yaml> [--json]');
    expect(top.exitCode).toBe(0);
    expect(top.stdout).toMatch(/^\s+validate\s+Check a spec/m);
    expect(top.stdout).toContain('Usage: tooltune <command>');
  });

  it('stops quietly when the reader closes the pipe early (tooltune ... | head -1)', async () => {
    const child = execa(process.execPath, [path.join(ROOT, 'bin', 'tooltune.mjs'), 'validate', 'specs/examples/tiny.yaml'], {
      cwd: ROOT, env: { NO_COLOR: '1', FORCE_COLOR: '' }, reject: false, timeout: 30_000,
    });
    child.stdout?.destroy(); // closed before the command prints: its write fails with EPIPE
    const r = await child;
    expect(r.exitCode).toBe(0);
    expect(r.stderr).not.toContain('EPIPE');
    expect(r.stderr).not.toMatch(STACK);
  });
});
