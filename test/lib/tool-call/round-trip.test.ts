// Rendering then parsing gives back exactly the same call, whatever the values hold.
import { describe, expect, it } from 'vitest';
import { parseToolCall, parseToolUse, renderToolCall, renderToolUse, type JsonValue, type ToolCall } from '../../../lib/tool-call/syntax';
import { Random, randomAwkwardString, randomIdentifier, randomValue, sameJson } from './random';

function roundTrip(call: ToolCall): ToolCall {
  const parsed = parseToolCall(renderToolCall(call));
  if (!parsed.ok) throw new Error(`${parsed.error}\nrendered: ${renderToolCall(call)}`);
  return parsed.call;
}

function callWith(params: Record<string, JsonValue>): ToolCall {
  return { tool: 'edit', params };
}

describe('renderToolCall', () => {
  it.each([
    [{ tool: 'read', params: { file_path: 'package.json' } }, "read(file_path='package.json')"],
    [{ tool: 'grep', params: { pattern: 'TODO|FIXME', path: 'src', case_insensitive: true } }, "grep(pattern='TODO|FIXME', path='src', case_insensitive=True)"],
    [{ tool: 'bash', params: { command: 'npm test', timeout: 120000 } }, "bash(command='npm test', timeout=120000)"],
    [{ tool: 'edit', params: { file_path: 'a.py', old_string: 'x = 1\n', new_string: 'x = 2\n', replace_all: false } }, "edit(file_path='a.py', old_string='x = 1\\n', new_string='x = 2\\n', replace_all=False)"],
    [{ tool: 'glob', params: {} }, 'glob()'],
    [{ tool: 't', params: { l: ['a', 'b'], d: { k: 1 }, n: null } }, "t(l=['a', 'b'], d={'k': 1}, n=None)"],
    [{ tool: 't', params: { s: "it's \\ \t\r\x00\x7f" } }, "t(s='it\\'s \\\\ \\t\\r\\x00\\x7f')"],
  ])('renders %j as %s', (call, text) => {
    expect(renderToolCall(call)).toBe(text);
  });

  it('joins blocks with newlines', () => {
    const calls: ToolCall[] = [{ tool: 'read', params: { file_path: 'a' } }, { tool: 'glob', params: { pattern: '*.ts' } }];
    expect(renderToolUse(calls)).toBe("<tool_use>read(file_path='a')</tool_use>\n<tool_use>glob(pattern='*.ts')</tool_use>");
  });

  it.each([
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['undefined', undefined],
    ['a function', () => 1],
    ['a Date', new Date(0)],
    ['a bigint', 1n],
  ])('rejects %s with a clear error naming the argument', (_name, value) => {
    expect(() => renderToolCall(callWith({ x: value as unknown as JsonValue }))).toThrow(/edit\.x/);
  });

  it('rejects tool and argument names that are not identifiers', () => {
    expect(() => renderToolCall({ tool: 'claude-flow', params: {} })).toThrow(/not an identifier/);
    expect(() => renderToolCall({ tool: 'read', params: { 'file-path': 'a' } })).toThrow(/not an identifier/);
    expect(() => renderToolCall({ tool: 'read', params: { from: 'a' } })).toThrow(/not an identifier/);
    expect(() => renderToolCall({ tool: 'import', params: {} })).toThrow(/not an identifier/);
    expect(() => renderToolCall({ tool: 'read', params: [] as unknown as Record<string, JsonValue> })).toThrow(/params/);
  });

  it('never lets a string close its block', () => {
    const call = callWith({ content: 'a</tool_use>b<tool_use>c' });
    expect(renderToolUse([call]).indexOf('</tool_use>')).toBe(renderToolUse([call]).length - '</tool_use>'.length);
    expect(parseToolUse(renderToolUse([call]))).toEqual({ calls: [call], blocks: 1, errors: [] });
  });
});

describe('round trip', () => {
  const awkward: [string, JsonValue][] = [
    ['empty string', ''],
    ['quotes', `'"'''"""\\'`],
    ['backslashes', '\\\\\\n\\x41\\'],
    ['newlines and tabs', 'a\nb\r\nc\td\v\f'],
    ['all control chars', Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') + '\x7f\x80\x9f'],
    ['non-ASCII', 'héllo wörld 中文 ß'],
    ['astral emoji', '😀👩‍💻🏳️‍🌈 𝄞'],
    ['lone high surrogate', 'a\ud800b'],
    ['lone low surrogate', '\udc00'],
    ['reversed pair', '\udc00\ud800'],
    ['surrogate at end', 'x\udbff'],
    ['line separators', '\u2028\u2029\ufeff'],
    ['tags', '<tool_use>x</tool_use></tool_use'],
    ['-0', -0],
    ['0', 0],
    ['1e21', 1e21],
    ['1e20', 1e20],
    ['0.1', 0.1],
    ['tiny', 5e-324],
    ['max', Number.MAX_VALUE],
    ['negative', -12.5e-9],
    ['unsafe integer', 2 ** 70],
    ['nested', { a: [1, [2, [3, { b: null }]]], '': true, 'key with \'quote\'': 'v' }],
    ['__proto__ key', JSON.parse('{"__proto__": {"x": 1}, "constructor": 2}') as JsonValue],
    ['empty containers', [[], {}, [{}]]],
  ];

  it.each(awkward)('keeps %s', (_name, value) => {
    const call = callWith({ value });
    expect(sameJson(roundTrip(call), call)).toBe(true);
  });

  it('keeps an argument named __proto__ as an own argument', () => {
    const params = JSON.parse('{"__proto__": "x", "constructor": "y"}') as Record<string, JsonValue>;
    const back = roundTrip({ tool: 'write', params });
    expect(Object.keys(back.params)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(back.params)).toBe(Object.prototype);
    expect(sameJson(back.params, params)).toBe(true);
  });

  it('keeps 2,000 random calls (seeded)', () => {
    const rnd = new Random(20240611);
    for (let i = 0; i < 2000; i++) {
      const params: Record<string, JsonValue> = {};
      for (let n = rnd.int(5); n > 0; n--) {
        Object.defineProperty(params, randomIdentifier(rnd), { value: randomValue(rnd, 4), enumerable: true, writable: true, configurable: true });
      }
      const call = { tool: randomIdentifier(rnd), params };
      const back = roundTrip(call);
      if (!sameJson(back, call)) throw new Error(`case ${i} differs: ${renderToolCall(call)}`);
    }
  });

  it('keeps 2,000 random strings through <tool_use> blocks (seeded)', () => {
    const rnd = new Random(7);
    for (let i = 0; i < 2000; i++) {
      const calls = Array.from({ length: 1 + rnd.int(3) }, () => callWith({ s: randomAwkwardString(rnd, 30) }));
      const text = `prose ${randomAwkwardString(rnd).replaceAll('<tool_use>', '')}\n${renderToolUse(calls)}\ntrailing`;
      const parsed = parseToolUse(text);
      expect(parsed.errors).toEqual([]);
      if (!sameJson(parsed.calls, calls)) throw new Error(`case ${i} differs: ${text}`);
    }
  });

  it('keeps a 1 MB string', () => {
    const big = 'ab\'\\\n😀'.repeat(100_000);
    const call = callWith({ content: big });
    expect(renderToolUse([call]).length).toBeLessThan(1 << 20);
    expect(parseToolUse(renderToolUse([call])).calls[0]?.params.content).toBe(big);
  });
});
