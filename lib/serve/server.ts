// The OpenAI-compatible server (Fastify): POST /v1/chat/completions (plain and streamed), GET /v1/models,
// /health and /metrics. Requests are validated by Fastify's ajv against openai-types.ts; errors have
// OpenAI's shape; generation runs in a bounded number of slots; a client that goes away frees its slot.
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Engine } from '../inference';
import { BadRequest, prepareRequest } from './chat-request';
import { newId, runCompletion, type CompletionResult } from './completion';
import type { ServingConfig } from './config';
import { Monitor } from './monitor';
import { chatCompletionBodySchema, type ChatCompletionRequest } from './openai-types';
import { QueueFullError, Slots } from './slots';

// Everything a server needs besides its settings.
export interface ServerDeps {
  engine: Engine;
  modelId: string;
  failedCallsLog: string | null;
  logger?: boolean;
}

// OpenAI's error body.
function errorBody(message: string, type: string, param: string | null = null, code: string | null = null) {
  return { error: { message, type, param, code } };
}

// Builds the app (not yet listening). shutdown() stops taking requests, lets those in flight finish (their
// connections close after the answer, so keep-alive clients cannot hold the server open), then closes.
export function buildServer(config: ServingConfig, deps: ServerDeps): { app: FastifyInstance; monitor: Monitor; slots: Slots; shutdown: () => Promise<void> } {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: config.body_limit_kb * 1024,
    // Unknown fields are an error (400), never silently dropped; no type coercion.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
  });
  const monitor = new Monitor({ threshold: config.alert_threshold, window: config.alert_window, failedCallsLog: deps.failedCallsLog, warn: (m) => process.stderr.write(`${new Date().toISOString()} ${m}\n`) });
  const slots = new Slots(config.batch, config.queue_limit);
  const created = Math.floor(Date.now() / 1000);

  app.addHook('onResponse', async (request, reply) => {
    if (request.url.startsWith('/v1/chat/completions')) monitor.countRequest(reply.statusCode);
  });
  app.addHook('onClose', async () => monitor.close());
  let closing = false;
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  app.setErrorHandler((err: FastifyError, _request, reply) => {
    if (err instanceof BadRequest) return reply.code(err.status).send(errorBody(err.message, 'invalid_request_error', err.param, err.code));
    if (err instanceof QueueFullError) return reply.code(429).send(errorBody(err.message, 'rate_limit_error', null, 'queue_full'));
    if (err.validation) {
      const first = err.validation[0];
      const param = first?.instancePath ? first.instancePath.slice(1).replace(/\//g, '.') : first?.keyword === 'additionalProperties' ? String((first.params as { additionalProperty?: string }).additionalProperty) : null;
      return reply.code(400).send(errorBody(`invalid request: ${err.message}`, 'invalid_request_error', param));
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) app.log.error(err);
    return reply.code(status).send(errorBody(status === 500 ? 'internal error' : err.message, status === 500 ? 'server_error' : 'invalid_request_error', null, err.code ?? null));
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody(`no route ${request.method} ${request.url}`, 'invalid_request_error', null, 'not_found')));

  app.get('/health', async () => ({ status: 'ok', model: deps.modelId, queue: slots.depth, tool_call_validity: monitor.currentValidity() }));
  app.get('/v1/models', async () => ({ object: 'list', data: [{ id: deps.modelId, object: 'model', created, owned_by: 'tooltune' }] }));
  app.get('/metrics', async (_request, reply) => {
    monitor.queueDepth.set(slots.depth.queued);
    monitor.running.set(slots.depth.running);
    return reply.type(monitor.registry.contentType).send(await monitor.registry.metrics());
  });

  app.post<{ Body: ChatCompletionRequest }>('/v1/chat/completions', { schema: { body: chatCompletionBodySchema } }, async (request, reply) => {
    const req = request.body;
    if (req.model !== deps.modelId) throw new BadRequest(`The model '${req.model}' does not exist (this server has '${deps.modelId}')`, 'model', 404, 'model_not_found');
    const prepared = prepareRequest(deps.engine, req, { maxTokens: config.max_tokens, maxTokensLimit: config.max_tokens_limit, temperature: config.temperature });
    const abort = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) abort.abort(new Error('client disconnected'));
    });
    const release = await slots.acquire(abort.signal);
    const id = newId('chatcmpl-');
    const started = performance.now();
    try {
      if (req.stream) return await streamCompletion(reply, id, prepared, req, abort);
      const result = await runCompletion(deps.engine, prepared, { constrained: config.constrained, signal: abort.signal });
      record(id, prepared.lastUserMessage, result, started);
      return {
        id, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: deps.modelId,
        choices: [{ index: 0, message: { role: 'assistant', content: result.content, ...(result.toolCalls.length ? { tool_calls: result.toolCalls } : {}) }, finish_reason: result.finishReason, logprobs: null }],
        usage: result.usage,
      };
    } finally {
      release();
    }
  });

  // Feeds an answer to the monitor.
  function record(id: string, request: string, r: CompletionResult, started: number): void {
    monitor.record({ requestId: id, request, output: r.generation.text, latencySeconds: (performance.now() - started) / 1000, newTokens: r.generation.newTokens, decodeSeconds: r.generation.decodeMs / 1000, toolCalls: r.blocks, errors: r.errors });
  }

  // Server-sent events in OpenAI's chunk format, then `data: [DONE]`.
  async function streamCompletion(reply: FastifyReply, id: string, prepared: ReturnType<typeof prepareRequest>, req: ChatCompletionRequest, abort: AbortController): Promise<FastifyReply> {
    const started = performance.now();
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: closing ? 'close' : 'keep-alive' });
    const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) =>
      raw.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: deps.modelId, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }], ...extra })}\n\n`);
    chunk({ role: 'assistant', content: '' });
    try {
      const result = await runCompletion(deps.engine, prepared, {
        constrained: config.constrained, signal: abort.signal,
        sink: { content: (delta) => chunk({ content: delta }), toolCall: (index, call) => chunk({ tool_calls: [{ index, ...call }] }) },
      });
      record(id, prepared.lastUserMessage, result, started);
      chunk({}, result.finishReason);
      if (req.stream_options?.include_usage) raw.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: deps.modelId, choices: [], usage: result.usage })}\n\n`);
      raw.end('data: [DONE]\n\n');
    } catch (err) {
      if (!abort.signal.aborted) {
        app.log.error(err);
        raw.end(`data: ${JSON.stringify(errorBody('internal error', 'server_error'))}\n\n`);
      }
    }
    return reply;
  }

  const shutdown = async () => {
    closing = true;
    await app.close();
  };
  return { app, monitor, slots, shutdown };
}
