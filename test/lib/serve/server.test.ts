// `tooltune serve`'s app on the tiny INT4 model, driven by the official openai client: tool calls whose
// arguments fit their schema, streaming, tool_choice, OpenAI-shaped errors, hostile bodies, a full queue,
// a client that goes away mid-stream, metrics, and a bounded load test on loopback.
import type { FastifyInstance } from 'fastify';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine, type Engine } from '../../../lib/inference';
import { resolveServingConfig } from '../../../lib/serve/config';
import { buildServer } from '../../../lib/serve/server';
import type { Slots } from '../../../lib/serve/slots';
import { loadBuiltinTools } from '../../../lib/tools/load-tools';
import { createParamsChecker } from '../../../lib/tools/validate-params';
import { onnxFixture } from '../../helpers/onnx-fixture';

const TOOLS = loadBuiltinTools();
const FUNCTIONS = TOOLS.map((t) => ({ type: 'function' as const, function: { name: t.name, description: t.description, parameters: t.inputSchema as Record<string, unknown> } }));
const check = createParamsChecker(TOOLS);
const MODEL = 'tooltune/tiny/int4';

// A server on a free loopback port with its own settings.
async function startServer(engine: Engine, overrides: Parameters<typeof resolveServingConfig>[1] = {}): Promise<{ app: FastifyInstance; slots: Slots; url: string; client: OpenAI }> {
  const { app, slots } = buildServer(resolveServingConfig({}, { temperature: 0, ...overrides }), { engine, modelId: MODEL, failedCallsLog: null });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, slots, url, client: new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 }) };
}

// Posts raw bytes, as a client that does not use the SDK would.
async function post(url: string, body: string | Buffer, type = 'application/json'): Promise<{ status: number; json: any }> {
  const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': type }, body });
  return { status: res.status, json: await res.json().catch(() => null) };
}

describe('tooltune serve (tiny INT4 model, openai client)', () => {
  let engine: Engine;
  let server: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    engine = await loadEngine((await onnxFixture()).int4, { threads: 1 });
    server = await startServer(engine);
  }, 300_000);
  afterAll(async () => {
    await server?.app.close();
    await engine?.close();
  });

  it('lists its model and answers with tool calls whose arguments fit the schema', async () => {
    const models = await server.client.models.list();
    expect(models.data.map((m) => m.id)).toEqual([MODEL]);
    let validated = 0;
    for (const text of ['Read the config file', 'search for TODO in src', 'run npm test']) {
      const r = await server.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: text }], tools: FUNCTIONS, tool_choice: 'required', max_tokens: 64 });
      const choice = r.choices[0];
      expect(r.object).toBe('chat.completion');
      expect(r.usage?.completion_tokens).toBeGreaterThan(0);
      if (choice?.finish_reason === 'length') continue; // stopped inside a long string: no call closed
      expect(choice?.finish_reason).toBe('tool_calls');
      for (const call of choice?.message.tool_calls ?? []) {
        if (call.type !== 'function') throw new Error('not a function call');
        expect(call.id).toMatch(/^call_/);
        expect(check({ tool: call.function.name, params: JSON.parse(call.function.arguments) })).toEqual([]);
        validated += 1;
      }
    }
    expect(validated).toBeGreaterThan(0);
  }, 120_000);

  it('honours a named tool_choice and none', async () => {
    const named = await server.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hello' }], tools: FUNCTIONS, tool_choice: { type: 'function', function: { name: 'glob' } }, max_tokens: 64 });
    const call = named.choices[0]?.message.tool_calls?.[0];
    // Even when max_tokens runs out inside the call, the grammar's closing allowance finishes it.
    expect(call?.type === 'function' && call.function.name).toBe('glob');
    const none = await server.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Read the config file' }], tools: FUNCTIONS, tool_choice: 'none', max_tokens: 32 });
    expect(none.choices[0]?.message.tool_calls).toBeUndefined();
  }, 60_000);

  it('stops before a stop sequence, streamed or not, and takes top_p', async () => {
    const base = { model: MODEL, messages: [{ role: 'user' as const, content: 'hello there' }], tools: FUNCTIONS, tool_choice: 'none' as const, max_tokens: 24, temperature: 0 };
    const content = (await server.client.chat.completions.create(base)).choices[0]?.message.content ?? '';
    expect(content.length).toBeGreaterThan(4);
    const stop = content.slice(2, 4);
    const expected = content.slice(0, content.indexOf(stop)).trim();
    const stopped = await server.client.chat.completions.create({ ...base, stop: [stop] });
    expect(stopped.choices[0]?.message.content ?? '').toBe(expected);
    expect(stopped.choices[0]?.finish_reason).toBe('stop');
    const stream = await server.client.chat.completions.create({ ...base, stop, stream: true });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
    expect(streamed.trim()).toBe(expected);
    const nucleus = await server.client.chat.completions.create({ ...base, temperature: 0.8, top_p: 0, seed: 5 });
    expect(nucleus.choices[0]?.message.content).toBe(content);
  }, 60_000);

  it('streams server-sent events in OpenAI chunk format', async () => {
    const stream = await server.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Read the config file' }], tools: FUNCTIONS, tool_choice: 'required', max_tokens: 64, stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const finish = chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean);
    expect(finish).toHaveLength(1);
    expect(chunks.at(-1)?.usage?.completion_tokens).toBeGreaterThan(0);
    if (finish[0] === 'tool_calls') {
      const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
      expect(calls.length).toBeGreaterThan(0);
      for (const c of calls) expect(check({ tool: c.function?.name ?? '', params: JSON.parse(c.function?.arguments ?? '{}') })).toEqual([]);
    }
  }, 60_000);

  it('answers errors in OpenAI\'s shape and keeps serving after hostile bodies', async () => {
    await expect(server.client.chat.completions.create({ model: 'gpt-4', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    await expect(server.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], frobnicate: 1 } as never)).rejects.toMatchObject({ status: 400 });
    await expect(server.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], tools: FUNCTIONS, tool_choice: { type: 'function', function: { name: 'nope' } } })).rejects.toMatchObject({ status: 400, param: 'tool_choice' });
    const hostile: [string, string | Buffer, number][] = [
      ['malformed JSON', '{"model": ', 400],
      ['wrong types', JSON.stringify({ model: MODEL, messages: 'hi', max_tokens: 'many' }), 400],
      ['a huge body', JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'x'.repeat(400_000) }] }), 413],
      ['deep nesting', `{"model": "${MODEL}", "messages": ${'['.repeat(50_000)}${']'.repeat(50_000)}}`, 400],
      ['invalid UTF-8', Buffer.concat([Buffer.from(`{"model": "${MODEL}", "messages": [{"role": "user", "content": "`), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}], "max_tokens": "x"}')]), 400],
      ['too many tokens asked', JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 100_000 }), 400],
    ];
    for (const [what, body, status] of hostile) {
      const r = await post(server.url, body);
      expect(r.status, what).toBe(status);
      expect(r.json?.error?.message, what).toEqual(expect.any(String));
    }
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/tooltune_requests_total\{status="400"\} \d+/);
    expect(metrics).toMatch(/tooltune_request_duration_seconds_bucket/);
  }, 60_000);

  it('turns requests away with 429 when the queue is full, and frees the slot of a client that left', async () => {
    const busy = await startServer(engine, { batch: 1, queue_limit: 0 });
    try {
      const body = { model: MODEL, messages: [{ role: 'user' as const, content: 'Read the config file' }], max_tokens: 64 };
      const results = await Promise.allSettled([busy.client.chat.completions.create(body), busy.client.chat.completions.create(body), busy.client.chat.completions.create(body)]);
      expect(results.filter((r) => r.status === 'rejected' && (r.reason as { status?: number }).status === 429).length).toBeGreaterThan(0);
      expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThan(0);
      // A streaming client that goes away after the first chunk.
      const controller = new AbortController();
      const stream = await busy.client.chat.completions.create({ ...body, max_tokens: 200, stream: true }, { signal: controller.signal });
      for await (const _chunk of stream) {
        controller.abort();
        break;
      }
      for (let i = 0; i < 100 && busy.slots.depth.running > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(busy.slots.depth).toEqual({ running: 0, queued: 0 });
      expect((await busy.client.chat.completions.create(body)).choices).toHaveLength(1);
    } finally {
      await busy.app.close();
    }
  }, 60_000);

  it('a bounded load test on loopback: 300 requests at concurrency 8, none lost, memory flat', async () => {
    const body = { model: MODEL, messages: [{ role: 'user' as const, content: 'Read the config file' }], tools: FUNCTIONS, max_tokens: 16 };
    const latencies: number[] = [];
    let next = 0;
    let failed = 0;
    const rss: number[] = [];
    const worker = async () => {
      while (next < 300) {
        next += 1;
        const t0 = performance.now();
        try {
          await server.client.chat.completions.create(body);
          latencies.push(performance.now() - t0);
        } catch {
          failed += 1;
        }
        if (latencies.length % 50 === 0) rss.push(process.memoryUsage().rss);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    latencies.sort((a, b) => a - b);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor((q / 100) * latencies.length))]?.toFixed(1);
    console.log(`load test: ${latencies.length} ok, ${failed} failed, p50 ${p(50)} ms, p95 ${p(95)} ms, rss ${rss.map((b) => Math.round(b / 2 ** 20)).join(' → ')} MiB`);
    expect(failed).toBe(0);
    expect(latencies).toHaveLength(300);
    expect((rss.at(-1) as number) - (rss[0] as number)).toBeLessThan(150 * 2 ** 20);
  }, 300_000);
});
