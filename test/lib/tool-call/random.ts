// A small seeded PRNG (mulberry32) and generators of awkward strings and JSON values for
// property-style tests: the same seed gives the same cases on every machine.
import { PYTHON_KEYWORDS, type JsonValue } from '../../../lib/tool-call/syntax';

// A deterministic random source with the few helpers the tests need.
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
}

const AWKWARD_PIECES = [
  'a', 'Z', ' ', '0', "'", '"', '\\', '\n', '\r', '\t', '\0', '\x01', '\x1b', '\x7f', '\x85', '\x9f',
  'é', '中', 'ß', '\u2028', '\u2029', '\ufeff', '😀', '👩‍💻', '\ud800', '\udfff', '\udbff\udfff',
  '<', '>', '</tool_use>', '<tool_use>', "'''", '"""', '\\x', '\\u', '\\N{', '\\\n', '{', '}', '(', ')',
  '[', ']', ',', '=', ':', '#', 'True', 'None', '$(rm -rf /)', '%s', '${x}',
];

// A random string mixing quotes, backslashes, control characters, non-ASCII, emoji and lone surrogates.
export function randomAwkwardString(rnd: Random, maxPieces = 12): string {
  const n = rnd.int(maxPieces + 1);
  let s = '';
  for (let i = 0; i < n; i++) {
    s += rnd.next() < 0.3 ? String.fromCharCode(rnd.int(0x10000)) : rnd.pick(AWKWARD_PIECES);
  }
  return s;
}

const AWKWARD_NUMBERS = [
  0, -0, 1, -1, 0.1, -0.5, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MAX_SAFE_INTEGER,
  2 ** 60, 123456789.125, 1e20, 1.5e300, 100, 3.14159,
];

export function randomNumber(rnd: Random): number {
  if (rnd.next() < 0.5) return rnd.pick(AWKWARD_NUMBERS);
  const scale = 10 ** (rnd.int(40) - 20);
  const n = (rnd.next() - 0.5) * scale;
  return rnd.next() < 0.5 ? Math.round(n) : n;
}

const KEYS = ['file_path', 'a', '_', '__proto__', 'constructor', 'toString', 'x1', 'hasOwnProperty'];

// A random identifier, sometimes one that is special on JavaScript objects.
export function randomIdentifier(rnd: Random): string {
  if (rnd.next() < 0.5) return rnd.pick(KEYS);
  const first = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_';
  const rest = `${first}0123456789`;
  let s = first.charAt(rnd.int(first.length));
  for (let i = rnd.int(8); i > 0; i--) s += rest.charAt(rnd.int(rest.length));
  return PYTHON_KEYWORDS.has(s) ? `${s}_` : s;
}

// A random JSON value nested at most `depth` levels.
export function randomValue(rnd: Random, depth: number): JsonValue {
  const kind = rnd.int(depth > 0 ? 7 : 5);
  switch (kind) {
    case 0:
    case 1:
      return randomAwkwardString(rnd);
    case 2:
      return randomNumber(rnd);
    case 3:
      return rnd.pick([true, false]);
    case 4:
      return null;
    case 5:
      return Array.from({ length: rnd.int(4) }, () => randomValue(rnd, depth - 1));
    default: {
      const obj: Record<string, JsonValue> = {};
      for (let i = rnd.int(4); i > 0; i--) {
        const key = rnd.next() < 0.5 ? randomIdentifier(rnd) : randomAwkwardString(rnd, 4);
        Object.defineProperty(obj, key, { value: randomValue(rnd, depth - 1), enumerable: true, writable: true, configurable: true });
      }
      return obj;
    }
  }
}

// Deep equality that tells -0 from 0 and sees own keys such as `__proto__`.
export function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return Object.is(a, b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
