// The train/validation split: stratified by category, by whole base_id groups, the same for the same seed.
import { deriveRng, shuffle } from './prng';
import type { Example } from './types';

interface Group {
  key: string;
  category: string;
  members: Example[];
}

function groupByBase(examples: readonly Example[]): Group[] {
  const groups = new Map<string, Group>();
  for (const ex of examples) {
    const group = groups.get(ex.base_id);
    if (group === undefined) groups.set(ex.base_id, { key: ex.base_id, category: ex.category, members: [ex] });
    else group.members.push(ex);
  }
  return [...groups.values()];
}

// How many train groups hold each coverage key; a group is not moved to validation when it holds the
// last training example of a key (a tool parameter or enum value the model would otherwise never see).
type KeyCounts = Map<string, number>;

function keysOfGroup(g: Group, keysOf: (ex: Example) => Iterable<string>): Set<string> {
  return new Set(g.members.flatMap((ex) => [...keysOf(ex)]));
}

// Picks validation groups per category so their size comes closest to fraction × the category's count;
// a category with a single group stays in train, and every category keeps at least one train group.
function pickValidation(groups: readonly Group[], fraction: number, seed: number, category: string, guard?: { counts: KeyCounts; keys: Map<string, Set<string>> }): Set<string> {
  const total = groups.reduce((n, g) => n + g.members.length, 0);
  const target = Math.round(total * fraction);
  const picked = new Set<string>();
  if (groups.length < 2 || target === 0) return picked;
  const order = shuffle(groups, deriveRng(seed, `split:${category}`));
  let size = 0;
  const lastOfSomeKey = (g: Group): boolean => [...(guard?.keys.get(g.key) ?? [])].some((k) => (guard?.counts.get(k) ?? 0) <= 1);
  for (const g of order) {
    if (picked.size === groups.length - 1) break;
    if (lastOfSomeKey(g)) continue;
    const after = size + g.members.length;
    if (Math.abs(after - target) < Math.abs(size - target)) {
      picked.add(g.key);
      for (const k of guard?.keys.get(g.key) ?? []) guard?.counts.set(k, (guard.counts.get(k) ?? 0) - 1);
      size = after;
    }
  }
  const movable = order.filter((g) => !lastOfSomeKey(g));
  if (picked.size === 0 && movable.length > 0) {
    const smallest = movable.reduce((a, b) => (b.members.length < a.members.length ? b : a));
    picked.add(smallest.key);
    for (const k of guard?.keys.get(smallest.key) ?? []) guard?.counts.set(k, (guard.counts.get(k) ?? 0) - 1);
  }
  return picked;
}

// Splits the pool; both sides keep the pool's order. Variants of one base example never straddle the split.
// With `keysOf`, no group holding the last training example of a key goes to validation.
export function splitExamples(examples: readonly Example[], fraction: number, seed: number, keysOf?: (ex: Example) => Iterable<string>): { train: Example[]; val: Example[] } {
  const groups = groupByBase(examples);
  const categories = [...new Set(groups.map((g) => g.category))].sort();
  const valKeys = new Set<string>();
  let guard: { counts: KeyCounts; keys: Map<string, Set<string>> } | undefined;
  if (keysOf !== undefined) {
    const keys = new Map(groups.map((g) => [g.key, keysOfGroup(g, keysOf)]));
    const counts: KeyCounts = new Map();
    for (const set of keys.values()) for (const k of set) counts.set(k, (counts.get(k) ?? 0) + 1);
    guard = { counts, keys };
  }
  for (const category of categories) {
    const picked = pickValidation(groups.filter((g) => g.category === category), fraction, seed, category, guard);
    picked.forEach((k) => valKeys.add(k));
  }
  return {
    train: examples.filter((ex) => !valKeys.has(ex.base_id)),
    val: examples.filter((ex) => valKeys.has(ex.base_id)),
  };
}
