// Swaps file names, folders, words, languages and numbers in an example, in the request and in the
// call arguments alike, so the expected calls stay consistent with what the request now says.
import type { JsonValue, ToolCall } from '../tool-call/syntax';
import { FILE_POOLS, FOLDER_POOLS, LANGUAGES, NUMBER_POOLS, WORD_POOLS } from './substitution-pools';

// One swap: every bounded occurrence of `from` becomes `to`; `numeric` also swaps numbers equal to it.
export interface Substitution {
  from: string;
  to: string;
  numeric?: boolean;
}

// The part of an example a substitution touches.
export interface Swappable {
  query: string;
  reply: string;
  calls: ToolCall[];
}

// One place in an example that can be swapped, and the swaps it allows (each a set applied together).
export interface Slot {
  kind: string;
  from: string;
  options: Substitution[][];
}

const WORD = '\\p{L}\\p{N}_';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// A token is bounded when no letter, digit, `_` or `-` touches it; numbers also refuse a neighbouring
// `.` digit, so 127.0.0.1 or v2.1.0 are never taken apart.
function boundedRegExp(sub: Substitution): RegExp {
  const body = escapeRegExp(sub.from);
  if (sub.numeric === true) return new RegExp(`(?<![${WORD}.-])${body}(?![${WORD}]|\\.\\d)`, 'gu');
  return new RegExp(`(?<![${WORD}-])${body}(?![${WORD}-])`, 'gu');
}

function countIn(text: string, sub: Substitution): number {
  return text.match(boundedRegExp(sub))?.length ?? 0;
}

function stringsOf(value: JsonValue, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsOf(v, out));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((v) => stringsOf(v, out));
  return out;
}

function numbersOf(value: JsonValue, out: number[] = []): number[] {
  if (typeof value === 'number') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => numbersOf(v, out));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((v) => numbersOf(v, out));
  return out;
}

function occursInParams(ex: Swappable, sub: Substitution): boolean {
  const params = ex.calls.map((c) => c.params as JsonValue);
  if (params.some((p) => stringsOf(p).some((s) => countIn(s, sub) > 0))) return true;
  return sub.numeric === true && params.some((p) => numbersOf(p).includes(Number(sub.from)));
}

function occursAnywhere(ex: Swappable, token: string, numeric = false): boolean {
  const sub = { from: token, to: token, numeric };
  return countIn(ex.query, sub) > 0 || countIn(ex.reply, sub) > 0 || occursInParams(ex, sub);
}

// Every text of an example: request, reply and argument strings.
function textsOf(ex: Swappable): string[] {
  return [ex.query, ex.reply, ...ex.calls.flatMap((c) => stringsOf(c.params))];
}

// A word swap is only safe when every occurrence of it is bounded: "star" inside "star-topology"
// would be left behind, and the reply would still say what the request no longer does.
function onlyBounded(ex: Swappable, sub: Substitution): boolean {
  if (sub.numeric === true) return true;
  const lax = new RegExp(`(?<![${WORD}])${escapeRegExp(sub.from)}(?![${WORD}])`, 'gu');
  return textsOf(ex).every((t) => (t.match(lax)?.length ?? 0) === countIn(t, sub));
}

// A swap is usable when `from` is in the request and in the arguments, and `to` is nowhere yet.
function usable(ex: Swappable, sub: Substitution): boolean {
  return (
    countIn(ex.query, sub) > 0 && occursInParams(ex, sub) && !occursAnywhere(ex, sub.to, sub.numeric) && onlyBounded(ex, sub)
  );
}

// True when a slot's option found before other swaps still fits: its first `from` is still in the
// request and none of its `to` values has appeared meanwhile.
export function isStillApplicable(ex: Swappable, option: readonly Substitution[]): boolean {
  const first = option[0];
  if (first === undefined || countIn(ex.query, first) === 0) return false;
  return option.every((sub) => !occursAnywhere(ex, sub.to, sub.numeric));
}

function fileKind(path: string): string | undefined {
  const name = (path.split('/').pop() ?? path).replace(/^\.+/, '');
  const dot = name.indexOf('.');
  if (dot <= 0) return undefined;
  const ext = name.slice(dot + 1);
  return name.startsWith('test_') ? `test_${ext}` : ext;
}

function fileSlots(ex: Swappable): Slot[] {
  const slots: Slot[] = [];
  const tokens = new Set(ex.query.match(/[\p{L}\p{N}_./-]+\.[A-Za-z0-9]+/gu) ?? []);
  for (const token of tokens) {
    if (token.startsWith('.')) continue; // `.test.ts` is a suffix, not a file
    const kind = fileKind(token);
    const pool = kind === undefined ? undefined : FILE_POOLS[kind];
    if (pool === undefined) continue;
    const names = token.includes('/') ? pool : [...new Set(pool.map((p) => p.split('/').pop() ?? p))];
    const options = names.map((to) => [{ from: token, to }]).filter((o) => o.every((s) => usable(ex, s)));
    if (options.length > 0) slots.push({ kind: `file:${kind}`, from: token, options });
  }
  return slots;
}

function poolSlots(ex: Swappable, pools: readonly (readonly string[])[], kind: string, onlyPathArg: boolean): Slot[] {
  const slots: Slot[] = [];
  for (const pool of pools) {
    for (const from of pool) {
      if (onlyPathArg && !ex.calls.some((c) => c.params.path === from)) continue;
      const options = pool.filter((to) => to !== from).map((to) => [{ from, to }]).filter((o) => o.every((s) => usable(ex, s)));
      if (options.length > 0) slots.push({ kind, from, options });
    }
  }
  return slots;
}

function languageSlots(ex: Swappable): Slot[] {
  const slots: Slot[] = [];
  for (const lang of LANGUAGES) {
    const glob = `*.${lang.ext}`;
    if (countIn(ex.query, { from: lang.name, to: '' }) === 0 || !occursInParams(ex, { from: glob, to: '' })) continue;
    // Only where the extension is used by glob patterns alone: `read ci.yml` must not turn into `ci.json`.
    const allExt = ex.calls.flatMap((c) => stringsOf(c.params)).join('\n').split(`.${lang.ext}`).length - 1;
    const globExt = ex.calls.flatMap((c) => stringsOf(c.params)).join('\n').split(glob).length - 1;
    if (allExt !== globExt) continue;
    const options = LANGUAGES.filter((l) => l !== lang)
      .map((l) => [{ from: lang.name, to: l.name }, { from: glob, to: `*.${l.ext}` }])
      .filter((o) => !occursAnywhere(ex, o[0]?.to ?? '') && !occursAnywhere(ex, o[1]?.to ?? ''));
    if (options.length > 0) slots.push({ kind: 'language', from: lang.name, options });
  }
  return slots;
}

function numberSlots(ex: Swappable): Slot[] {
  const slots: Slot[] = [];
  for (const token of new Set(ex.query.match(/\d+/g) ?? [])) {
    const n = Number(token);
    const pool = NUMBER_POOLS.find((p) => n <= p.max);
    if (pool === undefined || String(n) !== token) continue;
    const options = pool.values
      .filter((v) => v !== n)
      .map((v) => [{ from: token, to: String(v), numeric: true }])
      .filter((o) => o.every((s) => usable(ex, s)));
    if (options.length > 0) slots.push({ kind: 'number', from: token, options });
  }
  return slots;
}

// Every place in the example that can be swapped, in a fixed order.
export function findSlots(ex: Swappable): Slot[] {
  return [
    ...fileSlots(ex),
    ...poolSlots(ex, FOLDER_POOLS, 'folder', true),
    ...poolSlots(ex, WORD_POOLS, 'word', false),
    ...languageSlots(ex),
    ...numberSlots(ex),
  ];
}

function swapText(text: string, sub: Substitution): string {
  const swapped = text.replace(boundedRegExp(sub), sub.to);
  // Keep the article right: "a coder" swapped to "analyst" reads "an analyst".
  const article = new RegExp(`(?<![${WORD}])([Aa])n? (?=${escapeRegExp(sub.to)}(?![${WORD}-]))`, 'gu');
  const vowel = /^[aeiouAEIOU]/.test(sub.to);
  return swapped.replace(article, (_m, a: string) => (vowel ? `${a}n ` : `${a} `));
}

function swapValue(value: JsonValue, sub: Substitution): JsonValue {
  if (typeof value === 'string') return value.replace(boundedRegExp(sub), sub.to);
  if (typeof value === 'number') return sub.numeric === true && value === Number(sub.from) ? Number(sub.to) : value;
  if (Array.isArray(value)) return value.map((v) => swapValue(v, sub));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, swapValue(v, sub)]));
  }
  return value;
}

// Applies the swaps in order to the request, the reply and every argument value (never to argument names).
export function applySubstitutions<T extends Swappable>(ex: T, subs: readonly Substitution[]): T {
  let out: T = ex;
  for (const sub of subs) {
    out = {
      ...out,
      query: swapText(out.query, sub),
      reply: swapText(out.reply, sub),
      calls: out.calls.map((c) => ({ tool: c.tool, params: swapValue(c.params, sub) as Record<string, JsonValue> })),
    };
  }
  return out;
}
