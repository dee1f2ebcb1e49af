// The tool-call grammar built from the tools' JSON Schemas: every call the dataset renders is in it, what
// the schemas forbid is not, and a random walk through xgrammar's token masks on a real tokenizer only
// ever closes calls that parse and validate (the "by construction" promise of constrained decoding).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Tokenizer } from 'tokenizers';
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE_EXAMPLES } from '../../../lib/dataset/base-examples';
import { orderParams } from '../../../lib/dataset/canonical';
import { createRng } from '../../../lib/dataset/prng';
import { argmax, CLOSING_ALLOWANCE } from '../../../lib/inference/decode';
import { endsInOpeningTag, insideOpenBlock } from '../../../lib/inference/stop-rule';
import { buildToolCallGrammar, integerRangeEbnf } from '../../../lib/inference/grammar/tool-grammar';
import { grammarVocabFromTokenizerJson, ToolConstraintCompiler, type ToolChoice } from '../../../lib/inference/grammar/tool-constraint';
import { loadXGrammar, type XGrammarModule } from '../../../lib/inference/grammar/xgrammar';
import { parseToolUse, renderToolCall } from '../../../lib/tool-call/syntax';
import { loadBuiltinTools } from '../../../lib/tools/load-tools';
import { createParamsChecker } from '../../../lib/tools/validate-params';

const TOOLS = loadBuiltinTools();
const TOKENIZER = path.join(__dirname, '..', '..', 'fixtures', 'tokenizers', 'tiny-bpe.json');
let xg: XGrammarModule;

beforeAll(async () => {
  xg = await loadXGrammar();
});

const parsedGrammars = new Map<string, Promise<InstanceType<XGrammarModule['Grammar']>>>();

// Whether the grammar (root = one call) accepts the text exactly.
async function accepts(grammar: string, text: string): Promise<boolean> {
  if (!parsedGrammars.has(grammar)) parsedGrammars.set(grammar, xg.Grammar.fromEBNF(grammar));
  return xg.Testings.isGrammarAcceptString(await (parsedGrammars.get(grammar) as Promise<InstanceType<XGrammarModule['Grammar']>>), text);
}

describe('tool-call grammar', () => {
  const grammar = buildToolCallGrammar(TOOLS);

  it('accepts every call of the base examples, as the dataset renders it', async () => {
    const calls = BASE_EXAMPLES.flatMap((e) => e.calls).map((c) => renderToolCall(orderParams(c, TOOLS)));
    expect(calls.length).toBeGreaterThan(50);
    const rejected = [];
    for (const call of calls) if (!(await accepts(grammar, call))) rejected.push(call);
    expect(rejected).toEqual([]);
  });

  it.each([
    ['an unknown tool', "open(file_path='a')"],
    ['an unknown argument', "read(file_path='a', content='x')"],
    ['a missing required argument', 'read(limit=3)'],
    ['a duplicated argument', "read(file_path='a', file_path='b')"],
    ['an integer below the minimum', "read(file_path='a', limit=0)"],
    ['an integer above the maximum', "bash(command='ls', timeout=600001)"],
    ['a string where an integer goes', "read(file_path='a', limit='3')"],
    ['a lower-case boolean', "edit(file_path='a', old_string='x', new_string='y', replace_all=true)"],
    ['a value outside the enum', "swarm_init(topology='tree')"],
    ['an empty string where minLength is 1', "read(file_path='')"],
    ['an unterminated string', "read(file_path='a)"],
    ['a positional argument', "read('a')"],
    ['a raw </tool_use> inside a string (it would end the block)', "bash(command='echo </tool_use>')"],
  ])('rejects %s', async (_what, text) => {
    expect(await accepts(grammar, text)).toBe(false);
  });

  it('accepts optional arguments present or absent, lists and escapes', async () => {
    for (const text of [
      "grep(pattern='a\\'b', output_mode='count', case_insensitive=True, lines_after=0)",
      "agent_spawn(type='coder', capabilities=['x', 'y\\n'])",
      "agent_spawn(type='coder', capabilities=[])",
      "bash(command='echo \\x3c/tool_use>', timeout=600000)",
      "grep(pattern='<div>|</tool_us|<', path='a<')",
    ]) expect(await accepts(grammar, text), text).toBe(true);
  });

  it('forces one tool when asked', async () => {
    const only = buildToolCallGrammar(TOOLS, 'glob');
    expect(await accepts(only, "glob(pattern='*.ts')")).toBe(true);
    expect(await accepts(only, "read(file_path='a')")).toBe(false);
    expect(() => buildToolCallGrammar(TOOLS, 'nope')).toThrow(/unknown tool "nope"/);
  });

  it('writes integer ranges Python-style, negative ones too', async () => {
    const g = (lo: number, hi: number) => `root ::= ${integerRangeEbnf(lo, hi)}`;
    for (const [lo, hi, yes, no] of [[1, 100, ['1', '57', '100'], ['0', '101', '01']], [-5, 3, ['-5', '-1', '0', '3'], ['-6', '4', '-0']]] as const) {
      for (const v of yes) expect(await accepts(g(lo, hi), v), `${v} in [${lo}, ${hi}]`).toBe(true);
      for (const v of no) expect(await accepts(g(lo, hi), v), `${v} not in [${lo}, ${hi}]`).toBe(false);
    }
  });
});

describe('constrained decoding on a real tokenizer', () => {
  const json = JSON.parse(readFileSync(TOKENIZER, 'utf8')) as Record<string, any>;
  const tokenizer = Tokenizer.fromFile(TOKENIZER);
  const eos = tokenizer.tokenToId('<|endoftext|>') as number;
  const vocab = grammarVocabFromTokenizerJson(json, tokenizer.getVocabSize(true) + 2, [eos]);
  const check = createParamsChecker(TOOLS);

  // Walks the grammar by picking allowed tokens at random (seeded) and returns the decoded text.
  async function walk(compiler: ToolConstraintCompiler, choice: ToolChoice, seed: number, steps = 200): Promise<{ text: string; ended: boolean }> {
    const step = await compiler.start(TOOLS, choice);
    if (!step) throw new Error('no constraint');
    const rng = createRng(seed);
    const ids: number[] = [];
    const logits = new Float32Array(vocab.tokens.length);
    for (let i = 0; i < steps && !step.isTerminated(); i++) {
      logits.fill(0);
      await step.maskLogits(logits);
      const allowed = [...logits.keys()].filter((id) => logits[id] === 0);
      expect(allowed.length).toBeGreaterThan(0);
      // Prefer ending a value or the call (quote, bracket, '>' or the stop token) a third of the time.
      const closers = allowed.filter((id) => id === eos || /['\])>]/.test(vocab.tokens[id] ?? ''));
      const pool = closers.length && rng() < 0.35 ? closers : allowed;
      const id = pool[Math.floor(rng() * pool.length)] as number;
      expect(step.accept(id)).toBe(true);
      if (id !== eos) ids.push(id);
    }
    const ended = step.isTerminated();
    step.dispose();
    return { text: await tokenizer.decode(ids, false), ended };
  }

  it('every closed <tool_use> block parses and fits its schema', async () => {
    const compiler = await ToolConstraintCompiler.create(vocab);
    let closed = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const { text } = await walk(compiler, 'required', seed);
      expect(text.startsWith('<tool_use>'), text).toBe(true);
      const complete = text.slice(0, text.lastIndexOf('</tool_use>') + '</tool_use>'.length);
      if (!complete) continue;
      const parsed = parseToolUse(complete);
      expect(parsed.errors, complete).toEqual([]);
      for (const call of parsed.calls) expect(check(call), renderToolCall(call)).toEqual([]);
      closed += parsed.calls.length;
    }
    expect(closed).toBeGreaterThanOrEqual(10);
  }, 60_000);

  it('past the budget, pickClosing closes any open call within the closing allowance, and the call parses', async () => {
    const compiler = await ToolConstraintCompiler.create(vocab);
    const logits = new Float32Array(vocab.tokens.length);
    for (let seed = 1; seed <= 60; seed++) {
      const step = await compiler.start(TOOLS, 'required');
      if (!step) throw new Error('no constraint');
      const rng = createRng(seed);
      const ids: number[] = [];
      // A random walk that never prefers closers stops anywhere: in a name, a string, a number, a list.
      const cut = 5 + Math.floor(rng() * 40);
      for (let i = 0; i < cut && !step.isTerminated(); i++) {
        logits.fill(0);
        await step.maskLogits(logits);
        const allowed = [...logits.keys()].filter((id) => logits[id] === 0 && id !== eos);
        const id = allowed[Math.floor(rng() * allowed.length)] as number;
        expect(step.accept(id)).toBe(true);
        ids.push(id);
      }
      let text = await tokenizer.decode(ids, false);
      // As the decode loop does: an opening tag cut short is finished by the model under the mask, then closed.
      for (let extra = 0; insideOpenBlock(text) || endsInOpeningTag(text); extra++) {
        expect(extra, text).toBeLessThan(CLOSING_ALLOWANCE);
        for (let i = 0; i < logits.length; i++) logits[i] = rng();
        if (insideOpenBlock(text)) ids.push(await step.pickClosing(logits));
        else {
          await step.maskLogits(logits);
          const id = argmax(logits);
          expect(step.accept(id)).toBe(true);
          ids.push(id);
        }
        text = await tokenizer.decode(ids, false);
      }
      step.dispose();
      const parsed = parseToolUse(text.slice(0, text.lastIndexOf('</tool_use>') + '</tool_use>'.length));
      expect(parsed.errors, text).toEqual([]);
      expect(parsed.calls.length, text).toBeGreaterThan(0);
      for (const call of parsed.calls) expect(check(call), renderToolCall(call)).toEqual([]);
    }
  }, 60_000);

  it('a named tool_choice only ever calls that tool; none constrains nothing', async () => {
    const compiler = await ToolConstraintCompiler.create(vocab);
    for (let seed = 1; seed <= 8; seed++) {
      const { text } = await walk(compiler, { name: 'glob' }, seed);
      expect(text.startsWith('<tool_use>glob('), text).toBe(true);
    }
    expect(await compiler.start(TOOLS, 'none')).toBeNull();
  }, 60_000);
});
