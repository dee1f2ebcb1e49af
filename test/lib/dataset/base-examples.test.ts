import { describe, expect, it } from 'vitest';
import { parseToolUse, renderToolUse } from '../../../lib/tool-call/syntax';
import { loadBuiltinTools } from '../../../lib/tools/load-tools';
import { createParamsChecker } from '../../../lib/tools/validate-params';
import { BASE_EXAMPLES } from '../../../lib/dataset/base-examples';
import { normalizeQuery, orderParams } from '../../../lib/dataset/canonical';
import { SUITE_CASES } from '../../../lib/dataset/suite-cases';
import { CATEGORIES, DIFFICULTIES } from '../../../lib/dataset/types';

const tools = loadBuiltinTools();
const check = createParamsChecker(tools);

describe('base examples', () => {
  it('number at least 40, with at least the guide count per category', () => {
    expect(BASE_EXAMPLES.length).toBeGreaterThanOrEqual(40);
    const minimum = { read: 4, write: 3, edit: 3, bash: 5, grep: 4, glob: 4, 'multi-step': 3, 'claude-flow': 3 };
    for (const [category, min] of Object.entries(minimum)) {
      expect(BASE_EXAMPLES.filter((b) => b.category === category).length, category).toBeGreaterThanOrEqual(min);
    }
    expect(new Set(BASE_EXAMPLES.map((b) => b.category))).toEqual(new Set(CATEGORIES));
  });

  it('have unique ids and queries, a difficulty and a reply sentence', () => {
    expect(new Set(BASE_EXAMPLES.map((b) => b.id)).size).toBe(BASE_EXAMPLES.length);
    expect(new Set(BASE_EXAMPLES.map((b) => normalizeQuery(b.query))).size).toBe(BASE_EXAMPLES.length);
    for (const b of BASE_EXAMPLES) {
      expect(DIFFICULTIES).toContain(b.difficulty);
      // A no-tool example answers in plain text; the others announce their calls.
      if (b.category === 'no-tool') expect(b.reply.length, b.id).toBeGreaterThan(0);
      else expect(b.reply, b.id).toMatch(/^I'll .+\.$/);
    }
  });

  it('make calls that are valid against the tool schemas, with arguments in schema order', () => {
    for (const b of BASE_EXAMPLES) {
      for (const call of b.calls) {
        expect(check(call), b.id).toEqual([]);
        expect(Object.keys(call.params), b.id).toEqual(Object.keys(orderParams(call, tools).params));
      }
    }
  });

  it('render to <tool_use> blocks that parse back to the same calls', () => {
    for (const b of BASE_EXAMPLES) {
      const parsed = parseToolUse(` ${b.reply}\n${renderToolUse(b.calls)}`);
      expect(parsed.errors, b.id).toEqual([]);
      expect(parsed.blocks).toBe(b.calls.length);
      expect(parsed.calls).toEqual(b.calls);
    }
  });

  it('multi-step examples make several calls, the others one', () => {
    for (const b of BASE_EXAMPLES) {
      expect(b.calls.length > 1, b.id).toBe(b.category === 'multi-step');
      expect(b.calls.length === 0, b.id).toBe(b.category === 'no-tool');
    }
  });

  it('include awkward values: quotes, backslashes, newlines, non-ASCII', () => {
    const values = BASE_EXAMPLES.flatMap((b) => b.calls.flatMap((c) => Object.values(c.params).filter((v) => typeof v === 'string')));
    expect(values.some((v) => v.includes('\\'))).toBe(true);
    expect(values.some((v) => v.includes("'"))).toBe(true);
    expect(values.some((v) => v.includes('"'))).toBe(true);
    expect(values.some((v) => v.includes('\n'))).toBe(true);
    expect(values.some((v) => /[^\x00-\x7f]/.test(v))).toBe(true);
  });
});

describe('suite cases', () => {
  it('are 20, over all eight categories, starting with the guide six', () => {
    expect(SUITE_CASES).toHaveLength(20);
    expect(new Set(SUITE_CASES.map((s) => s.category))).toEqual(new Set(CATEGORIES.filter((c) => c !== 'no-tool')));
    expect(SUITE_CASES.slice(0, 6).map((s) => [s.query, s.expected[0]?.tool])).toEqual([
      ['Read package.json', 'read'],
      ['Create utils.ts', 'write'],
      ["What's in the auth config", 'read'],
      ['Execute the linter', 'bash'],
      ['Search for TODO comments', 'grep'],
      ['List all TypeScript files', 'glob'],
    ]);
  });

  it('have valid expected calls and queries of their own', () => {
    const baseQueries = new Set(BASE_EXAMPLES.map((b) => normalizeQuery(b.query)));
    expect(new Set(SUITE_CASES.map((s) => s.id)).size).toBe(20);
    for (const s of SUITE_CASES) {
      expect(baseQueries.has(normalizeQuery(s.query)), s.id).toBe(false);
      for (const call of s.expected) expect(check(call), s.id).toEqual([]);
    }
  });
});
