// Augmentation: deterministic variants of the base examples (rephrased requests, swapped file names,
// folders, words and numbers), each remembering its base_id, until the pool reaches its target size.
import type { ParamsChecker } from '../tools/validate-params';
import { callsKey, normalizeQuery } from './canonical';
import { casualize } from './casual';
import { paraphraseQuery } from './paraphrase';
import { deriveRng, shuffle, type Rng } from './prng';
import { applySubstitutions, findSlots, isStillApplicable, type Substitution } from './substitute';
import type { BaseExample, Example } from './types';

// What augmentation must respect besides the base examples themselves.
export interface AugmentOptions {
  /** How many variants to add. */
  count: number;
  seed: number;
  /** Normalized queries already taken (the pool) or forbidden (the suite); variants are added to it. */
  takenQueries: Set<string>;
  /** callsKey() of calls no variant may expect: the suite's, so no variant hands the model a suite answer. */
  forbiddenCalls: ReadonlySet<string>;
  checkParams: ParamsChecker;
}

const MAX_SUBSTITUTION_SETS = 16;
const MAX_PHRASINGS = 12;

interface Candidate {
  query: string;
  reply: string;
  calls: BaseExample['calls'];
}

function substitutionSets(base: BaseExample, rng: Rng): Substitution[][] {
  const slots = findSlots(base);
  const singles = slots.flatMap((s) => s.options);
  const pairs: Substitution[][] = [];
  for (let i = 0; i < slots.length; i++) {
    for (let j = i + 1; j < slots.length; j++) {
      const a = slots[i];
      const b = slots[j];
      if (a === undefined || b === undefined || a.from === b.from) continue;
      for (const x of shuffle(a.options, rng).slice(0, 2)) {
        for (const y of shuffle(b.options, rng).slice(0, 2)) {
          if (isStillApplicable(applySubstitutions(base, x), y)) pairs.push([...x, ...y]);
        }
      }
    }
  }
  return [[], ...shuffle([...singles, ...pairs], rng).slice(0, MAX_SUBSTITUTION_SETS - 1)];
}

// The string argument values in a list of values (arrays flattened): what a rewrite must keep spelled as it is.
export function stringValues(values: readonly unknown[]): string[] {
  return values.flatMap((v) => (typeof v === 'string' ? [v] : Array.isArray(v) ? stringValues(v) : []));
}

function candidatesFor(base: BaseExample, seed: number): Candidate[] {
  const rng = deriveRng(seed, `augment:${base.id}`);
  const tool = base.calls[0]?.tool ?? '';
  const out: Candidate[] = [];
  for (const subs of substitutionSets(base, rng)) {
    const swapped = applySubstitutions(base, subs);
    const phrasings = shuffle(paraphraseQuery(swapped.query, tool), rng).slice(0, MAX_PHRASINGS);
    if (subs.length > 0) phrasings.unshift(swapped.query);
    const values = swapped.calls.flatMap((c) => stringValues(Object.values(c.params)));
    for (const query of phrasings) {
      out.push({ query, reply: swapped.reply, calls: swapped.calls });
      // The same request typed casually: lower case, filler words, sometimes a typo.
      out.push({ query: casualize(query, values, rng), reply: swapped.reply, calls: swapped.calls });
    }
  }
  // A request no tool fits has no slots and no frames: its variants are casual retypings of it.
  if (base.calls.length === 0) {
    for (let i = 0; i < MAX_PHRASINGS; i++) out.push({ query: casualize(base.query, [], rng), reply: base.reply, calls: [] });
  }
  return shuffle(out, rng);
}

// Adds up to `count` variants, spread evenly over the base examples (round robin in a seeded order).
// Variants with a taken query, a forbidden call list or arguments their schema rejects are passed over.
export function augmentExamples(bases: readonly BaseExample[], options: AugmentOptions): Example[] {
  const order = shuffle(bases, deriveRng(options.seed, 'augment:order'));
  const queues = new Map(order.map((b) => [b.id, candidatesFor(b, options.seed)]));
  const made = new Map<string, number>();
  const out: Example[] = [];
  let progress = true;
  while (out.length < options.count && progress) {
    progress = false;
    for (const base of order) {
      if (out.length >= options.count) break;
      const queue = queues.get(base.id) ?? [];
      let next = queue.shift();
      while (next !== undefined && !acceptCandidate(next, options)) next = queue.shift();
      if (next === undefined) continue;
      progress = true;
      const n = (made.get(base.id) ?? 0) + 1;
      made.set(base.id, n);
      out.push({
        id: `${base.id}-aug-${String(n).padStart(2, '0')}`,
        base_id: base.id,
        category: base.category,
        difficulty: base.difficulty,
        query: next.query,
        reply: next.reply,
        calls: next.calls,
        source: 'augmented',
      });
    }
  }
  return out;
}

// Whether a new example may join the pool (its query is then taken): a query not taken yet, not the calls
// of a suite case, arguments its schema accepts. Augmentation and composing share these rules.
export function acceptCandidate(c: Pick<Candidate, 'query' | 'calls'>, options: Omit<AugmentOptions, 'count' | 'seed'>): boolean {
  const key = normalizeQuery(c.query);
  if (options.takenQueries.has(key) || options.forbiddenCalls.has(callsKey(c.calls))) return false;
  if (c.calls.some((call) => options.checkParams(call).length > 0)) return false;
  options.takenQueries.add(key);
  return true;
}
