// Fuzz: thousands of random and hostile outputs. The parser must never throw, must answer within a
// bound, must keep its result invariants, and whatever it accepts must render and parse back the same.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { LIMITS, parseToolUse, renderToolCall, renderToolUse, type ParsedToolUse } from '../../../lib/tool-call/syntax';
import { Random, randomAwkwardString, randomIdentifier, randomValue, sameJson } from './random';

/** A generous bound per input: a 1 MiB input on a slow 2-core machine. */
const PER_INPUT_MS = 2000;

interface Tally {
  inputs: number;
  chars: number;
  totalMs: number;
  maxMs: number;
}

function check(output: string, tally: Tally): ParsedToolUse {
  const t0 = performance.now();
  let result: ParsedToolUse;
  try {
    result = parseToolUse(output);
  } catch (err) {
    throw new Error(`parseToolUse threw on ${JSON.stringify(output.slice(0, 200))}: ${String(err).slice(0, 500)}`);
  }
  const ms = performance.now() - t0;
  tally.inputs++;
  tally.chars += output.length;
  tally.totalMs += ms;
  tally.maxMs = Math.max(tally.maxMs, ms);
  if (ms > PER_INPUT_MS) throw new Error(`took ${ms.toFixed(0)} ms on an input of ${output.length} chars`);
  const blockErrors = result.errors.filter((e) => e.startsWith('block ')).length;
  if (result.blocks > LIMITS.maxBlocks || result.calls.length + blockErrors !== result.blocks) {
    throw new Error(`inconsistent result ${JSON.stringify({ ...result, calls: result.calls.length })}`);
  }
  if (result.errors.some((e) => typeof e !== 'string' || e.length > 400) || result.errors.length > LIMITS.maxBlocks + 2) {
    throw new Error('error messages are unbounded');
  }
  for (const call of result.calls) {
    const text = renderToolUse([call]);
    if (text.length > LIMITS.maxOutputChars) continue; // escapes can grow a call past the output limit
    const again = parseToolUse(text);
    if (again.errors.length > 0 || !sameJson(again.calls[0], call)) {
      throw new Error(`accepted call does not round-trip: ${renderToolCall(call).slice(0, 500)}`);
    }
  }
  return result;
}

const FRAGMENTS = [
  '<tool_use>', '</tool_use>', '<tool_use', '</tool_use', 'read', 'f', '(', ')', '=', '==', ',', ':', "'", '"', "'''",
  '\\', '\\x', '\\u', '\\U', '\\N', '[', ']', '{', '}', 'True', 'None', 'true', '1', '-', '+', '.', 'e', '_', '0',
  '1e999', 'r', "r'", 'b', ' ', '\n', '\t', '\ud800', '\udc00', '😀', '*', '**', '#', 'a=', 'x=1', "a='b'",
  'f(', 'f()', "read(a='x')", 'x=[1, 2]', "y={'k': None}", ', ', ')',
];

function soup(rnd: Random, pieces: number): string {
  let s = '';
  for (let i = 0; i < pieces; i++) s += rnd.pick(FRAGMENTS);
  return s;
}

const SPACE = ['', '', ' ', '\n  ', '\t'];

// Python literal text in the many spellings the parser accepts, now and then slightly wrong.
function randomLiteral(rnd: Random, depth: number): string {
  const sp = () => rnd.pick(SPACE);
  switch (rnd.int(depth > 0 ? 10 : 7)) {
    case 0:
      return rnd.pick(["'a\\'b'", '"q\\"x"', "'''tri\nple'''", "r'\\d+'", "u'é'", "'\\x41\\u00e9\\U0001F600'", "'a' \"b\"", "'\\101\\0'"]);
    case 1:
      return rnd.pick(['1', '-2', '+3', '1_000', '0.5', '.5', '5.', '1e10', '-1.5E-3', '00', '- 4']);
    case 2:
      return rnd.pick(['True', 'False', 'None']);
    case 3:
      return `'${randomAwkwardString(rnd, 4).replace(/['\\\n\r]/g, '')}'`;
    case 4:
      return rnd.pick(['true', '007', '1j', "b'x'", 'x', "'unterminated", '1e', '{1}', '--1']);
    case 5:
    case 6:
      return `"${rnd.int(100)}"`;
    case 7:
      return `[${sp()}${Array.from({ length: rnd.int(4) }, () => randomLiteral(rnd, depth - 1)).join(`,${sp()}`)}${rnd.pick(['', ','])}]`;
    case 8:
      return `(${Array.from({ length: rnd.int(3) }, () => randomLiteral(rnd, depth - 1)).join(', ')}${rnd.pick(['', ','])})`;
    default:
      return `{${Array.from({ length: rnd.int(3) }, (_, i) => `'k${i}'${sp()}:${sp()}${randomLiteral(rnd, depth - 1)}`).join(', ')}}`;
  }
}

function randomCallText(rnd: Random): string {
  const args = Array.from({ length: rnd.int(4) }, (_, i) => `${rnd.pick(['a', 'b', 'file_path', '_x'])}${i}${rnd.pick(SPACE)}=${rnd.pick(SPACE)}${randomLiteral(rnd, 3)}`);
  return `${rnd.pick(SPACE)}${randomIdentifier(rnd)}${rnd.pick(['', ' '])}(${args.join(`,${rnd.pick(SPACE)}`)}${rnd.pick(['', ','])})${rnd.pick(SPACE)}`;
}

function mutate(rnd: Random, s: string): string {
  let out = s;
  for (let n = 1 + rnd.int(4); n > 0; n--) {
    const at = rnd.int(out.length + 1);
    const op = rnd.int(3);
    const insert = rnd.next() < 0.5 ? rnd.pick(FRAGMENTS) : String.fromCharCode(rnd.int(0x10000));
    if (op === 0) out = out.slice(0, at) + out.slice(at + 1);
    else if (op === 1) out = out.slice(0, at) + insert + out.slice(at);
    else out = out.slice(0, at) + insert + out.slice(at + 1);
  }
  return out;
}

describe('fuzz: parseToolUse on hostile input', () => {
  const tally: Tally = { inputs: 0, chars: 0, totalMs: 0, maxMs: 0 };

  it('survives 2,000 random byte strings', () => {
    const rnd = new Random(1);
    for (let i = 0; i < 2000; i++) {
      const bytes = randomBytes(rnd.int(2000));
      const text = i % 2 === 0 ? bytes.toString('latin1') : bytes.toString('utf8');
      check(i % 3 === 0 ? `<tool_use>${text}</tool_use>` : text, tally);
    }
  });

  it('survives 5,000 token soups of the grammar', () => {
    const rnd = new Random(2);
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const body = soup(rnd, 1 + rnd.int(i % 2 === 0 ? 6 : 40));
      accepted += check(rnd.next() < 0.7 ? `<tool_use>${body}</tool_use>` : body, tally).calls.length;
    }
    console.info(`token soups: ${accepted} calls accepted`);
    expect(accepted).toBeGreaterThan(0);
  });

  it('survives 5,000 grammar-built calls, and what it accepts round-trips', () => {
    const rnd = new Random(4);
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const blocks = Array.from({ length: 1 + rnd.int(3) }, () => `<tool_use>${randomCallText(rnd)}</tool_use>`);
      accepted += check(`I'll do it.\n${blocks.join('\n')}`, tally).calls.length;
    }
    console.info(`grammar-built: ${accepted} calls accepted`);
    expect(accepted).toBeGreaterThan(1000);
  });

  it('survives 5,000 mutations of valid outputs', () => {
    const rnd = new Random(3);
    for (let i = 0; i < 5000; i++) {
      const params = { [randomIdentifier(rnd)]: randomValue(rnd, 3), s: randomAwkwardString(rnd) };
      check(mutate(rnd, `ok ${renderToolUse([{ tool: randomIdentifier(rnd), params }])}`), tally);
    }
  });

  const MB = 1 << 20;
  const hostile: [string, () => string][] = [
    ['1 MiB of [', () => `<tool_use>f(a=${'['.repeat(MB)}</tool_use>`],
    ['1 MiB of (', () => `<tool_use>f(a=${'('.repeat(MB)}</tool_use>`],
    ['1 MiB of {', () => `<tool_use>f(a=${"{'k':".repeat(MB / 5)}</tool_use>`],
    ['nested lists just inside the limit, many times', () => `<tool_use>f(a=[${`${'['.repeat(31)}${']'.repeat(31)},`.repeat(10_000)}])</tool_use>`],
    ['<tool_use> × 100k', () => '<tool_use>'.repeat(100_000)],
    ['closed empty blocks × 50k', () => '<tool_use></tool_use>'.repeat(50_000)],
    ['unclosed blocks with calls × 30k', () => "<tool_use>read(a='x')".repeat(30_000)],
    ['valid call with a 1 MiB string', () => `<tool_use>write(content='${'a'.repeat(MB - 40)}')</tool_use>`],
    ['unterminated 1 MiB quote', () => `<tool_use>write(content='${'a'.repeat(MB)}</tool_use>`],
    ['unterminated triple quote', () => `<tool_use>write(content='''${"''x".repeat(MB / 3)}</tool_use>`],
    ['1 MiB of backslashes', () => `<tool_use>write(content='${'\\'.repeat(MB - 40)}')</tool_use>`],
    ['1 MiB of \\x escapes', () => `<tool_use>write(content='${'\\x41'.repeat(MB / 4 - 20)}')</tool_use>`],
    ['1 MiB of lone surrogates', () => `<tool_use>write(content='${'\ud800'.repeat(MB - 40)}')</tool_use>`],
    ['1 MiB of digits', () => `<tool_use>f(n=${'9'.repeat(MB - 40)})</tool_use>`],
    ['1 MiB of underscored digits', () => `<tool_use>f(n=${'1_'.repeat(MB / 2 - 20)}1)</tool_use>`],
    ['100k arguments', () => `<tool_use>f(${Array.from({ length: 100_000 }, (_, i) => `a${i}=1`).join(',')})</tool_use>`],
    ['duplicate arguments at the end', () => `<tool_use>f(${'a=1,'.repeat(200_000)})</tool_use>`],
    ['a long list', () => `<tool_use>f(a=[${'1,'.repeat(400_000)}])</tool_use>`],
    ['a long dict', () => `<tool_use>f(a={${Array.from({ length: 60_000 }, (_, i) => `'k${i}':1`).join(',')}})</tool_use>`],
    ['adjacent string literals × 200k', () => `<tool_use>f(a=${"'a' ".repeat(200_000)})</tool_use>`],
    ['a 1 MiB identifier', () => `<tool_use>${'a'.repeat(MB - 30)}()</tool_use>`],
    ['a 1 MiB unknown name value', () => `<tool_use>f(a=${'x'.repeat(MB - 30)})</tool_use>`],
    ['whitespace flood', () => `<tool_use>${' \n\t'.repeat(MB / 3)}f()</tool_use>`],
    ['2 MiB output (truncated)', () => `${'x'.repeat(2 * MB)}<tool_use>f()</tool_use>`],
    ['almost-tags', () => '<tool_use</tool_use<tool_us</tool_use>'.repeat(30_000)],
    ['10 MiB of text', () => 'lorem ipsum '.repeat(900_000)],
  ];

  it.each(hostile)('survives %s', (_name, make) => {
    check(make(), tally);
  });

  it('stays within the time bound overall', () => {
    console.info(
      `fuzz: ${tally.inputs} inputs, ${(tally.chars / MB).toFixed(1)} MiB, total ${tally.totalMs.toFixed(0)} ms, slowest ${tally.maxMs.toFixed(1)} ms`,
    );
    expect(tally.inputs).toBeGreaterThan(17_000);
    expect(tally.maxMs).toBeLessThan(PER_INPUT_MS);
    expect(tally.totalMs).toBeLessThan(30_000);
  });
});
