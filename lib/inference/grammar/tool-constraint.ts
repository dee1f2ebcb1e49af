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
    return makeStep(matcher, this.vocab.tokens.length);
  }
}

// Wraps a matcher; the bitmask holds one bit per token, 32 to an Int32 word.
function makeStep(matcher: Awaited<ReturnType<XGrammarModule['GrammarMatcher']['createGrammarMatcher']>>, vocabSize: number): StepConstraint {
  return {
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
  };
}
