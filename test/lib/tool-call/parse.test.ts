// What the parser accepts, what it rejects, and how it reads <tool_use> blocks out of model output.
import { describe, expect, it } from 'vitest';
import { LIMITS, parseToolCall, parseToolUse } from '../../../lib/tool-call/syntax';

function params(src: string): unknown {
  const r = parseToolCall(src);
  if (!r.ok) throw new Error(r.error);
  return r.call.params;
}

describe('parseToolCall accepts Python literal syntax', () => {
  it.each([
    ["f(a='x')", { a: 'x' }],
    ['f(a="x")', { a: 'x' }],
    ["  f ( a = 'x' , )  ", { a: 'x' }],
    ['f(\n  a=1,\n  b=2\n)', { a: 1, b: 2 }],
    ['f(a=True, b=False, c=None)', { a: true, b: false, c: null }],
    ['f(a=-5, b=+3, c=- 2.5, d=.5, e=5., f=1e3, g=1E-3, h=1_000, i=00, j=007.5)', { a: -5, b: 3, c: -2.5, d: 0.5, e: 5, f: 1000, g: 0.001, h: 1000, i: 0, j: 7.5 }],
    ["f(a=[1, 'b', [None]], b=[], c=[1,])", { a: [1, 'b', [null]], b: [], c: [1] }],
    ["f(a=(1, 2), b=(), c=(1,), d=(3))", { a: [1, 2], b: [], c: [1], d: 3 }],
    ["f(a={'k': 1, \"j\": [True]}, b={})", { a: { k: 1, j: [true] }, b: {} }],
    ["f(a='\\\\ \\' \\\" \\n \\r \\t \\a \\b \\f \\v \\0 \\x41 \\u00e9 \\U0001F600 \\101')", { a: '\\ \' " \n \r \t \x07 \b \f \v \0 A é 😀 A' }],
    ["f(a='keep \\d and \\q')", { a: 'keep \\d and \\q' }],
    ["f(a='line \\\ncontinued')", { a: 'line continued' }],
    ["f(a=r'\\d+\\'', b=R\"\\n\", c=u'x')", { a: "\\d+\\'", b: '\\n', c: 'x' }],
    ["f(a='''multi\nline 'q' ''', b=\"\"\"x\"\"\")", { a: "multi\nline 'q' ", b: 'x' }],
    ["f(a='con' \"cat\" r'\\x')", { a: 'con' + 'cat' + '\\x' }],
    ['f(a="\u{1F600}\ud800")', { a: '😀\ud800' }],
  ])('%s', (src, expected) => {
    expect(params(src)).toEqual(expected);
  });

  it('reads the tool name', () => {
    expect(parseToolCall('mcp__flow_swarm_init(topology="mesh")')).toEqual({ ok: true, call: { tool: 'mcp__flow_swarm_init', params: { topology: 'mesh' } } });
  });
});

describe('parseToolCall rejects', () => {
  it.each([
    ['', /expected a tool name/],
    ['read', /expected '\('/],
    ['read(', /expected an argument/],
    ["read('a')", /positional argument/],
    ['read(a)', /positional argument/],
    ['read(a==1)', /positional argument/],
    ['read(a=1, a=2)', /duplicate argument a/],
    ['read(*args)', /\*args/],
    ['read(**{"a": 1})', /\*args/],
    ['read(True=1)', /True is a Python keyword/],
    ["read(from='a')", /from is a Python keyword/],
    ["class(a='a')", /class is a Python keyword, not a tool name/],
    ['read(a=1 b=2)', /expected ',' or '\)'/],
    ['read(a=1) extra', /unexpected text after the call/],
    ['read(a=1); rm()', /unexpected text after the call/],
    ["read(a='x)", /unterminated string/],
    ["read(a='x\\')", /unterminated string/],
    ["read(a='x\ny')", /line break inside/],
    ["read(a='\\x4')", /\\x needs 2 hex digits/],
    ["read(a='\\u12')", /\\u needs 4 hex digits/],
    ["read(a='\\U00110000')", /beyond U\+10FFFF/],
    ["read(a='\\N{DASH}')", /named escapes/],
    ["read(a=b'x')", /prefix "b" is not supported/],
    ["read(a=f'{x}')", /prefix "f" is not supported/],
    ['read(a=true)', /write True, False or None/],
    ['read(a=null)', /write True, False or None/],
    ["read(a=open('x'))", /"open" is not a literal/],
    ["read(a=__import__('os'))", /not a literal/],
    ['read(a=x.y)', /not a literal/],
    ['read(a=1+2)', /expected ','/],
    ['read(a=007)', /leading zeros/],
    ['read(a=0x1F)', /only decimal/],
    ['read(a=1j)', /only decimal/],
    ['read(a=1e)', /exponent/],
    ['read(a=-)', /expected a number/],
    ['read(a=.)', /expected a number/],
    ['read(a=1e999)', /out of range/],
    ['read(a=--1)', /expected a number/],
    ['read(a=[1, 2)', /expected ',' or '\]'/],
    ['read(a=[,])', /unexpected character/],
    ['read(a={1: 2})', /dict keys must be strings/],
    ["read(a={'k'})", /sets are not supported/],
    ["read(a={'k': 1, 'k': 2})", /duplicate dict key/],
    ['read(a=lambda: 1)', /not a literal/],
    ['read(a=1 # comment\n)', /expected ','/],
    ['read-file(a=1)', /expected '\('/],
  ])('%j', (src, message) => {
    const r = parseToolCall(src);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('nesting deeper than the limit, and accepts the limit itself', () => {
    const at = (n: number) => `f(a=${'['.repeat(n)}${']'.repeat(n)})`;
    expect(parseToolCall(at(LIMITS.maxDepth)).ok).toBe(true);
    const r = parseToolCall(at(LIMITS.maxDepth + 1));
    expect(r.ok ? '' : r.error).toMatch(/nest deeper than 32/);
    expect(parseToolCall(`f(a=${'('.repeat(40)}1${')'.repeat(40)})`).ok).toBe(false);
  });

  it('input that is not a string, without throwing', () => {
    expect(parseToolCall(42 as unknown as string)).toEqual({ ok: false, error: 'tool call is not a string' });
    expect(parseToolUse(null as unknown as string).errors).toEqual(['output is not a string']);
  });

  it('error messages name the offset and quote a short excerpt', () => {
    const r = parseToolCall(`read(a=${'x'.repeat(10_000)})`);
    expect(r.ok ? '' : r.error).toMatch(/offset 7 near "xxxxxxxxxxxxxxxx"\)$/);
    expect(r.ok ? 0 : r.error.length).toBeLessThan(200);
  });
});

describe('parseToolUse', () => {
  it('ignores text outside blocks and reads every block in order', () => {
    const out = "I'll read it.\n<tool_use>read(file_path='a')</tool_use> then </tool_use> <tool_use> glob(pattern='*') </tool_use>done";
    expect(parseToolUse(out)).toEqual({
      calls: [{ tool: 'read', params: { file_path: 'a' } }, { tool: 'glob', params: { pattern: '*' } }],
      blocks: 2,
      errors: [],
    });
  });

  it('finds nothing in plain text', () => {
    expect(parseToolUse('I would read package.json')).toEqual({ calls: [], blocks: 0, errors: [] });
    expect(parseToolUse('read(file_path="a")')).toEqual({ calls: [], blocks: 0, errors: [] });
  });

  it('reports a block that fails, and keeps the others', () => {
    const r = parseToolUse("<tool_use>read(a)</tool_use><tool_use>read(a='b')</tool_use>");
    expect(r.blocks).toBe(2);
    expect(r.calls).toEqual([{ tool: 'read', params: { a: 'b' } }]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^block 1: positional argument/);
  });

  it('counts an unclosed block as a block with an error', () => {
    const r = parseToolUse("<tool_use>read(a='b')</tool_use>\n<tool_use>read(a='c')");
    expect(r).toEqual({ calls: [{ tool: 'read', params: { a: 'b' } }], blocks: 2, errors: ['block 2: <tool_use> is never closed'] });
  });

  it('reads an empty block as a parse error', () => {
    expect(parseToolUse('<tool_use></tool_use>').errors).toEqual(['block 1: expected a tool name (offset 0 at end of input)']);
  });

  it('reads at most the block limit', () => {
    const r = parseToolUse('<tool_use>f()</tool_use>'.repeat(100));
    expect(r.blocks).toBe(LIMITS.maxBlocks);
    expect(r.calls).toHaveLength(LIMITS.maxBlocks);
    expect(r.errors).toEqual([`more than ${LIMITS.maxBlocks} <tool_use> blocks; the rest were not read`]);
  });

  it('reads only the first MiB of a longer output and says so', () => {
    const r = parseToolUse(`<tool_use>f()</tool_use>${' '.repeat(LIMITS.maxOutputChars)}<tool_use>g()</tool_use>`);
    expect(r.calls).toEqual([{ tool: 'f', params: {} }]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/only the first 1048576 were read/);
  });
});
