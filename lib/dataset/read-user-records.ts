// Reads the user's JSONL record files: every record is parsed and checked, and every bad one reported.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { ToolDefinition } from '../tools/load-tools';
import type { ParamsChecker } from '../tools/validate-params';
import { normalizeQuery, orderParams } from './canonical';
import type { DatasetIssue } from './dataset-error';
import { categoryOf, parseUserRecord } from './parse-user-record';
import type { Example } from './types';

// What user records are checked against: the tools, and the ids and queries already taken.
export interface UserRecordContext {
  tools: readonly ToolDefinition[];
  checkParams: ParamsChecker;
  /** Example ids in use (the base examples'); user ids are added as they are read. */
  takenIds: Set<string>;
  /** Normalized query → id of the example that has it; user queries are added as they are read. */
  takenQueries: Map<string, string>;
  /** Normalized query → suite case id: the suite's queries may not be trained on. */
  suiteQueries: ReadonlyMap<string, string>;
}

// Good records as examples (grouped by their own base_id, or their id), and one issue per bad record.
export function readUserRecords(files: readonly string[], ctx: UserRecordContext): { examples: Example[]; issues: DatasetIssue[] } {
  const examples: Example[] = [];
  const issues: DatasetIssue[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      issues.push({ file, line: 0, message: `cannot read: ${err instanceof Error ? err.message : String(err)}` });
      continue;
    }
    const stem = basename(file).replace(/\.[^.]*$/, '');
    text.split('\n').forEach((raw, i) => {
      const line = i + 1;
      if (raw.trim() === '') return;
      const problems: string[] = [];
      const example = checkLine(raw, `${stem}-${line}`, ctx, problems);
      if (example === undefined || problems.length > 0) issues.push({ file, line, message: problems.join('; ') });
      else examples.push(example);
    });
  }
  return { examples, issues };
}

function checkLine(raw: string, defaultId: string, ctx: UserRecordContext, problems: string[]): Example | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    problems.push(`invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  const rec = parseUserRecord(value, problems);
  if (rec === undefined) return undefined;
  rec.calls.forEach((call, i) => {
    const where = rec.calls.length > 1 ? `call ${i + 1}: ` : '';
    for (const p of ctx.checkParams(call)) problems.push(`${where}${p}`);
  });
  const id = rec.id ?? `user-${defaultId}`;
  if (ctx.takenIds.has(id)) problems.push(`duplicate id "${id}"`);
  else if (/-aug-\d+$/.test(id) && ctx.takenIds.has(id.replace(/-aug-\d+$/, ''))) {
    problems.push(`id "${id}" is reserved for augmented variants`);
  }
  const key = normalizeQuery(rec.query);
  const suiteId = ctx.suiteQueries.get(key);
  const sameAs = ctx.takenQueries.get(key);
  if (suiteId !== undefined) problems.push(`the request is the evaluation suite's ${suiteId}, which may not be trained on`);
  else if (sameAs !== undefined && rec.query !== '') problems.push(`the same request as example "${sameAs}"`);
  if (problems.length > 0) return undefined;
  ctx.takenIds.add(id);
  ctx.takenQueries.set(key, id);
  return {
    id,
    base_id: rec.base_id ?? id,
    category: rec.category ?? categoryOf(rec.calls),
    difficulty: rec.difficulty,
    query: rec.query,
    reply: rec.reply,
    calls: rec.calls.map((c) => orderParams(c, ctx.tools)),
    source: 'user',
  };
}
