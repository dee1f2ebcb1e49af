// The shape every composing intent returns, and the helpers intents share.
import type { JsonValue, ToolCall } from '../../tool-call/syntax';
import type { Rng } from '../prng';
import type { Difficulty } from '../types';
import { pick, shuffle } from './values';

// A composed request, the assistant's one-sentence reply, and the calls it makes.
export interface Draft {
  query: string;
  reply: string;
  calls: ToolCall[];
  difficulty: Difficulty;
}

// A way of asking for one kind of call: draws values and a phrasing.
export type Intent = (rng: Rng) => Draft;

// A call with the arguments given (undefined ones left out: optional arguments the request did not set).
export function call(tool: string, params: Record<string, JsonValue | undefined>): ToolCall {
  const kept: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined) kept[k] = v;
  return { tool, params: kept };
}

// One phrasing of several, each a function of the request's values.
export function phrase<A extends unknown[]>(rng: Rng, forms: readonly ((...args: A) => string)[], ...args: A): string {
  return pick(forms, rng)(...args);
}

// A quoted value the way users quote: single quotes, double quotes or backticks.
export function quote(text: string, rng: Rng): string {
  const q = pick(["'", "'", '"', '`'], rng);
  return `${q}${text}${q}`;
}

// Option phrases (each with its own leading separator) in a random order: people name a call's options in
// any order, and a model that saw them in one order drops the ones it meets elsewhere.
export function options(parts: readonly string[], rng: Rng): string {
  return shuffle(parts.filter((p) => p !== ''), rng).join('');
}
