// Schema-constrained decoding of tool calls: text outside a `<tool_use>` block stays free; inside one,
// xgrammar's token masks allow only what the tools' grammar allows (tool-grammar.ts), so every call that
// closes parses and fits its schema. xgrammar's "triggered tags" do the switching between the two.
import type { ToolDefinition } from '../../tools/load-tools';
import { buildToolCallGrammar } from './tool-grammar';
import { loadXGrammar, type XGrammarModule } from './xgrammar';

// Which calls the model may or must make, as OpenAI's tool_choice says it.
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

// The tokenizer facts xgrammar needs: every token's raw text by id, and how those texts encode bytes.
export interface GrammarVocab {
  tokens: string[];
  vocabType: 'byte_level' | 'byte_fallback' | 'raw';
  stopTokenIds: number[];
}

// One generation's constraint: masks the next token's logits and follows the tokens chosen.
export interface StepConstraint {
  // Sets the logits of every token the grammar forbids now to -Infinity (row of `vocabSize` at `offset`).
  maskLogits(logits: Float32Array, offset?: number): Promise<void>;
  // Advances the grammar by the chosen token; false when the grammar rejects it.
  accept(tokenId: number): boolean;
  // True once the grammar reached its end (a stop token was accepted).
  isTerminated(): boolean;
  // Frees the matcher.
  dispose(): void;
  // Past the token budget inside an open block: the allowed token that closes what is open (a string, the
  // argument list, a list or dict, the tag), the likeliest of those by `logits`; else the likeliest allowed.
  pickClosing(logits: Float32Array): Promise<number>;
}

// Ranks of the tokens that close something, by what they close first: a quote ends the string being written
// (inside a string, brackets are just characters), then a bracket ends the argument list, a list or a dict,
// then `</` starts the end tag. Only tokens made of closers count (`',` would open the next argument); the
// grammar allows each only where it closes.
const CLOSER_RANKS: [RegExp, number][] = [[/^'[)\]}]*$/, 1], [/^[)\]}]+$/, 2], [/^<\//, 3]];

// Each token's closing rank (0: closes nothing); byte-level and sentencepiece vocabularies write these
// ASCII characters as themselves.
export function closingRanks(tokens: readonly string[]): Uint8Array {
  const ranks = new Uint8Array(tokens.length);
  tokens.forEach((t, id) => (ranks[id] = CLOSER_RANKS.find(([re]) => re.test(t))?.[1] ?? 0));
  return ranks;
}

// The allowed (finite) entry of the best closing rank, the highest logit among equals; the highest allowed
// logit when no closer is allowed; -1 when nothing is.
export function pickByClosingRank(row: Float32Array, ranks: Uint8Array): number {
  let best = -1;
  let closer = -1;
  for (let i = 0; i < row.length; i++) {
    const v = row[i] as number;
    if (v === -Infinity) continue;
    if (best < 0 || v > (row[best] as number)) best = i;
    const r = ranks[i] as number;
    if (r === 0) continue;
    const cr = closer < 0 ? 0 : (ranks[closer] as number);
    if (closer < 0 || r < cr || (r === cr && v > (row[closer] as number))) closer = i;
  }
  return closer >= 0 ? closer : best;
}

// Reads the vocabulary of a Hugging Face tokenizer.json, padded to the model's output size.
export function grammarVocabFromTokenizerJson(json: Record<string, any>, vocabSize: number, stopTokenIds: number[]): GrammarVocab {
  const tokens = new Array<string>(vocabSize).fill('');
  const vocab = json.model?.vocab;
  if (Array.isArray(vocab)) vocab.forEach((entry: [string, number], id: number) => id < vocabSize && (tokens[id] = entry[0]));
  else if (vocab && typeof vocab === 'object') for (const [token, id] of Object.entries(vocab as Record<string, number>)) if (id < vocabSize) tokens[id] = token;
  for (const added of (json.added_tokens ?? []) as { id: number; content: string }[]) if (added.id < vocabSize) tokens[added.id] = added.content;
  const decoders = [json.decoder, ...((json.decoder?.decoders ?? []) as unknown[])] as { type?: string }[];
  const vocabType = decoders.some((d) => d?.type === 'ByteLevel') ? 'byte_level' : decoders.some((d) => d?.type === 'ByteFallback') ? 'byte_fallback' : 'raw';
  return { tokens, vocabType, stopTokenIds };
}

// Compiles the tools' grammar once per tool list and choice; hands out one matcher per generation.
export class ToolConstraintCompiler {
  private readonly compiled = new Map<string, Promise<unknown>>();
  private closers: Uint8Array | null = null;

  private constructor(private readonly xg: XGrammarModule, private readonly compiler: Awaited<ReturnType<XGrammarModule['GrammarCompiler']['createGrammarCompiler']>>, private readonly vocab: GrammarVocab) {}

  // Builds the tokenizer info for a vocabulary (tens of milliseconds for 262k tokens).
  static async create(vocab: GrammarVocab): Promise<ToolConstraintCompiler> {
    const xg = await loadXGrammar();
    const info = await xg.TokenizerInfo.createTokenizerInfo(vocab.tokens, vocab.vocabType, false, vocab.tokens.length, vocab.stopTokenIds);
    return new ToolConstraintCompiler(xg, await xg.GrammarCompiler.createGrammarCompiler(info), vocab);
  }

  // A fresh constraint for one generation; null for tool_choice 'none' (nothing to constrain: the caller
  // then ignores tool calls).
  async start(tools: readonly ToolDefinition[], choice: ToolChoice = 'auto'): Promise<StepConstraint | null> {
    if (choice === 'none') return null;
    const only = typeof choice === 'object' ? choice.name : undefined;
    const key = JSON.stringify([tools.map((t) => [t.name, t.inputSchema]), choice]);
    let compiled = this.compiled.get(key);
    if (compiled === undefined) {
      const grammar = buildToolCallGrammar(tools, only);
      compiled = this.compiler.compileStructuralTag({
        type: 'structural_tag',
        format: {
          type: 'triggered_tags', triggers: ['<tool_use>'], at_least_one: choice !== 'auto',
          tags: [{ type: 'tag', begin: '<tool_use>', content: { type: 'grammar', grammar }, end: '</tool_use>' }],
        },
      });
      this.compiled.set(key, compiled);
    }
    const matcher = await this.xg.GrammarMatcher.createGrammarMatcher((await compiled) as never, this.vocab.stopTokenIds);
    this.closers ??= closingRanks(this.vocab.tokens);
    return makeStep(matcher, this.vocab.tokens.length, this.closers);
  }
}

// Wraps a matcher; the bitmask holds one bit per token, 32 to an Int32 word.
function makeStep(matcher: Awaited<ReturnType<XGrammarModule['GrammarMatcher']['createGrammarMatcher']>>, vocabSize: number, closers: Uint8Array): StepConstraint {
  const step: StepConstraint = {
    async maskLogits(logits, offset = 0) {
      const mask = await matcher.getNextTokenBitmask();
      // Runs of all-forbidden words are filled natively in one call; mixed words bit by bit.
      let runStart = -1;
      const words = Math.ceil(vocabSize / 32);
      for (let word = 0; word <= words; word++) {
        const bits = word < words ? (mask[word] as number) : -1;
        if (bits === 0) {
          if (runStart < 0) runStart = word;
          continue;
        }
        if (runStart >= 0) {
          logits.fill(-Infinity, offset + runStart * 32, offset + Math.min(word * 32, vocabSize));
          runStart = -1;
        }
        if (bits === -1) continue;
        for (let b = 0; b < 32; b++) {
          const id = word * 32 + b;
          if (id < vocabSize && !(bits & (1 << b))) logits[offset + id] = -Infinity;
        }
      }
    },
    accept: (tokenId) => matcher.acceptToken(tokenId),
    isTerminated: () => matcher.isTerminated(),
    dispose: () => matcher.dispose(),
    async pickClosing(logits) {
      await step.maskLogits(logits);
      const id = pickByClosingRank(logits, closers);
      if (id < 0 || !matcher.acceptToken(id)) throw new Error('the grammar allows no token to close the open call');
      return id;
    },
  };
  return step;
}
