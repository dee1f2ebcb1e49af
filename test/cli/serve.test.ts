// `tooltune serve` as a user starts it: binds to loopback, prints its address, and on SIGTERM finishes the
// request in flight before it exits 0.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/local/project';
import { onnxFixture, removeScratchDirs, scratchDir } from '../helpers/onnx-fixture';

// Starts `tooltune serve <target>` on a free port; resolves once it prints its address.
async function startServe(target: string) {
  const child = execa(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'tooltune.mjs'), 'serve', target, '--port', '0', '--threads', '1'], { reject: false, env: { NO_COLOR: '1' } });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /at (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(out);
      if (m) resolve(m[1] as string);
    });
    void child.then((r) => reject(new Error(`serve exited early: ${r.stderr}`)));
  });
  return { child, url };
}

describe('tooltune serve', () => {
  afterAll(removeScratchDirs);

  it('serves a variant folder on 127.0.0.1 and shuts down gracefully on SIGTERM', async () => {
    const fx = await onnxFixture();
    const { child, url } = await startServe(fx.int4);
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
    const inFlight = fetch(`${url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: models.data[0]?.id, messages: [{ role: 'user', content: 'Read the config file' }], max_tokens: 96, temperature: 0 }),
    });
    await new Promise((r) => setTimeout(r, 30));
    child.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { object: string }).object).toBe('chat.completion');
    const result = await child;
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/SIGTERM: finishing requests in flight/);
  }, 300_000);

  it("serves the variant of a run folder that its validation did not reject, saying why on stderr", async () => {
    const fx = await onnxFixture();
    const run = scratchDir('tt-serve-run-');
    mkdirSync(path.join(run, 'export', 'validation'), { recursive: true });
    mkdirSync(path.join(run, 'export', 'onnx'));
    symlinkSync(fx.fp32, path.join(run, 'export', 'onnx', 'fp32'));
    symlinkSync(fx.int4, path.join(run, 'export', 'onnx', 'int4'));
    writeFileSync(path.join(run, 'export', 'validation', 'validation.json'), JSON.stringify({
      recommended: null, reason: 'no variant passes: ...',
      variants: [
        { format: 'fp32', kept: false, reasons: ['val: tool_accuracy 85.0 % is not above 90.0 %'], tool_accuracy_drop: 0, max_accuracy_drop: 0.01 },
        { format: 'int4', kept: false, reasons: ['val: tool_accuracy fell 9.0 %'], tool_accuracy_drop: 0.09, max_accuracy_drop: 0.03 },
      ],
    }));
    const { child, url } = await startServe(run);
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data[0]?.id).toBe('tooltune/fp32');
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`(${path.join(run, 'export', 'onnx', 'fp32')})`);
    expect(result.stderr).toContain('no variant passed validate-quantized (no variant passes: ...); loading fp32, the smallest whose tool and parameter accuracy stayed within');
  }, 300_000);
});
