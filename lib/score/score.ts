// Scores model outputs against expected tool calls on the guide's levels, all or nothing per case.
import { parseToolUse } from '../tool-call/syntax';
import { collectDefaults, compareCalls, type ParamDefaults, preview } from './compare-calls';
import { createSchemaChecker, type SchemaChecker } from './schema-check';
import {
  ERROR_CATEGORIES,
  LEVELS,
  type Breakdown,
  type Case,
  type CaseFailure,
  type DetectionReport,
  type ErrorCategory,
  type Level,
  type Prediction,
  type ScoreReport,
  type ToolDefinition,
} from './types';

const MAX_FAILURES = 50;
const MAX_REASONS = 10;

interface CaseOutcome {
  pass: Record<Level, boolean>;
  reasons: string[];
  /** Whether the output held at least one <tool_use> block (false without a prediction). */
  called: boolean;
  /** With a call: whether every block parsed and every call fits its tool's schema (schemas when given). */
  callValid: boolean;
}

// Scores every case against its prediction (by id). Throws only on bad inputs the caller controls:
// duplicate case ids or tool schemas that do not compile. Model output never makes it throw.
export function scorePredictions(cases: Case[], predictions: Prediction[], tools: ToolDefinition[]): ScoreReport {
  const errors = Object.fromEntries(ERROR_CATEGORIES.map((c) => [c, 0])) as Record<ErrorCategory, number>;
  const caseIds = new Set<string>();
  for (const c of cases) {
    if (caseIds.has(c.id)) throw new Error(`duplicate case id ${JSON.stringify(c.id)}`);
    caseIds.add(c.id);
  }
  const byId = new Map<string, Prediction>();
  for (const p of predictions) {
    if (byId.has(p.id)) errors.duplicate_prediction++;
    else if (!caseIds.has(p.id)) errors.unmatched_prediction++;
    else byId.set(p.id, p);
  }
  const checker = tools.length > 0 ? createSchemaChecker(tools) : undefined;
  const defaults = collectDefaults(tools);
  const passed = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;
  const groups = { per_tool: new Map<string, Tally>(), per_category: new Map<string, Tally>(), per_difficulty: new Map<string, Tally>() };
  const failures: CaseFailure[] = [];
  const detection = { toolCases: 0, noToolCases: 0, detected: 0, falseCalls: 0 };
  const calls = { outputs: 0, valid: 0 };
  let failed = 0;
  for (const c of cases) {
    const outcome = scoreCase(c, byId.get(c.id), { checker, defaults }, errors);
    for (const level of LEVELS) if (outcome.pass[level]) passed[level]++;
    if (outcome.called) {
      calls.outputs++;
      if (outcome.callValid) calls.valid++;
    }
    if (c.expected.length === 0) {
      detection.noToolCases++;
      if (outcome.called) detection.falseCalls++;
    } else {
      detection.toolCases++;
      if (outcome.called) detection.detected++;
    }
    const toolKey = toolKeyOf(c);
    addTo(groups.per_tool, toolKey, outcome);
    addTo(groups.per_category, c.category ?? 'uncategorized', outcome);
    addTo(groups.per_difficulty, c.difficulty ?? 'unspecified', outcome);
    if (!outcome.pass.param_accuracy || (checker !== undefined && !outcome.pass.schema_validity)) {
      failed++;
      if (failures.length < MAX_FAILURES) failures.push({ id: c.id, reasons: boundReasons(outcome.reasons) });
    }
  }
  const rate = (n: number) => (cases.length === 0 ? 0 : n / cases.length);
  return {
    total: cases.length,
    tool_detection: rate(passed.tool_detection),
    tool_parsing: rate(passed.tool_parsing),
    tool_accuracy: rate(passed.tool_accuracy),
    param_accuracy: rate(passed.param_accuracy),
    schema_validity: checker === undefined ? null : rate(passed.schema_validity),
    passed,
    per_tool: finish(groups.per_tool),
    per_category: finish(groups.per_category),
    per_difficulty: finish(groups.per_difficulty),
    errors,
    failed,
    failures,
    detection: summarizeDetection(detection),
    call_validity: { outputs_with_calls: calls.outputs, valid: calls.valid, rate: calls.outputs === 0 ? null : calls.valid / calls.outputs },
    latency_ms: summarizeLatency([...byId.values()]),
  };
}

// The per_tool key: the one expected tool, 'multi-step' for several, 'no-tool' for none.
function toolKeyOf(c: Case): string {
  if (c.expected.length === 0) return 'no-tool';
  return c.expected.length === 1 ? (c.expected[0]?.tool ?? 'none') : 'multi-step';
}

function summarizeDetection(d: { toolCases: number; noToolCases: number; detected: number; falseCalls: number }): DetectionReport {
  const calls = d.detected + d.falseCalls;
  return {
    tool_cases: d.toolCases,
    no_tool_cases: d.noToolCases,
    recall: d.toolCases === 0 ? null : d.detected / d.toolCases,
    precision: calls === 0 ? null : d.detected / calls,
    false_calls: d.falseCalls,
    false_call_rate: d.noToolCases === 0 ? null : d.falseCalls / d.noToolCases,
  };
}

function scoreCase(
  c: Case,
  prediction: Prediction | undefined,
  { checker, defaults }: { checker: SchemaChecker | undefined; defaults: ParamDefaults },
  errors: Record<ErrorCategory, number>,
): CaseOutcome {
  const pass = Object.fromEntries(LEVELS.map((l) => [l, false])) as Record<Level, boolean>;
  if (prediction === undefined) {
    errors.missing_prediction++;
    return { pass, reasons: ['missing_prediction: no prediction has this id'], called: false, callValid: false };
  }
  const reasons: string[] = [];
  const parsed = parseToolUse(prediction.output);
  const called = parsed.blocks > 0;
  const noTool = c.expected.length === 0;
  // Detection is the call / no-call decision: a block where calls are expected, none where none are.
  pass.tool_detection = noTool ? !called : called;
  pass.tool_parsing = pass.tool_detection && parsed.errors.length === 0;
  if (noTool && called) {
    errors.false_call++;
    reasons.push('false_call: no tool fits this request, but the output calls one');
  } else if (!pass.tool_detection) {
    reasons.push('no <tool_use> block in the output');
  }
  for (const e of parsed.errors) {
    errors.parse_error++;
    reasons.push(`parse_error: ${e}`);
  }
  const comparison = compareCalls(c.expected, parsed.calls, defaults);
  for (const d of comparison.differences) {
    errors[d.category]++;
    reasons.push(`${d.category}: ${d.reason}`);
  }
  let callValid = called && parsed.errors.length === 0;
  pass.tool_accuracy = pass.tool_parsing && comparison.toolsMatch;
  pass.param_accuracy = pass.tool_parsing && comparison.callsMatch;
  if (checker !== undefined) {
    // A no-tool case is schema-valid when it rightly makes no call.
    let valid = pass.tool_parsing && (noTool || parsed.calls.length > 0);
    for (const [i, call] of parsed.calls.entries()) {
      const verdict = checker(call);
      if (verdict.unknown) {
        errors.unknown_tool++;
        reasons.push(`unknown_tool: call ${i + 1}: no tool named ${preview(call.tool)}`);
      } else if (verdict.problems.length > 0) {
        errors.schema_error++;
        reasons.push(`schema_error: call ${i + 1} ${call.tool}: ${verdict.problems.join('; ')}`);
      }
      valid &&= !verdict.unknown && verdict.problems.length === 0;
      callValid &&= !verdict.unknown && verdict.problems.length === 0;
    }
    pass.schema_validity = valid;
  }
  return { pass, reasons, called, callValid };
}

interface Tally {
  total: number;
  passed: Record<Level, number>;
}

function addTo(groups: Map<string, Tally>, key: string, outcome: CaseOutcome): void {
  let tally = groups.get(key);
  if (tally === undefined) {
    tally = { total: 0, passed: Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number> };
    groups.set(key, tally);
  }
  tally.total++;
  for (const level of LEVELS) if (outcome.pass[level]) tally.passed[level]++;
}

function finish(groups: Map<string, Tally>): Record<string, Breakdown> {
  const out: Record<string, Breakdown> = {};
  for (const key of [...groups.keys()].sort()) {
    const t = groups.get(key) as Tally;
    const breakdown: Breakdown = {
      total: t.total,
      tool_detection: t.passed.tool_detection / t.total,
      tool_parsing: t.passed.tool_parsing / t.total,
      tool_accuracy: t.passed.tool_accuracy / t.total,
      param_accuracy: t.passed.param_accuracy / t.total,
    };
    Object.defineProperty(out, key, { value: breakdown, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function boundReasons(reasons: string[]): string[] {
  const shown = reasons.slice(0, MAX_REASONS).map((r) => (r.length > 240 ? `${r.slice(0, 240)}…` : r));
  if (reasons.length > MAX_REASONS) shown.push(`… and ${reasons.length - MAX_REASONS} more`);
  return shown;
}

function summarizeLatency(predictions: Prediction[]): ScoreReport['latency_ms'] {
  const values = predictions
    .map((p) => p.latency_ms)
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
    .sort((a, b) => a - b);
  if (values.length === 0) return null;
  const at = (q: number) => values[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)] as number;
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return { count: values.length, mean, p50: at(0.5), p95: at(0.95), max: values[values.length - 1] as number };
}
