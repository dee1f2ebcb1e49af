// The scorer's public surface: score predictions, judge the report against thresholds, print it, read inputs.
export { scorePredictions } from './score';
export { assessQuality, TIERS } from './quality';
export { formatScoreReport } from './format';
export { formatInterval, formatRateInterval, INTERVAL_NOTE, rateInterval, wilsonInterval } from './interval';
export { readJsonl, readToolDefinitions } from './read-jsonl';
export { parseCase, parsePrediction, parseToolDefinitions } from './parse-records';
export { collectDefaults, compareCalls, jsonEqual, jsonType, type ParamDefaults } from './compare-calls';
export { ERROR_CATEGORIES, LEVELS } from './types';
export type {
  Breakdown,
  Case,
  CaseFailure,
  ErrorCategory,
  Level,
  Prediction,
  QualityAssessment,
  ScoreReport,
  Thresholds,
  ToolDefinition,
} from './types';
