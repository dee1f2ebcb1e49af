// Composed examples: requests drawn from per-tool intents (phrasings × values built from parts), single
// calls, multi-call requests and plain-text answers, typed casually some of the time. Where the base
// examples' variants only swap nouns inside a few hand-written sentences, these vary the phrasing, the
// values and which optional arguments are set, so a small model learns the arguments, not the templates.
import { acceptCandidate, stringValues, type AugmentOptions } from '../augment';
import { normalizeQuery } from '../canonical';
import { casualize, endsInValue } from '../casual';
import { deriveRng, hashString, type Rng } from '../prng';
import type { Example } from '../types';
import { CHAT_INTENTS } from './chat-intents';
import { call, type Draft, type Intent } from './draft';
import { FILE_INTENTS } from './file-intents';
import { FLOW_INTENTS } from './flow-intents';
import { SHELL_INTENTS } from './shell-intents';
import { chance, identifierPair, pick, textPair, filePath } from './values';

// What composing must respect: the same count, seed and rules as augmentation.
export type ComposeOptions = AugmentOptions;

const TOOL_INTENTS = [...FILE_INTENTS, ...SHELL_INTENTS, ...FLOW_INTENTS];
const MULTI_SHARE = 0.1;
const NO_TOOL_SHARE = 0.15;
const CASUAL_SHARE = 0.4;
const MAX_TRIES_PER_EXAMPLE = 50;

function weighted(intents: readonly [Intent, number, string][], rng: Rng): [Intent, string] {
  const total = intents.reduce((s, [, w]) => s + w, 0);
  let r = rng() * total;
  for (const [intent, w, category] of intents) {
    r -= w;
    if (r < 0) return [intent, category];
  }
  const last = intents[intents.length - 1] as [Intent, number, string];
  return [last[0], last[2]];
}

// A request without its final '?' or '.', unless that ends one of its values.
function trimEnd(d: Draft): string {
  return endsInValue(d.query, draftValues(d)) ? d.query : d.query.replace(/[?.]$/, '');
}

function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}

// Two requests joined into one that makes both calls, in order.
function multiStep(rng: Rng): Draft {
  if (chance(0.25, rng)) {
    const f = filePath(rng);
    const [a, b] = chance(0.5, rng) ? identifierPair(rng) : textPair(rng);
    const query = pick([`read ${f}, then change '${a}' to '${b}' in it`, `check ${f} and then replace '${a}' with '${b}' there`,
      `open ${f}; after that swap '${a}' for '${b}' in it`], rng);
    return { query, reply: `I'll read ${f}, then replace ${a} with ${b}.`, difficulty: 'hard',
      calls: [call('read', { file_path: f }), call('edit', { file_path: f, old_string: a, new_string: b })] };
  }
  const first = weighted(TOOL_INTENTS, rng)[0](rng);
  const second = weighted(TOOL_INTENTS, rng)[0](rng);
  const q1 = trimEnd(first);
  const q2 = lowerFirst(trimEnd(second));
  const query = pick([`${q1}, then ${q2}`, `${q1} and then ${q2}`, `first ${lowerFirst(q1)}, then ${q2}`, `${q1}; after that ${q2}`], rng);
  const reply = `${first.reply.replace(/\.$/, '')}, then ${lowerFirst(second.reply.replace(/^I'll /, ''))}`;
  return { query, reply, calls: [...first.calls, ...second.calls], difficulty: 'hard' };
}

function draw(rng: Rng): [Draft, string] {
  const r = rng();
  if (r < MULTI_SHARE) return [multiStep(rng), 'multi-step'];
  if (r < MULTI_SHARE + NO_TOOL_SHARE) {
    const [intent, category] = weighted(CHAT_INTENTS, rng);
    return [intent(rng), category];
  }
  const [intent, category] = weighted(TOOL_INTENTS, rng);
  return [intent(rng), category];
}

function draftValues(draft: Draft): string[] {
  return stringValues(draft.calls.flatMap((c) => Object.values(c.params)));
}

// `count` composed examples, each its own group (base_id = id, from its request) for the split; the same seed gives the same list.
export function composeExamples(options: ComposeOptions): Example[] {
  const rng = deriveRng(options.seed, 'compose');
  const out: Example[] = [];
  const ids = new Set<string>();
  let tries = 0;
  while (out.length < options.count && tries < options.count * MAX_TRIES_PER_EXAMPLE) {
    tries++;
    const [drafted, category] = draw(rng);
    const draft = chance(CASUAL_SHARE, rng) ? { ...drafted, query: casualize(drafted.query, draftValues(drafted), rng) } : drafted;
    if (!acceptCandidate(draft, options)) continue;
    // Named by its request, so a larger dataset (remediation's data_factor) gives the same example the same id.
    let id = `cmp-${category}-${hashString(normalizeQuery(draft.query)).toString(16).padStart(8, '0')}`;
    while (ids.has(id)) id = `${id}x`; // a hash collision between two requests
    ids.add(id);
    out.push({ id, base_id: id, category, difficulty: draft.difficulty, query: draft.query, reply: draft.reply, calls: draft.calls, source: 'composed' });
  }
  return out;
}
