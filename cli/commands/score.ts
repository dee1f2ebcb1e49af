// `tooltune score --cases <jsonl> --predictions <jsonl>`: the validation levels on any case set.
import { readFile } from 'node:fs/promises';
import { loadBuiltinTools } from '../../lib/tools/load-tools';
import { assessQuality, formatScoreReport, parseCase, parsePrediction, readJsonl, scorePredictions, type ToolDefinition } from '../../lib/score';
import { type Command } from '../command';
import { UsageError, say } from '../io';

export const scoreCommand: Command = {
  name: 'score',
  summary: 'Score predictions against cases: detection, parsing, tool, parameter and schema accuracy',
  usage: 'tooltune score --cases <cases.jsonl> --predictions <predictions.jsonl> [--tools <tools.json>] [--json]\n  --tools  MCP tool definitions for schema checks (default: the built-in tools)\n  thresholds for the quality tier: --tool-accuracy 0.95 --param-accuracy 0.98 --tool-detection 0.97',
  options: {
    cases: { type: 'string' }, predictions: { type: 'string' }, tools: { type: 'string' }, json: { type: 'boolean' },
    'tool-accuracy': { type: 'string' }, 'param-accuracy': { type: 'string' }, 'tool-detection': { type: 'string' },
  },
  async run({ values, positionals }) {
    if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
    if (typeof values.cases !== 'string' || typeof values.predictions !== 'string') throw new UsageError('--cases and --predictions are required');
    const fraction = (name: string, fallback: number): number => {
      const raw = values[name];
      if (raw === undefined) return fallback;
      const v = Number(raw);
      if (!Number.isFinite(v) || v < 0 || v > 1) throw new UsageError(`--${name} must be a fraction from 0 to 1`);
      return v;
    };
    const cases = await readJsonl(values.cases, parseCase);
    const predictions = await readJsonl(values.predictions, parsePrediction);
    const tools = typeof values.tools === 'string' ? (JSON.parse(await readFile(values.tools, 'utf8')) as ToolDefinition[]) : await loadBuiltinTools();
    const report = scorePredictions(cases, predictions, tools);
    const quality = assessQuality(report, { tool_accuracy: fraction('tool-accuracy', 0.95), param_accuracy: fraction('param-accuracy', 0.98), tool_detection: fraction('tool-detection', 0.97) });
    if (values.json) say(JSON.stringify({ ...report, quality }));
    else say(`${formatScoreReport(report)}\nquality: ${quality.tier}${quality.failed.length ? ` (below: ${quality.failed.join(', ')})` : ''}`);
    return 0;
  },
};
