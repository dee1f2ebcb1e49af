// Casual rewrites of a request, the way people type to an assistant: lower case, no final punctuation,
// a filler word ("pls", "hey", "quick q:"), and sometimes one typo (two adjacent letters swapped) in a
// word that no argument value contains, so the arguments stay what the request asks for.
import type { Rng } from './prng';

const OPENERS = ['', '', 'hey ', 'ok ', 'yo ', 'quick q: ', 'pls ', 'can u '];
const WRAPPED = /^(please|can you|could you|hey|quick one|go ahead|i need you)\b|(please|for me)$/i;
const CLOSERS = ['', '', ' pls', ' plz', ' thx', ' asap', ' real quick', ' for me'];

function pick<T>(items: readonly T[], rng: Rng): T {
  return items[Math.floor(rng() * items.length)] as T;
}

// One word with two adjacent inner letters swapped, or the text unchanged when no word may change.
function addTypo(text: string, values: readonly string[], rng: Rng): string {
  const words = [...text.matchAll(/[A-Za-z]{5,}/g)].filter((m) => !values.some((v) => v.includes(m[0])));
  if (words.length === 0) return text;
  const m = pick(words, rng);
  const w = m[0];
  const i = 1 + Math.floor(rng() * (w.length - 3));
  const typo = w.slice(0, i) + (w[i + 1] ?? '') + (w[i] ?? '') + w.slice(i + 2);
  return text.slice(0, m.index) + typo + text.slice((m.index ?? 0) + w.length);
}

// Whether `query` ends in one of its (non-empty) argument values, so its last character is not punctuation to drop.
export function endsInValue(query: string, values: readonly string[]): boolean {
  return values.some((v) => v !== '' && query.endsWith(v));
}

// A casual version of `query`; `values` are the string argument values, which must stay spelled as they are.
export function casualize(query: string, values: readonly string[], rng: Rng): string {
  // A request that ends in a value (`go build ./cmd/...`) keeps its last character.
  let q = endsInValue(query, values) ? query : query.replace(/[.!]$/, '');
  if (/^[A-Z][a-z]/.test(q) && !values.some((v) => v.startsWith(q.split(' ')[0] ?? ''))) q = q.charAt(0).toLowerCase() + q.slice(1);
  if (rng() < 0.5) q = q.replace(/\?$/, '');
  // A request that already has a polite wrapper keeps it; the others get a filler word or two.
  if (!WRAPPED.test(q)) {
    const opener = pick(OPENERS, rng);
    const closer = q.endsWith('?') ? '' : pick(CLOSERS, rng);
    // "can u" also lands before questions and statements ("can u what does ..."). Kept on purpose: leaving it
    // off them changed nothing on held-out 3 and raised false calls on every set (docs/QUALITY.md, E72-E79).
    q = `${opener === 'can u ' && !/^[a-z]+ /.test(q) ? '' : opener}${q}${closer}`;
  }
  return rng() < 0.35 ? addTypo(q, values, rng) : q;
}
