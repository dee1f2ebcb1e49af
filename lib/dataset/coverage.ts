// Which tool parameters (and enum values) the data teaches: counted per side of the split for stats.json,
// used to pick base examples and keep the split from taking a parameter's last training example, and
// checked before training, because a parameter the model never sees in training is one it cannot learn.
import type { JsonValue, ToolCall } from '../tool-call/syntax';
import type { ToolDefinition } from '../tools/tool-definition';
import type { DatasetIssue } from './dataset-error';
import type { Example } from './types';

// Train/val counts of examples that use a tool or parameter.
export interface CoverageCounts {
  train: number;
  val: number;
}

// stats.json `coverage`: per tool, per `tool.param`, enum values seen in training and those never seen.
export interface CoverageStats {
  per_tool: Record<string, CoverageCounts>;
  per_parameter: Record<string, CoverageCounts>;
  /** Enum parameters, `tool.param`: the values training shows and the ones it never shows. */
  enum_values: Record<string, { train: string[]; missing: string[] }>;
  /** Parameters (`tool.param`) no training example uses: the run fails before training on any. */
  missing_parameters: string[];
}

function enumOf(tool: ToolDefinition | undefined, param: string): JsonValue[] | undefined {
  const spec = tool?.inputSchema.properties?.[param] as { enum?: JsonValue[] } | undefined;
  return Array.isArray(spec?.enum) ? spec.enum : undefined;
}

// The coverage keys of some calls: `tool`, `tool.param` and, for enum parameters, `tool.param=value`.
export function coverageKeys(calls: readonly ToolCall[], tools: readonly ToolDefinition[]): Set<string> {
  const keys = new Set<string>();
  for (const c of calls) {
    keys.add(c.tool);
    const tool = tools.find((t) => t.name === c.tool);
    for (const [param, value] of Object.entries(c.params)) {
      keys.add(`${c.tool}.${param}`);
      if (enumOf(tool, param) !== undefined) keys.add(`${c.tool}.${param}=${String(value)}`);
    }
  }
  return keys;
}

// Counts tools, parameters and enum values on both sides of the split.
export function computeCoverage(train: readonly Example[], val: readonly Example[], tools: readonly ToolDefinition[]): CoverageStats {
  const perTool: Record<string, CoverageCounts> = {};
  const perParam: Record<string, CoverageCounts> = {};
  for (const t of tools) {
    perTool[t.name] = { train: 0, val: 0 };
    for (const p of Object.keys(t.inputSchema.properties ?? {})) perParam[`${t.name}.${p}`] = { train: 0, val: 0 };
  }
  const seenValues = new Set<string>();
  const add = (ex: Example, side: 'train' | 'val'): void => {
    for (const key of coverageKeys(ex.calls, tools)) {
      if (key.includes('=')) {
        if (side === 'train') seenValues.add(key);
      } else if (key.includes('.')) {
        if (perParam[key]) perParam[key][side]++;
      } else if (perTool[key]) perTool[key][side]++;
    }
  };
  train.forEach((ex) => add(ex, 'train'));
  val.forEach((ex) => add(ex, 'val'));
  const enumValues: CoverageStats['enum_values'] = {};
  for (const t of tools) {
    for (const p of Object.keys(t.inputSchema.properties ?? {})) {
      const values = enumOf(t, p);
      if (values === undefined) continue;
      const key = `${t.name}.${p}`;
      enumValues[key] = {
        train: values.map(String).filter((v) => seenValues.has(`${key}=${v}`)),
        missing: values.map(String).filter((v) => !seenValues.has(`${key}=${v}`)),
      };
    }
  }
  const missing = Object.entries(perParam).filter(([, c]) => c.train === 0).map(([k]) => k);
  return { per_tool: perTool, per_parameter: perParam, enum_values: enumValues, missing_parameters: missing };
}

// One issue per tool parameter that no training example uses (empty when every parameter is taught).
export function coverageIssues(coverage: CoverageStats): DatasetIssue[] {
  return coverage.missing_parameters.map((key) => ({
    file: 'training data', line: 0,
    message: `tool parameter ${key} never appears in training: add examples that use it (dataset.example_files), raise target_size, or set dataset.require_coverage: false`,
  }));
}
