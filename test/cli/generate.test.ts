// `tooltune generate` on the tiny INT4 model as a user runs it: run folder, variant folder, workflow id, errors.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/local/project';
import { onnxFixture, removeScratchDirs, scratchDir, type OnnxFixture } from '../helpers/onnx-fixture';

// Runs the real CLI in a child process, without colours; Temporal points at a closed port (never the user's).
function tooltune(args: string[], cwd = PROJECT_ROOT) {
  return execa(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'tooltune.mjs'), ...args], {
    cwd, env: { NO_COLOR: '1', FORCE_COLOR: '', TOOLTUNE_DEBUG: '', TEMPORAL_ADDRESS: '127.0.0.1:9' }, reject: false, timeout: 60_000,
  });
}

const STACK = /^\s+at .+[:(]\d+/m;

describe('tooltune generate', () => {
  let fx: OnnxFixture;
  beforeAll(async () => {
    fx = await onnxFixture();
  }, 240_000);
  afterAll(removeScratchDirs);

  it('answers on the INT4 model of a run folder: tool call or parse errors, text, latency', async () => {
    const r = await tooltune(['generate', fx.root, 'Run npm test', '--threads', '1']);
    expect(r.exitCode, r.stderr).toBe(0);
    // What the tiny model writes depends on its few training steps: either shape of answer is fine.
    expect(r.stdout).toMatch(/^(tool call: \w+\(.*\)\n {2}name: \w+\n {2}parameters: \{.*\}|no tool call)\n/);
    expect(r.stdout).toMatch(/\ntext: ".*"\n/);
    expect(r.stdout).toMatch(/\nlatency: \d+\.\d ms \(first token \d+\.\d ms; prompt \d+ tokens, \d+ new, [\d.]+ tok\/s; stopped: (eos|tool_use|max_new_tokens)\)\n/);
    expect(r.stdout).toContain(`model: ${fx.int4}`);
  });

  it('--json on a variant folder, and a workflow id found under --artifacts-root', async () => {
    const direct = await tooltune(['generate', fx.int4, 'Open server.py', '--json', '--max-new-tokens', '40']);
    expect(direct.exitCode, direct.stderr).toBe(0);
    const a = JSON.parse(direct.stdout) as Record<string, any>;
    expect(a).toMatchObject({ variantDir: fx.int4, prompt: 'User: Open server.py\nAssistant:' });
    expect(a.newTokens).toBeLessThanOrEqual(40);
    for (const key of ['latencyMs', 'ttftMs', 'prefillMs', 'decodeMs', 'promptTokens']) expect(typeof a[key]).toBe('number');
    expect(a.toolCall === null || typeof a.toolCall.name === 'string').toBe(true);

    const artifacts = scratchDir('tt-artifacts-');
    mkdirSync(path.join(artifacts, 'runs'));
    symlinkSync(fx.root, path.join(artifacts, 'runs', 'tiny-run-1'));
    const byId = await tooltune(['generate', 'tiny-run-1', 'Open server.py', '--json', '--max-new-tokens', '40', '--artifacts-root', artifacts]);
    expect(byId.exitCode, byId.stderr).toBe(0);
    expect((JSON.parse(byId.stdout) as Record<string, unknown>).tokenIds).toEqual(a.tokenIds);
  });

  it("without --variant, loads the variant the run's validation chose and says why on stderr", async () => {
    // A run whose validation rejected both: INT4 lost 6 points, fp32 lost none but misses the 90 % floor.
    const run = scratchDir('tt-run-');
    mkdirSync(path.join(run, 'export', 'validation'), { recursive: true });
    mkdirSync(path.join(run, 'export', 'onnx'));
    for (const v of ['fp32', 'int4']) symlinkSync((fx as unknown as Record<string, string>)[v]!, path.join(run, 'export', 'onnx', v));
    const verdict = (format: string, drop: number, reasons: string[]) => ({ format, kept: false, reasons, bytes_on_disk: 1, tool_accuracy_drop: drop, max_accuracy_drop: 0.03 });
    writeFileSync(path.join(run, 'export', 'validation', 'validation.json'), JSON.stringify({
      recommended: null, reason: 'no variant passes: ...',
      variants: [verdict('fp32', 0, ['val: tool_accuracy 88.0 % is not above 90.0 %']), verdict('int4', 0.06, ['val: tool_accuracy fell 6.0 %'])],
    }));
    const r = await tooltune(['generate', run, 'Open server.py', '--max-new-tokens', '8', '--threads', '1']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`model: ${path.join(run, 'export', 'onnx', 'fp32')}`);
    expect(r.stderr).toContain('no variant passed validate-quantized (no variant passes: ...); loading fp32, the smallest whose tool and parameter accuracy stayed within');
    const asked = await tooltune(['generate', run, 'Open server.py', '--variant', 'int4', '--max-new-tokens', '8', '--threads', '1']);
    expect(asked.exitCode, asked.stderr).toBe(0);
    expect(asked.stdout).toContain(`model: ${path.join(run, 'export', 'onnx', 'int4')}`);
    expect(asked.stderr).toContain('int4 was rejected by validate-quantized: val: tool_accuracy fell 6.0 %');
  });

  it('errors: exit 1 naming the folder, exit 2 for bad flags, no stack trace', async () => {
    const [missing, unknownRun, badFlag] = await Promise.all([
      tooltune(['generate', fx.root, 'x', '--variant', 'int8']),
      tooltune(['generate', 'no-such-run', 'x']),
      tooltune(['generate', fx.int4, 'x', '--variant', 'int3']),
    ]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain(`${path.join(fx.root, 'export', 'onnx', 'int8')}: the run has no int8 variant (it has: fp32, int4)`);
    expect(missing.stderr).not.toMatch(STACK);
    expect(unknownRun.exitCode).toBe(1);
    expect(unknownRun.stderr).toMatch(/no folder .*artifacts\/runs\/no-such-run, and Temporal does not know the run's folder/);
    expect(badFlag.exitCode).toBe(2);
    expect(badFlag.stderr).toContain('--variant must be one of recommended, fp32, int8, int4');
  });
});
