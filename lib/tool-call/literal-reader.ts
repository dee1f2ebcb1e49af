// A hand-written, linear-time reader of Python literals (strings, numbers, True/False/None, lists,
// tuples, dicts): it never evaluates what it reads, and nests no deeper than LIMITS.maxDepth.
import { defineOwn, LIMITS, type JsonValue } from './types';

// Thrown inside the reader only; the public parse functions turn it into an error result.
export class SyntaxFault extends Error {}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

// Reads Python literal syntax from a string, left to right, keeping its offset in `pos`.
export class LiteralReader {
  pos = 0;
  constructor(readonly src: string) {}

  // Throws a SyntaxFault naming the offset and a short, escaped excerpt of the text there.
  fail(message: string, at: number = this.pos): never {
    const near = at < this.src.length ? ` near ${JSON.stringify(this.src.slice(at, at + 16))}` : ' at end of input';
    throw new SyntaxFault(`${message} (offset ${at}${near})`);
  }

  skipSpace(): void {
    const s = this.src;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) return;
      this.pos++;
    }
  }

  peek(): string {
    return this.src.charAt(this.pos);
  }

  // Reads an ASCII identifier, or returns undefined (and moves nothing) when none starts here.
  readIdentifier(): string | undefined {
    const s = this.src;
    const start = this.pos;
    let end = start;
    while (end < s.length && isIdentChar(s.charCodeAt(end), end === start)) end++;
    if (end === start) return undefined;
    this.pos = end;
    return s.slice(start, end);
  }

  readValue(depth: number): JsonValue {
    const c = this.peek();
    if (c === '') this.fail('expected a value');
    if (c === '[') return this.readSequence(']', depth + 1);
    if (c === '(') return this.readParenthesised(depth + 1);
    if (c === '{') return this.readDict(depth + 1);
    if (c === "'" || c === '"') return this.readStrings();
    if (c === '-' || c === '+' || c === '.' || (c >= '0' && c <= '9')) return this.readNumber();
    const start = this.pos;
    const name = this.readIdentifier();
    if (name === undefined) this.fail(`unexpected character ${JSON.stringify(c)}`);
    if (name === 'True') return true;
    if (name === 'False') return false;
    if (name === 'None') return null;
    const q = this.peek();
    if (q === "'" || q === '"') {
      const prefix = name.toLowerCase();
      if (prefix === 'r' || prefix === 'u') {
        this.pos = start;
        return this.readStrings();
      }
      this.fail(`string prefix ${JSON.stringify(name)} is not supported (only r and u)`, start);
    }
    const hint = ['true', 'false', 'null', 'none'].includes(name.toLowerCase()) ? ' (write True, False or None)' : '';
    this.fail(`${JSON.stringify(name.slice(0, 40))} is not a literal value${hint}`, start);
  }

  private enter(depth: number): void {
    if (depth > LIMITS.maxDepth) this.fail(`values nest deeper than ${LIMITS.maxDepth} levels`);
    this.pos++; // the opening bracket
    this.skipSpace();
  }

  // Reads items up to `close`; a trailing comma is allowed. The opening bracket is at `pos`.
  private readSequence(close: string, depth: number): JsonValue[] {
    this.enter(depth);
    return this.readItems(close, depth, []);
  }

  private readItems(close: string, depth: number, items: JsonValue[]): JsonValue[] {
    while (this.peek() !== close) {
      items.push(this.readValue(depth));
      this.skipSpace();
      if (this.peek() === ',') {
        this.pos++;
        this.skipSpace();
      } else if (this.peek() !== close) this.fail(`expected ',' or '${close}'`);
    }
    this.pos++;
    return items;
  }

  // `(x)` is x; `()` and `(x, ...)` are tuples, read as lists.
  private readParenthesised(depth: number): JsonValue {
    this.enter(depth);
    if (this.peek() === ')') {
      this.pos++;
      return [];
    }
    const first = this.readValue(depth);
    this.skipSpace();
    if (this.peek() === ')') {
      this.pos++;
      return first;
    }
    if (this.peek() !== ',') this.fail("expected ',' or ')'");
    this.pos++;
    this.skipSpace();
    return this.readItems(')', depth, [first]);
  }

  private readDict(depth: number): JsonValue {
    this.enter(depth);
    const out: Record<string, JsonValue> = {};
    while (this.peek() !== '}') {
      const keyAt = this.pos;
      const key = this.readValue(depth);
      if (typeof key !== 'string') this.fail('dict keys must be strings', keyAt);
      if (Object.hasOwn(out, key)) this.fail(`duplicate dict key ${JSON.stringify(key.slice(0, 40))}`, keyAt);
      this.skipSpace();
      if (this.peek() !== ':') this.fail("expected ':' after a dict key (sets are not supported)");
      this.pos++;
      this.skipSpace();
      defineOwn(out, key, this.readValue(depth));
      this.skipSpace();
      if (this.peek() === ',') {
        this.pos++;
        this.skipSpace();
      } else if (this.peek() !== '}') this.fail("expected ',' or '}'");
    }
    this.pos++;
    return out;
  }

  // Reads one string literal, or several adjacent ones, which Python concatenates.
  private readStrings(): string {
    let out = this.readString();
    for (;;) {
      const save = this.pos;
      this.skipSpace();
      const c = this.peek();
      const prefixed = (c === 'r' || c === 'R' || c === 'u' || c === 'U') && /['"]/.test(this.src.charAt(this.pos + 1));
      if (c !== "'" && c !== '"' && !prefixed) {
        this.pos = save;
        return out;
      }
      out += this.readString();
    }
  }

  private readString(): string {
    const s = this.src;
    let raw = false;
    const c0 = s.charAt(this.pos);
    if (c0 === 'r' || c0 === 'R') raw = true;
    if (c0 !== "'" && c0 !== '"') this.pos++; // prefix letter
    const start = this.pos;
    const quote = s.charAt(this.pos);
    const triple = s.startsWith(quote.repeat(3), this.pos);
    this.pos += triple ? 3 : 1;
    const parts: string[] = [];
    let run = this.pos;
    while (this.pos < s.length) {
      const c = s.charAt(this.pos);
      if (c === quote && (!triple || s.startsWith(quote.repeat(3), this.pos))) {
        parts.push(s.slice(run, this.pos));
        this.pos += triple ? 3 : 1;
        return parts.join('');
      }
      if ((c === '\n' || c === '\r') && !triple) this.fail('line break inside a single-quoted string (write \\n)');
      if (c !== '\\') {
        this.pos++;
        continue;
      }
      parts.push(s.slice(run, this.pos));
      if (this.pos + 1 >= s.length) break;
      if (raw) {
        parts.push(s.slice(this.pos, this.pos + 2));
        this.pos += 2;
      } else parts.push(this.readEscape());
      run = this.pos;
    }
    this.fail('unterminated string', start);
  }

  // Reads the escape sequence at `pos` (a backslash and at least one more character).
  private readEscape(): string {
    const s = this.src;
    const at = this.pos;
    const e = s.charAt(at + 1);
    this.pos = at + 2;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) return simple;
    if (e === '\n') return '';
    if (e === '\r') {
      if (s.charAt(this.pos) === '\n') this.pos++;
      return '';
    }
    if (e >= '0' && e <= '7') {
      let end = this.pos;
      while (end < at + 4 && end < s.length && s.charAt(end) >= '0' && s.charAt(end) <= '7') end++;
      this.pos = end;
      return String.fromCharCode(parseInt(s.slice(at + 1, end), 8));
    }
    const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (width > 0) {
      const digits = s.slice(this.pos, this.pos + width);
      if (digits.length !== width || !/^[0-9a-fA-F]+$/.test(digits)) this.fail(`\\${e} needs ${width} hex digits`, at);
      this.pos += width;
      const code = parseInt(digits, 16);
      if (code > 0x10ffff) this.fail(`\\U${digits} is beyond U+10FFFF`, at);
      return code <= 0xffff ? String.fromCharCode(code) : String.fromCodePoint(code);
    }
    if (e === 'N') this.fail('\\N{...} named escapes are not supported', at);
    return `\\${e}`; // Python keeps unknown escapes as they are
  }

  private readNumber(): number {
    const s = this.src;
    const start = this.pos;
    let sign = '';
    if (s.charAt(this.pos) === '-' || s.charAt(this.pos) === '+') {
      sign = s.charAt(this.pos) === '-' ? '-' : '';
      this.pos++;
      this.skipSpace();
    }
    const intPart = this.readDigits();
    let text = intPart;
    if (s.charAt(this.pos) === '.') {
      this.pos++;
      text += `.${this.readDigits()}`;
    }
    if (text === '' || text === '.') this.fail('expected a number', start);
    const c = s.charAt(this.pos);
    if (c === 'e' || c === 'E') {
      this.pos++;
      let exp = '';
      if (s.charAt(this.pos) === '-' || s.charAt(this.pos) === '+') exp = s.charAt(this.pos++);
      const digits = this.readDigits();
      if (digits === '') this.fail('expected exponent digits', start);
      text += `e${exp}${digits}`;
    }
    if (isIdentChar(s.charCodeAt(this.pos), false)) this.fail('invalid number (only decimal literals)', start);
    if (text === intPart && intPart.length > 1 && intPart.startsWith('0') && /[1-9]/.test(intPart)) this.fail('leading zeros in an integer', start);
    const n = Number(sign + text);
    if (!Number.isFinite(n)) this.fail('number out of range', start);
    return n;
  }

  // Reads decimal digits with optional single underscores between them; returns them without underscores.
  private readDigits(): string {
    const s = this.src;
    const start = this.pos;
    while (this.pos < s.length) {
      const c = s.charAt(this.pos);
      if (c >= '0' && c <= '9') this.pos++;
      else if (c === '_' && this.pos > start && isDigit(s.charAt(this.pos + 1))) this.pos++;
      else break;
    }
    return s.slice(start, this.pos).replaceAll('_', '');
  }
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isIdentChar(c: number, first: boolean): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (!first && c >= 0x30 && c <= 0x39);
}
