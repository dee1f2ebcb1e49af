// `tooltune serve`: the run's quantized model behind an OpenAI-compatible chat completions endpoint.
import path from 'node:path';
import { describeTarget, loadEngine } from '../../lib/inference';
import { resolveServingConfig, type ServingConfig } from '../../lib/serve/config';
import { buildServer } from '../../lib/serve/server';
import { type Command, expectPositionals } from '../command';
import { UsageError, say, warn } from '../io';
import { resolveRunTarget } from '../run-target';

// Reads an integer flag, or undefined when absent.
function intFlag(values: Record<string, unknown>, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} must be an integer, got '${String(raw)}'`);
  return n;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve a run\'s model behind an OpenAI-compatible /v1/chat/completions',
  usage: 'tooltune serve <workflow-id | run folder | variant folder> [--variant recommended|int4|int8|fp32] [--host 127.0.0.1] [--port 8000] [--batch 4] [--threads N] [--no-constrained]',
  options: {
    variant: { type: 'string' }, 'artifacts-root': { type: 'string' }, host: { type: 'string' }, port: { type: 'string' }, batch: { type: 'string' },
    threads: { type: 'string' }, 'no-constrained': { type: 'boolean' }, 'queue-limit': { type: 'string' },
  },
  async run({ values, positionals }) {
    const [target] = expectPositionals(positionals, ['workflow-id | run folder | variant folder']) as [string];
    const dir = await resolveRunTarget(target, values['artifacts-root'] as string | undefined);
    const variant = values.variant as ServingConfig['variant'] | undefined;
    const port = intFlag(values, 'port') ?? 8000;
    if (port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, got ${port}`);
    // The run's serving section, when serving a run; the schema's defaults otherwise; then the flags. The engine
    // alone resolves the variant: the flag's, else (for a run folder) the serving section's.
    const described = describeTarget(dir);
    const config = resolveServingConfig(described.run?.spec.serving, {
      variant, batch: intFlag(values, 'batch'), threads: intFlag(values, 'threads'), queue_limit: intFlag(values, 'queue-limit'),
      constrained: values['no-constrained'] ? false : undefined,
    });
    const engine = await loadEngine(dir, { variant: variant ?? (described.isVariantFolder ? undefined : config.variant), threads: config.threads, executionProvider: config.execution_provider });
    if (engine.variantNote) warn(engine.variantNote);
    const variantName = path.basename(engine.variantDir);
    const modelId = engine.run ? `tooltune/${path.basename(engine.run.runDir)}/${variantName}` : `tooltune/${variantName}`;
    const failedCallsLog = engine.run ? path.join(engine.run.runDir, 'serving', 'failed-calls.jsonl') : null;
    const { app, shutdown } = buildServer(config, { engine, modelId, failedCallsLog });
    const host = (values.host as string | undefined) ?? '127.0.0.1';
    const address = await app.listen({ host, port });
    say(`serving ${modelId} (${engine.variantDir}) at ${address}/v1  — batch ${config.batch}, constrained ${config.constrained ? 'on' : 'off'}, max_tokens ${config.max_tokens}, temperature ${config.temperature}`);
    if (failedCallsLog) say(`failed tool calls are logged to ${failedCallsLog}`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        warn(`${signal}: finishing requests in flight, then stopping`);
        void shutdown().then(resolve);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    await engine.close();
    say('stopped');
    return 0;
  },
};
