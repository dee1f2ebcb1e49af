// When target_size is below the number of base examples, a subset that still teaches every parameter and
// enum value: greedy set cover first (the example that adds most uncovered keys), then round robin over
// the categories in a seeded order until the target is reached. Keeps the base examples' order.
import type { ToolDefinition } from '../tools/tool-definition';
import { coverageKeys } from './coverage';
import { deriveRng, shuffle } from './prng';
import type { BaseExample } from './types';

// The base examples a dataset of `target` examples starts from (all of them when they fit).
export function selectBases(bases: readonly BaseExample[], target: number, seed: number, tools: readonly ToolDefinition[]): BaseExample[] {
  if (bases.length <= target) return [...bases];
  const order = shuffle(bases, deriveRng(seed, 'select-bases'));
  const keys = new Map(order.map((b) => [b, [...coverageKeys(b.calls, tools), `category:${b.category}`]]));
  const chosen = new Set<BaseExample>();
  const covered = new Set<string>();
  while (chosen.size < target) {
    let best: BaseExample | undefined;
    let gain = 0;
    for (const b of order) {
      if (chosen.has(b)) continue;
      const g = (keys.get(b) ?? []).filter((k) => !covered.has(k)).length;
      if (g > gain) [best, gain] = [b, g];
    }
    if (best === undefined) break;
    chosen.add(best);
    (keys.get(best) ?? []).forEach((k) => covered.add(k));
  }
  const byCategory = new Map<string, BaseExample[]>();
  for (const b of order) if (!chosen.has(b)) byCategory.set(b.category, [...(byCategory.get(b.category) ?? []), b]);
  while (chosen.size < target) {
    for (const queue of byCategory.values()) {
      const next = queue.shift();
      if (next !== undefined && chosen.size < target) chosen.add(next);
    }
  }
  return bases.filter((b) => chosen.has(b));
}
