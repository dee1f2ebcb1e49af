// The library entry point: loadEngine(dir, options) then engine.generate('Read the config file').
import { performance } from 'node:perf_hooks';
import { parseToolUse } from '../tool-call/parse';
import type { JsonValue } from '../tool-call/types';
import { decodeTokens, type DecodeOptions, type DecodeResult, type StopReason } from './decode';
import { decodeBatch } from './decode-batch';
import { DEFAULT_BATCH_SIZE } from './defaults';
import { InferenceError } from './errors';
import { grammarVocabFromTokenizerJson, ToolConstraintCompiler, type StepConstraint } from './grammar/tool-constraint';
import { createPromptBuilder, type PromptBuilder, type PromptCase, type RecordFormat } from './prompt';
import { resolveVariantDir, type RunContext, type VariantWish } from './resolve-dir';
import { openSession, type OpenSession, type SessionSettings } from './session';
import { cutAtStop, trimAfterBlocks } from './stop-rule';
import { loadTokenizer, type TextTokenizer } from './tokenizer';
import { readVariant, type VariantFiles } from './variant';

// How to load: which variant of a run folder, session settings, and the prompt format when no run says it.
export interface EngineOptions extends SessionSettings {
  /** For a run folder: which export/onnx/<variant> (default 'recommended': validate-quantized's choice, chooseVariant). */
  variant?: VariantWish;
  /** Record format of prompts; default: the run's dataset.format, else 'text'. */
  recordFormat?: RecordFormat;
  /** Text format: the tools line before "User: " (default: rebuilt from the run's spec and tools.json). */
  promptHeader?: string;
}

// Per-call settings; the defaults are the predict stage's (greedy, stop after the tool calls).
export interface GenerateOptions {
  maxNewTokens?: number;
  temperature?: number;
  seed?: number;
  /** false: run to eos or maxNewTokens even after the tool calls (default true). */
  stopAfterToolUse?: boolean;
  /** Generate at least this many tokens (eos masked until then): benchmarks compare equal lengths. */
  minNewTokens?: number;
  /** Nucleus sampling with temperature above 0: sample among the likeliest tokens whose probabilities add up to topP (default 1: all). */
  topP?: number;
  /** Stop once the text outside tool-call blocks holds one of these (OpenAI's `stop`); the result's text ends before it. */
  stopSequences?: readonly string[];
  /** Schema-constrained decoding: a fresh StepConstraint for this call (lib/inference/grammar). */
  constraint?: StepConstraint | null;
  /** Aborts between decode steps (AbortError). */
  signal?: AbortSignal;
  /** Each new token id as it is chosen (streaming). */
  onToken?: (tokenId: number) => void;
}

// A batched call: the GenerateOptions every prompt shares, the batch's shape, and per-prompt constraints.
export interface GenerateManyOptions extends Omit<GenerateOptions, 'constraint' | 'onToken'> {
  /** Prompts decoded together in one onnxruntime run per step (default 8); 1 runs them one at a time. */
  batchSize?: number;
  /** A finished row's slot takes the next prompt at once (default true); false: each batch runs to its end. */
  refill?: boolean;
  /** A fresh constraint for the i-th prompt, made when it enters the batch and disposed when it leaves. */
  constraintFor?: (index: number) => Promise<StepConstraint | null>;
  /** Called with each result as it finishes (finishing order): progress, heartbeats. */
  onResult?: (index: number, result: GenerateResult) => void;
}

// One tool call in the guide's shape.
export interface EngineToolCall {
  name: string;
  parameters: Record<string, JsonValue>;
}

// What one generation returns: the guide's {toolCall, text, latencyMs} plus tokens, parse errors and timings.
export interface GenerateResult {
  toolCall: EngineToolCall | null;
  toolCalls: EngineToolCall[];
  /** Parse errors of <tool_use> blocks that did not parse (the project's parser, lib/tool-call). */
  parseErrors: string[];
  /** The generated text as predict.py writes it: special tokens skipped, cut after the last block. */
  text: string;
  prompt: string;
  tokenIds: number[];
  stopReason: StopReason;
  /** Whole call: tokenize, prefill, decode steps, detokenize and parse. In a batch (generateMany), the prompt's
   *  wall time from entering the batch to its parsed result: the steps it shared with other rows count whole. */
  latencyMs: number;
  /** From the call to the first new token (tokenize + prefill). */
  ttftMs: number;
  prefillMs: number;
  decodeMs: number;
  promptTokens: number;
  newTokens: number;
}

// A loaded model: generate() for requests, generateCase() for evaluation cases, close() to free the session.
export interface Engine {
  variantDir: string;
  /** Why this variant of the run was loaded, or that the run's validation rejected it; null when there is nothing to say. */
  variantNote: string | null;
  /** What the run folder around the variant said (prompt format, tools, spec), or null for a bare folder. */
  run: RunContext | null;
  files: VariantFiles;
  prompts: PromptBuilder;
  generate(request: string, options?: GenerateOptions): Promise<GenerateResult>;
  generateCase(c: PromptCase, options?: GenerateOptions): Promise<GenerateResult>;
  generatePrompt(prompt: string, options?: GenerateOptions): Promise<GenerateResult>;
  /** Many prompts (strings or token ids) in batches; results in input order, each as generatePrompt's. */
  generateMany(prompts: readonly (string | readonly number[])[], options?: GenerateManyOptions): Promise<GenerateResult[]>;
  /** Many evaluation cases in batches (generateMany on their prompts). */
  generateCases(cases: readonly PromptCase[], options?: GenerateManyOptions): Promise<GenerateResult[]>;
  /** Generates from token ids as given (benchmarks: every engine runs the same ids). */
  generateIds(promptIds: readonly number[], options?: GenerateOptions): Promise<GenerateResult>;
  /** Token ids to text as the generation's text is made (special tokens skipped). */
  decode(ids: readonly number[]): Promise<string>;
  /** The grammar compiler for this model's vocabulary (built on first use, then shared). */
  constraints(): Promise<ToolConstraintCompiler>;
  close(): Promise<void>;
}

// The predict stage's default of evaluation.max_new_tokens.
export const DEFAULT_MAX_NEW_TOKENS = 128;

// Loads a variant folder, or a run folder's export/onnx/<variant>; every file is checked before onnxruntime opens it.
export async function loadEngine(dir: string, options: EngineOptions = {}): Promise<Engine> {
  const { variantDir, run, note } = resolveVariantDir(dir, options.variant);
  const files = readVariant(variantDir);
  const tokenizer = loadTokenizer(files);
  const prompts = createPromptBuilder({
    format: options.recordFormat ?? run?.format ?? 'text',
    chatTemplate: files.chatTemplate,
    specialTokens: files.specialTokens,
    header: options.promptHeader ?? run?.header ?? '',
  });
  const open = await openSession(files.decoder, options);
  const generatePrompt = (prompt: string, opts: GenerateOptions = {}) => runGeneration(open, files, tokenizer, prompts.addSpecialTokens, prompt, opts);
  const generateMany = (list: readonly (string | readonly number[])[], opts: GenerateManyOptions = {}) => runBatch(open, files, tokenizer, prompts.addSpecialTokens, list, opts);
  let compiler: Promise<ToolConstraintCompiler> | undefined;
  return {
    variantDir,
    variantNote: note,
    run,
    files,
    prompts,
    generate: (request, opts) => generatePrompt(prompts.forRequest(request), opts),
    generateCase: (c, opts) => generatePrompt(prompts.forCase(c), opts),
    generatePrompt,
    generateMany,
    generateCases: (cases, opts) => generateMany(cases.map((c) => prompts.forCase(c)), opts),
    decode: (ids) => tokenizer.decode([...ids]),
    generateIds: (ids, opts = {}) => runGeneration(open, files, tokenizer, prompts.addSpecialTokens, ids, opts),
    constraints() {
      compiler ??= ToolConstraintCompiler.create(grammarVocabFromTokenizerJson(JSON.parse(files.tokenizerJson) as Record<string, unknown>, files.decoder.vocabSize, files.decoder.eosTokenIds));
      return compiler;
    },
    close: () => open.session.release(),
  };
}

async function runGeneration(open: OpenSession, files: VariantFiles, tok: TextTokenizer, addSpecial: boolean, prompt: string | readonly number[], opts: GenerateOptions): Promise<GenerateResult> {
  const started = performance.now();
  const { promptIds, decodeOptions } = await prepareGeneration(files, tok, addSpecial, prompt, opts);
  const tokenized = performance.now();
  const decoded = await decodeTokens(open, files.decoder, tok, promptIds, decodeOptions);
  return finishGeneration(tok, prompt, promptIds, decoded, opts, started, tokenized - started + decoded.prefillMs);
}

// generateMany: batch 1 is a loop of generations; more rows go through decodeBatch.
async function runBatch(open: OpenSession, files: VariantFiles, tok: TextTokenizer, addSpecial: boolean, list: readonly (string | readonly number[])[], opts: GenerateManyOptions): Promise<GenerateResult[]> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 512) throw new InferenceError(`batchSize must be an integer from 1 to 512, got ${batchSize}`);
  const results = new Array<GenerateResult>(list.length);
  const constraints = new Map<number, StepConstraint>();
  try {
    if (batchSize === 1) {
      for (const [i, prompt] of list.entries()) {
        const constraint = (await opts.constraintFor?.(i)) ?? null;
        if (constraint) constraints.set(i, constraint);
        results[i] = await runGeneration(open, files, tok, addSpecial, prompt, { ...opts, constraint });
        constraints.get(i)?.dispose();
        constraints.delete(i);
        opts.onResult?.(i, results[i]);
      }
      return results;
    }
    const prepared = new Map<number, { promptIds: number[]; tokenizeMs: number }>();
    await decodeBatch(open, files.decoder, tok, list.length, async (i) => {
      const started = performance.now();
      const constraint = (await opts.constraintFor?.(i)) ?? null;
      if (constraint) constraints.set(i, constraint);
      const { promptIds, decodeOptions } = await prepareGeneration(files, tok, addSpecial, list[i] as string | readonly number[], { ...opts, constraint });
      prepared.set(i, { promptIds, tokenizeMs: performance.now() - started });
      return { promptIds, opts: decodeOptions };
    }, async (i, decoded) => {
      constraints.get(i)?.dispose();
      constraints.delete(i);
      const p = prepared.get(i)!;
      prepared.delete(i);
      results[i] = await finishGeneration(tok, list[i] as string | readonly number[], p.promptIds, decoded, opts, decoded.startedAt, decoded.prefillMs);
      opts.onResult?.(i, results[i]);
    }, { batchSize, refill: opts.refill ?? true, signal: opts.signal });
    return results;
  } finally {
    for (const c of constraints.values()) c.dispose();
  }
}

// Checks the options and tokenizes the prompt.
async function prepareGeneration(files: VariantFiles, tok: TextTokenizer, addSpecial: boolean, prompt: string | readonly number[], opts: GenerateOptions): Promise<{ promptIds: number[]; decodeOptions: DecodeOptions }> {
  const maxNewTokens = opts.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS;
  const temperature = opts.temperature ?? 0;
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) throw new InferenceError(`maxNewTokens must be a positive integer, got ${maxNewTokens}`);
  if (!Number.isFinite(temperature) || temperature < 0) throw new InferenceError(`temperature must be 0 (greedy) or more, got ${temperature}`);
  const topP = opts.topP ?? 1;
  if (!(topP >= 0 && topP <= 1)) throw new InferenceError(`topP must be from 0 (only the likeliest token) to 1, got ${topP}`);
  const promptIds = typeof prompt === 'string' ? await tok.encode(prompt, addSpecial) : [...prompt];
  if (promptIds.length === 0) throw new InferenceError('the prompt encodes to no tokens');
  const context = files.decoder.contextLength;
  if (promptIds.length >= context) throw new InferenceError(`the prompt has ${promptIds.length} tokens; the model's context is ${context} (genai_config.json model.context_length)`);
  return {
    promptIds,
    decodeOptions: {
      maxNewTokens, temperature, seed: opts.seed ?? 0, stopAfterToolUse: opts.stopAfterToolUse ?? true,
      minNewTokens: opts.minNewTokens, constraint: opts.constraint, signal: opts.signal, onToken: opts.onToken,
      topP, stopSequences: opts.stopSequences?.filter((t) => t.length > 0),
    },
  };
}

// Detokenizes, trims and parses a decoded generation into the result.
async function finishGeneration(tok: TextTokenizer, prompt: string | readonly number[], promptIds: number[], decoded: DecodeResult, opts: GenerateOptions, started: number, ttftMs: number): Promise<GenerateResult> {
  const raw = await tok.decode(decoded.tokenIds);
  const trimmed = (opts.stopAfterToolUse ?? true) ? trimAfterBlocks(raw) : raw;
  const text = opts.stopSequences?.length ? cutAtStop(trimmed, opts.stopSequences).text : trimmed;
  const parsed = parseToolUse(text);
  const toolCalls = parsed.calls.map((c) => ({ name: c.tool, parameters: c.params }));
  return {
    toolCall: toolCalls[0] ?? null,
    toolCalls,
    parseErrors: parsed.errors,
    text,
    prompt: typeof prompt === 'string' ? prompt : await tok.decode(promptIds),
    tokenIds: decoded.tokenIds,
    stopReason: decoded.stopReason,
    latencyMs: performance.now() - started,
    ttftMs,
    prefillMs: decoded.prefillMs,
    decodeMs: decoded.decodeMs,
    promptTokens: promptIds.length,
    newTokens: decoded.tokenIds.length,
  };
}
