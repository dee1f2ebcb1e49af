// `tooltune serve` as a user starts it: binds to loopback, prints its address, and on SIGTERM finishes the
// request in flight before it exits 0.
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/local/project';
import { onnxFixture } from '../helpers/onnx-fixture';

describe('tooltune serve', () => {
  it('serves a variant folder on 127.0.0.1 and shuts down gracefully on SIGTERM', async () => {
    const fx = await onnxFixture();
    const child = execa(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'tooltune.mjs'), 'serve', fx.int4, '--port', '0', '--threads', '1'], { reject: false, env: { NO_COLOR: '1' } });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /at (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(out);
        if (m) resolve(m[1] as string);
      });
      void child.then((r) => reject(new Error(`serve exited early: ${r.stderr}`)));
    });
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
});
