// Expected against predicted tool, case by case: the confusion table the report shows. The scorer's
// per-tool breakdown says how often a tool was right; this says what the model called instead.
import { parseToolUse } from '../tool-call/syntax';
import type { Case, Prediction } from '../score';

export const NO_CALL = '(no call)';
export const UNPARSED = '(unparsed)';
export const NO_PREDICTION = '(no prediction)';

// Counts per expected tool (rows) and predicted tool (columns), with both label orders.
export interface Confusion {
  rows: string[];
  columns: string[];
  counts: Record<string, Record<string, number>>;
  total: number;
}

// What a case expects, as one label: its first call's tool, or "(no call)" for a no-tool case.
function expectedLabel(c: Case): string {
  return c.expected[0]?.tool ?? NO_CALL;
}

// What a prediction called, as one label: its first parsed call's tool, "(unparsed)" when a block did not
// parse, "(no call)" when it wrote none.
export function predictedLabel(p: Prediction | undefined): string {
  if (!p) return NO_PREDICTION;
  const parsed = parseToolUse(p.output);
  if (parsed.calls[0]) return parsed.calls[0].tool;
  return parsed.blocks > 0 ? UNPARSED : NO_CALL;
}

// Builds the table over the cases (matched to predictions by id); first calls only.
export function buildConfusion(cases: Case[], predictions: Prediction[]): Confusion {
  const byId = new Map(predictions.map((p) => [p.id, p]));
  const counts: Record<string, Record<string, number>> = {};
  const rowSet = new Set<string>();
  const colSet = new Set<string>();
  for (const c of cases) {
    const row = expectedLabel(c);
    const col = predictedLabel(byId.get(c.id));
    rowSet.add(row);
    colSet.add(col);
    counts[row] ??= {};
    counts[row][col] = (counts[row][col] ?? 0) + 1;
  }
  const rows = [...rowSet].sort();
  const special = [NO_CALL, UNPARSED, NO_PREDICTION];
  const columns = [...rows.filter((r) => colSet.has(r)), ...[...colSet].filter((c) => !rowSet.has(c) && !special.includes(c)).sort(), ...special.filter((s) => colSet.has(s) && !rowSet.has(s))];
  return { rows, columns, counts, total: cases.length };
}
