// A small seeded PRNG, so every random choice of the dataset stage repeats exactly for the same seed.

// A source of floats in [0, 1): the only randomness the dataset stage uses (never Math.random).
export type Rng = () => number;

// mulberry32: 32-bit state, good enough spread for shuffling a few hundred examples, and tiny.
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A stream of its own for each named purpose, so adding a draw in one place leaves the others unchanged.
export function deriveRng(seed: number, label: string): Rng {
  return createRng((seed ^ hashString(label)) >>> 0);
}

// FNV-1a over UTF-16 code units: a stable 32-bit hash of a label.
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

// Fisher-Yates shuffle into a new array; the input is left as it is.
export function shuffle<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}
