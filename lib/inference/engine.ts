// The library entry point: loadEngine(dir, options) then engine.generate('Read the config file').
import { performance } from 'node:perf_hooks';
import { parseToolUse } from '../tool-call/parse';
import type { JsonValue } from '../tool-call/types';
import { decodeTokens, type StopReason } from './decode';
import { InferenceError } from './errors';
import { grammarVocabFromTokenizerJson, ToolConstraintCompiler, type StepConstraint } from './grammar/tool-constraint';
import { createPromptBuilder, type PromptBuilder, type PromptCase, type RecordFormat } from './prompt';
import { resolveVariantDir, type RunContext, type Variant } from './resolve-dir';
import { openSession, type OpenSession, type SessionSettings } from './session';
import { trimAfterBlocks } from './stop-rule';
import { loadTokenizer, type TextTokenizer } from './tokenizer';
import { readVariant, type VariantFiles } from './variant';

// How to load: which variant of a run folder, session settings, and the prompt format when no run says it.
export interface EngineOptions extends SessionSettings {
  /** For a run folder: which export/onnx/<variant> (default int4). */
  variant?: Variant;
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
  /** Schema-constrained decoding: a fresh StepConstraint for this call (lib/inference/grammar). */
  constraint?: StepConstraint | null;
  /** Aborts between decode steps (AbortError). */
  signal?: AbortSignal;
  /** Each new token id as it is chosen (streaming). */
  onToken?: (tokenId: number) => void;
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
  /** Whole call: tokenize, prefill, decode steps, detokenize and parse. */
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
  /** What the run folder around the variant said (prompt format, tools, spec), or null for a bare folder. */
  run: RunContext | null;
  files: VariantFiles;
  prompts: PromptBuilder;
  generate(request: string, options?: GenerateOptions): Promise<GenerateResult>;
  generateCase(c: PromptCase, options?: GenerateOptions): Promise<GenerateResult>;
  generatePrompt(prompt: string, options?: GenerateOptions): Promise<GenerateResult>;
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
  const { variantDir, run } = resolveVariantDir(dir, options.variant);
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
  let compiler: Promise<ToolConstraintCompiler> | undefined;
  return {
    variantDir,
    run,
    files,
    prompts,
    generate: (request, opts) => generatePrompt(prompts.forRequest(request), opts),
    generateCase: (c, opts) => generatePrompt(prompts.forCase(c), opts),
    generatePrompt,
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
  const maxNewTokens = opts.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS;
  const temperature = opts.temperature ?? 0;
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) throw new InferenceError(`maxNewTokens must be a positive integer, got ${maxNewTokens}`);
  if (!Number.isFinite(temperature) || temperature < 0) throw new InferenceError(`temperature must be 0 (greedy) or more, got ${temperature}`);
  const started = performance.now();
  const promptIds = typeof prompt === 'string' ? await tok.encode(prompt, addSpecial) : [...prompt];
  if (promptIds.length === 0) throw new InferenceError('the prompt encodes to no tokens');
  const context = files.decoder.contextLength;
  if (promptIds.length >= context) throw new InferenceError(`the prompt has ${promptIds.length} tokens; the model's context is ${context} (genai_config.json model.context_length)`);
  const tokenized = performance.now();
  const decoded = await decodeTokens(open, files.decoder, tok, promptIds, {
    maxNewTokens, temperature, seed: opts.seed ?? 0, stopAfterToolUse: opts.stopAfterToolUse ?? true,
    minNewTokens: opts.minNewTokens, constraint: opts.constraint, signal: opts.signal, onToken: opts.onToken,
  });
  const raw = await tok.decode(decoded.tokenIds);
  const text = (opts.stopAfterToolUse ?? true) ? trimAfterBlocks(raw) : raw;
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
    ttftMs: tokenized - started + decoded.prefillMs,
    prefillMs: decoded.prefillMs,
    decodeMs: decoded.decodeMs,
    promptTokens: promptIds.length,
    newTokens: decoded.tokenIds.length,
  };
}
