// The inference engine's public surface (docs/INFERENCE.md): load a variant folder, generate tool calls.
export { loadEngine, DEFAULT_MAX_NEW_TOKENS } from './engine';
export { DEFAULT_BATCH_SIZE } from './defaults';
export type { Engine, EngineOptions, EngineToolCall, GenerateManyOptions, GenerateOptions, GenerateResult } from './engine';
export { InferenceError } from './errors';
export { DEFAULT_CHAT_TEMPLATE, createPromptBuilder } from './prompt';
export type { PromptBuilder, PromptCase, RecordFormat } from './prompt';
export { VARIANTS, VARIANT_WISHES, describeTarget, resolveVariantDir } from './resolve-dir';
export type { RunContext, Variant, VariantWish } from './resolve-dir';
export { chooseVariant, VALIDATION_FILE, type VariantChoice } from './choose-variant';
export type { ExecutionProvider, GraphOptimization, SessionSettings } from './session';
export { afterLastBlock, ranPastBlocks, trimAfterBlocks } from './stop-rule';
export type { StopReason } from './decode';
export { ToolConstraintCompiler, type StepConstraint, type ToolChoice } from './grammar/tool-constraint';
