// The held-out check: hand-written requests that no dataset stage reads, rendered with the run's prompt
// header so the model sees them exactly as it sees the validation cases, and checked against the tools.
import { writeFileAtomic } from '../atomic-write';
import { orderParams } from '../dataset/canonical';
import { renderPrompt, renderToolsHeader, type PromptTools } from '../dataset/render-records';
import { parseCase, readJsonl, readToolDefinitions, type Case } from '../score';
import { createParamsChecker } from '../tools/validate-params';
import type { ToolDefinition } from '../tools/tool-definition';

export { BUILTIN_HOLDOUT_FILE, HOLDOUT_2_FILE, HOLDOUT_3_FILE, HOLDOUT_4_FILE, SCORED_HOLDOUT_FILES } from './builtin';

// A held-out file that cannot be used: it names the file and line of every problem.
export class HoldoutError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(problems.length > 0 ? `${message}:\n  ${problems.join('\n  ')}` : message);
    this.name = 'HoldoutError';
  }
}

// What writeHoldoutCases needs: the held-out file, the run's tools and prompt setting, and where to write.
export interface HoldoutOptions {
  holdoutPath: string;
  toolsPath: string;
  promptTools: PromptTools;
  outPath: string;
}

// Reads and checks held-out cases: JSON, shape, unique ids, known tools, arguments valid for their schemas.
export async function readHoldoutCases(holdoutPath: string, tools: ToolDefinition[]): Promise<Case[]> {
  let cases: Case[];
  try {
    cases = await readJsonl(holdoutPath, parseCase);
  } catch (err) {
    throw new HoldoutError('bad held-out file', [err instanceof Error ? err.message : String(err)]);
  }
  const check = createParamsChecker(tools);
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const [i, c] of cases.entries()) {
    const where = `${holdoutPath}: case ${i + 1} (${c.id})`;
    if (seen.has(c.id)) problems.push(`${where}: duplicate id`);
    seen.add(c.id);
    for (const call of c.expected) problems.push(...check(call).map((p) => `${where}: ${p}`));
  }
  if (cases.length === 0) problems.push(`${holdoutPath}: no cases`);
  if (problems.length > 0) throw new HoldoutError('bad held-out cases', problems);
  return cases;
}

// Writes the held-out cases with the run's prompt (same tools header as val and the suite); returns the count.
export async function writeHoldoutCases(options: HoldoutOptions): Promise<{ cases_path: string; count: number }> {
  const tools = (await readToolDefinitions(options.toolsPath)) as ToolDefinition[];
  const cases = await readHoldoutCases(options.holdoutPath, tools);
  const header = renderToolsHeader(tools, options.promptTools);
  const lines = cases.map((c) =>
    JSON.stringify({
      id: c.id,
      query: c.query,
      prompt: renderPrompt(c.query, header),
      category: c.category ?? (c.expected.length === 0 ? 'no-tool' : 'uncategorized'),
      difficulty: c.difficulty ?? 'medium',
      expected: c.expected.map((call) => orderParams(call, tools)),
    }),
  );
  await writeFileAtomic(options.outPath, `${lines.join('\n')}\n`);
  return { cases_path: options.outPath, count: cases.length };
}
