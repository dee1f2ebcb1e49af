// The shapes the scorer reads (cases, predictions, tool definitions) and writes (the report).
import type { JsonValue, ToolCall } from '../tool-call/syntax';

// One evaluation case: a query and the calls a good model makes for it, in order.
export interface Case {
  id: string;
  query: string;
  expected: ToolCall[];
  category?: string;
  difficulty?: string;
  [extra: string]: unknown;
}

// What a model wrote for one case (the Python `predict` activity adds latency_ms).
export interface Prediction {
  id: string;
  output: string;
  latency_ms?: number;
  [extra: string]: unknown;
}

// An MCP tool definition; only name and inputSchema matter to the scorer.
export interface ToolDefinition {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
}

// The five validation levels, each scored all-or-nothing per case.
export const LEVELS = ['tool_detection', 'tool_parsing', 'tool_accuracy', 'param_accuracy', 'schema_validity'] as const;
export type Level = (typeof LEVELS)[number];

// Every error category the report counts. Counts are occurrences (a case with two missing arguments
// adds 2 to missing_param), except the three prediction-level ones, which count predictions or cases.
// Calls are compared by position: output call i against expected call i.
export const ERROR_CATEGORIES = [
  'missing_prediction', // a case that no prediction answers (it fails every level)
  'duplicate_prediction', // a prediction whose id was already seen (the first one is scored)
  'unmatched_prediction', // a prediction whose id names no case (ignored)
  'parse_error', // a <tool_use> block that does not parse (or is never closed), or a parser limit hit
  'missing_call', // an expected call with no output call at its position
  'extra_call', // an output call beyond the expected ones
  'wrong_tool', // an output call naming another tool than the expected call at its position
  'missing_param', // an expected argument the call lacks
  'unexpected_param', // an argument the expected call does not have
  'type_error', // an argument whose JSON type differs ('5' vs 5, 1 vs true, [] vs {})
  'value_error', // an argument of the right type with another value (deep comparison)
  'unknown_tool', // a call naming no tool in the tool definitions (only when tools are given)
  'schema_error', // a call whose arguments fail its tool's inputSchema (only when tools are given)
  'false_call', // a no-tool case (expected: []) whose output calls a tool anyway (counts cases)
] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

// The metrics of one group of cases (per tool, category or difficulty); rates are fractions 0..1.
export interface Breakdown {
  total: number;
  tool_detection: number;
  tool_parsing: number;
  tool_accuracy: number;
  param_accuracy: number;
}

// Detection as a yes/no decision, split by whether a tool was expected. A tool case "detects" when its
// output holds a <tool_use> block; a no-tool case (expected: []) errs when it does (a false call).
export interface DetectionReport {
  /** Cases that expect at least one call. */
  tool_cases: number;
  /** Cases that expect no call. */
  no_tool_cases: number;
  /** Tool cases whose output holds a block / tool cases; null when there are none. */
  recall: number | null;
  /** Outputs with a block that belong to tool cases / all outputs with a block; null when no output has one. */
  precision: number | null;
  /** No-tool cases whose output calls a tool. */
  false_calls: number;
  /** false_calls / no-tool cases; null when there are none. */
  false_call_rate: number | null;
}

// One failing case and why it failed (bounded: at most 10 reasons, each at most ~200 characters).
export interface CaseFailure {
  id: string;
  reasons: string[];
}

// The scorer's answer: fractions 0..1 over all cases, breakdowns, error counts and the first failures.
export interface ScoreReport {
  total: number;
  tool_detection: number;
  tool_parsing: number;
  tool_accuracy: number;
  param_accuracy: number;
  /** null when no tool definitions were given: schema validity was not measured. */
  schema_validity: number | null;
  /** Cases that passed each level (numerators of the fractions above). */
  passed: Record<Level, number>;
  /** Keyed by the expected tool, 'multi-step' when a case expects several calls, 'no-tool' when none. */
  per_tool: Record<string, Breakdown>;
  /** Keyed by case.category, or 'uncategorized'. */
  per_category: Record<string, Breakdown>;
  /** Keyed by case.difficulty, or 'unspecified'. */
  per_difficulty: Record<string, Breakdown>;
  errors: Record<ErrorCategory, number>;
  /** Cases that failed param_accuracy or (when measured) schema_validity. */
  failed: number;
  /** The first 50 failing cases, in case order. */
  failures: CaseFailure[];
  /** Recall, precision and false calls of the call / no-call decision. */
  detection: DetectionReport;
  /** Of the outputs that call (whether or not a call was expected), those whose every block parses and every call
   *  fits its tool's schema: what constrained decoding guarantees, apart from the call / no-call decision. */
  call_validity: { outputs_with_calls: number; valid: number; rate: number | null };
  /** Over predictions that carry a numeric latency_ms; null when none do. */
  latency_ms: { count: number; mean: number; p50: number; p95: number; max: number } | null;
}

// Minimum rates (fractions 0..1) a model must reach; a rate meets its threshold when rate >= threshold.
export interface Thresholds {
  tool_accuracy: number;
  param_accuracy: number;
  tool_detection: number;
}

// The verdict on a report against thresholds.
export interface QualityAssessment {
  passed: boolean;
  /** The metrics that fell short, in the order tool_accuracy, param_accuracy, tool_detection. */
  failed: string[];
  tier: string;
  /** How far below its threshold each metric is (0 when met). */
  shortfall: Record<keyof Thresholds, number>;
}

export type { JsonValue, ToolCall };
