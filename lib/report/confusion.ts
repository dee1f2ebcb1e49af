// Expected against called tool, call by call: the confusion table the report shows. The scorer's per-tool
// breakdown says how often a tool was right; this says what the model called instead. Calls are paired by
// position, as the scorer compares them.
import { parseToolUse } from '../tool-call/syntax';
import type { Case, Prediction } from '../score';

// Labels for what is not a tool: no call expected (a plain answer), no call made, a block that did not parse.
export const NOTHING_EXPECTED = '(none expected)';
export const NO_CALL = '(no call)';
export const UNPARSED = '(unparsed)';

// Counts per expected tool (rows) and called tool (columns), with both label orders.
export interface Confusion {
  rows: string[];
  columns: string[];
  counts: Record<string, Record<string, number>>;
  total: number;
}

// The (expected, called) pairs of one case: one per expected call, one per extra call, and one
// "(none expected)" pair for a no-tool case.
export function pairCalls(c: Case, p: Prediction | undefined): [string, string][] {
  const parsed = p ? parseToolUse(p.output) : { calls: [], blocks: 0, errors: [] };
  const unparsed = parsed.blocks - parsed.calls.length;
  const pairs: [string, string][] = [];
  const n = Math.max(c.expected.length, parsed.calls.length, 1);
  for (let i = 0; i < n; i++) {
    const expected = c.expected[i]?.tool ?? NOTHING_EXPECTED;
    const called = parsed.calls[i]?.tool ?? (i - parsed.calls.length < unparsed ? UNPARSED : NO_CALL);
    pairs.push([expected, called]);
  }
  return pairs;
}

// Builds the table over the cases (matched to predictions by id).
export function buildConfusion(cases: Case[], predictions: Prediction[]): Confusion {
  const byId = new Map(predictions.map((p) => [p.id, p]));
  const counts: Record<string, Record<string, number>> = {};
  const rowSet = new Set<string>();
  const colSet = new Set<string>();
  let total = 0;
  for (const c of cases) {
    for (const [row, col] of pairCalls(c, byId.get(c.id))) {
      rowSet.add(row);
      colSet.add(col);
      counts[row] ??= {};
      counts[row][col] = (counts[row][col] ?? 0) + 1;
      total++;
    }
  }
  const special = [NO_CALL, UNPARSED];
  const rows = [...[...rowSet].filter((r) => r !== NOTHING_EXPECTED).sort(), ...(rowSet.has(NOTHING_EXPECTED) ? [NOTHING_EXPECTED] : [])];
  const columns = [...rows.filter((r) => colSet.has(r)), ...[...colSet].filter((c) => !rowSet.has(c) && !special.includes(c)).sort(), ...special.filter((s) => colSet.has(s))];
  return { rows, columns, counts, total };
}
