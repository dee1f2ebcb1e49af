// `tooltune generate <run-id | run folder | variant folder> "request"`: the guide's inference example as a command.
import { loadEngine, VARIANT_WISHES, type ExecutionProvider, type GenerateResult, type GraphOptimization, type VariantWish } from '../../lib/inference';
import { renderToolCall } from '../../lib/tool-call/render';
import { type Command } from '../command';
import { UsageError, out, say, warn } from '../io';
import { resolveRunTarget } from '../run-target';

const GRAPH_LEVELS: string[] = ['disabled', 'basic', 'extended', 'all'];

export const generateCommand: Command = {
  name: 'generate',
  summary: "Run a request through a run's ONNX model and print the tool call, the text and the latency",
  usage: [
    'tooltune generate <workflow-id | run folder | variant folder> "<request>" [--variant recommended|int4|int8|fp32] [--json]',
    '          [--max-new-tokens N] [--threads N] [--temperature T] [--seed N] [--provider cpu|cuda]',
    '          [--graph-optimization disabled|basic|extended|all] [--artifacts-root DIR]',
    '  a workflow id is looked up as <artifacts-root>/runs/<id> (default ./artifacts), else asked of Temporal',
    "  --variant       which export/onnx/<variant> of a run (default recommended: validate-quantized's choice)",
    '  --threads       onnxruntime intra-op threads (default: one per core)',
  ].join('\n'),
  options: {
    variant: { type: 'string' }, json: { type: 'boolean' }, 'max-new-tokens': { type: 'string' }, threads: { type: 'string' },
    temperature: { type: 'string' }, seed: { type: 'string' }, provider: { type: 'string' }, 'artifacts-root': { type: 'string' },
    'graph-optimization': { type: 'string' },
  },
  async run({ values, positionals }) {
    if (positionals.length !== 2) throw new UsageError(`expected <run> "<request>", got ${positionals.length} argument(s)`);
    const [target, request] = positionals as [string, string];
    if (request.trim() === '') throw new UsageError('the request is empty');
    const variant = values.variant as string | undefined;
    if (variant !== undefined && !(VARIANT_WISHES as readonly string[]).includes(variant)) throw new UsageError(`--variant must be one of ${VARIANT_WISHES.join(', ')}`);
    const provider = (values.provider as string | undefined) ?? 'cpu';
    if (provider !== 'cpu' && provider !== 'cuda') throw new UsageError('--provider must be cpu or cuda');
    const graph = (values['graph-optimization'] as string | undefined) ?? 'all';
    if (!GRAPH_LEVELS.includes(graph)) throw new UsageError(`--graph-optimization must be one of ${GRAPH_LEVELS.join(', ')}`);
    const dir = await resolveRunTarget(target, values['artifacts-root'] as string | undefined);
    const engine = await loadEngine(dir, {
      ...(variant ? { variant: variant as VariantWish } : {}),
      threads: intFlag(values.threads, 'threads', 0, 0, 1024),
      executionProvider: provider as ExecutionProvider,
      graphOptimization: graph as GraphOptimization,
    });
    if (engine.variantNote) warn(engine.variantNote);
    try {
      const result = await engine.generate(request, {
        maxNewTokens: intFlag(values['max-new-tokens'], 'max-new-tokens', 128, 1, 4096),
        temperature: numberFlag(values.temperature, 'temperature', 0),
        seed: intFlag(values.seed, 'seed', 0, 0, 2 ** 31),
      });
      if (values.json) say(JSON.stringify({ variantDir: engine.variantDir, ...result }));
      else printResult(engine.variantDir, result);
      return 0;
    } finally {
      await engine.close();
    }
  },
};


function printResult(variantDir: string, r: GenerateResult): void {
  if (r.toolCalls.length === 0) say(out.yellow('no tool call'));
  for (const call of r.toolCalls) {
    say(`${out.bold('tool call')}: ${renderToolCall({ tool: call.name, params: call.parameters })}`);
    say(`  name: ${call.name}`);
    say(`  parameters: ${JSON.stringify(call.parameters)}`);
  }
  for (const e of r.parseErrors) say(out.yellow(`  did not parse: ${e}`));
  say(`${out.bold('text')}: ${JSON.stringify(r.text)}`);
  const tps = r.newTokens > 1 && r.decodeMs > 0 ? `, ${((r.newTokens - 1) / (r.decodeMs / 1000)).toFixed(1)} tok/s` : '';
  say(`${out.bold('latency')}: ${r.latencyMs.toFixed(1)} ms (first token ${r.ttftMs.toFixed(1)} ms; prompt ${r.promptTokens} tokens, ${r.newTokens} new${tps}; stopped: ${r.stopReason})`);
  say(out.dim(`model: ${variantDir}`));
}

function intFlag(raw: unknown, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
  return v;
}

function numberFlag(raw: unknown, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0) throw new UsageError(`--${name} must be a number >= 0`);
  return v;
}
