// Reads and checks a variant folder (ONNX model + genai_config.json + tokenizer files) before any native code sees it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isInside } from '../paths';
import { InferenceError } from './errors';

// What the decode loop needs from genai_config.json (onnxruntime-genai's model builder writes it).
export interface DecoderSpec {
  modelFile: string;
  numLayers: number;
  numKvHeads: number;
  headSize: number;
  vocabSize: number;
  eosTokenIds: number[];
  contextLength: number;
  inputIds: string;
  attentionMask: string;
  positionIds: string;
  pastKey: (layer: number) => string;
  pastValue: (layer: number) => string;
  logits: string;
  presentKey: (layer: number) => string;
  presentValue: (layer: number) => string;
}

// A checked variant folder: paths, decoder facts, tokenizer settings and the chat template.
export interface VariantFiles {
  dir: string;
  decoder: DecoderSpec;
  tokenizerJson: string;
  tokenizerPath: string;
  tokenizerConfig: Record<string, unknown>;
  /** bos_token, eos_token, ... as strings: the extra variables transformers passes to a chat template. */
  specialTokens: Record<string, string>;
  /** The tokenizer's own template, or null (the caller falls back to the project's default). */
  chatTemplate: string | null;
  /** transformers' clean_up_tokenization_spaces (default false). */
  cleanUpSpaces: boolean;
}

// Files every variant folder must hold (the model file comes from genai_config.json).
export const REQUIRED_FILES = ['genai_config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;
const SPECIAL_TOKEN_KEYS = ['bos_token', 'eos_token', 'unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token'];
// Graph files above this size hold their weights inline: no external data to look for.
const MAX_SCANNED_GRAPH_BYTES = 64 * 1024 * 1024;

// Loads a variant folder: every required file present and well-formed, names resolved, nothing loaded yet.
export function readVariant(dir: string): VariantFiles {
  const root = path.resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new InferenceError('not a folder', root);
  for (const name of REQUIRED_FILES) requireFile(root, name);
  const genai = readJson(path.join(root, 'genai_config.json'));
  const decoder = readDecoder(genai, root);
  const configPath = path.join(root, 'config.json');
  if (existsSync(configPath)) checkHfConfig(readJson(configPath), decoder, configPath);
  const tokenizerPath = path.join(root, 'tokenizer.json');
  const tokenizerJson = readFileSync(tokenizerPath, 'utf8');
  parseJson(tokenizerJson, tokenizerPath);
  const tokenizerConfigPath = path.join(root, 'tokenizer_config.json');
  const tokenizerConfig = asObject(readJson(tokenizerConfigPath), tokenizerConfigPath, 'the top level');
  return {
    dir: root,
    decoder,
    tokenizerJson,
    tokenizerPath,
    tokenizerConfig,
    specialTokens: readSpecialTokens(tokenizerConfig),
    chatTemplate: readChatTemplate(root, tokenizerConfig, tokenizerConfigPath),
    cleanUpSpaces: tokenizerConfig.clean_up_tokenization_spaces === true,
  };
}

function readDecoder(genai: unknown, root: string): DecoderSpec {
  const file = path.join(root, 'genai_config.json');
  const model = asObject(asObject(genai, file, 'the top level').model, file, 'model');
  const dec = asObject(model.decoder, file, 'model.decoder');
  const inputs = dec.inputs === undefined ? {} : asObject(dec.inputs, file, 'model.decoder.inputs');
  const outputs = dec.outputs === undefined ? {} : asObject(dec.outputs, file, 'model.decoder.outputs');
  const name = (obj: Record<string, unknown>, key: string, fallback: string, where: string): string => {
    const v = obj[key] ?? fallback;
    if (typeof v !== 'string' || v === '') throw new InferenceError(`${where}.${key} must be a non-empty string`, file);
    return v;
  };
  const pattern = (obj: Record<string, unknown>, key: string, fallback: string, where: string) => {
    const p = name(obj, key, fallback, where);
    if (!p.includes('%d')) throw new InferenceError(`${where}.${key} must contain %d (the layer number), got '${p}'`, file);
    return (layer: number) => p.replace('%d', String(layer));
  };
  const modelFile = path.resolve(root, name(dec, 'filename', 'model.onnx', 'model.decoder'));
  if (!isInside(root, modelFile)) throw new InferenceError(`model.decoder.filename leaves the variant folder`, file);
  requireFile(root, path.relative(root, modelFile));
  checkExternalData(modelFile, root);
  const eos = model.eos_token_id;
  const eosTokenIds = Array.isArray(eos) ? eos : [eos];
  if (eosTokenIds.length === 0 || !eosTokenIds.every((id) => Number.isInteger(id) && (id as number) >= 0)) {
    throw new InferenceError('model.eos_token_id must be a token id or a list of them', file);
  }
  return {
    modelFile,
    numLayers: positiveInt(dec.num_hidden_layers, file, 'model.decoder.num_hidden_layers'),
    numKvHeads: positiveInt(dec.num_key_value_heads, file, 'model.decoder.num_key_value_heads'),
    headSize: positiveInt(dec.head_size, file, 'model.decoder.head_size'),
    vocabSize: positiveInt(model.vocab_size, file, 'model.vocab_size'),
    eosTokenIds: eosTokenIds as number[],
    contextLength: positiveInt(model.context_length, file, 'model.context_length'),
    inputIds: name(inputs, 'input_ids', 'input_ids', 'model.decoder.inputs'),
    attentionMask: name(inputs, 'attention_mask', 'attention_mask', 'model.decoder.inputs'),
    positionIds: name(inputs, 'position_ids', 'position_ids', 'model.decoder.inputs'),
    pastKey: pattern(inputs, 'past_key_names', 'past_key_values.%d.key', 'model.decoder.inputs'),
    pastValue: pattern(inputs, 'past_value_names', 'past_key_values.%d.value', 'model.decoder.inputs'),
    logits: name(outputs, 'logits', 'logits', 'model.decoder.outputs'),
    presentKey: pattern(outputs, 'present_key_names', 'present.%d.key', 'model.decoder.outputs'),
    presentValue: pattern(outputs, 'present_value_names', 'present.%d.value', 'model.decoder.outputs'),
  };
}

// The external-data files a graph names (protobuf StringStringEntryProto {key: "location", value}) must exist.
function checkExternalData(modelFile: string, root: string): void {
  if (statSync(modelFile).size > MAX_SCANNED_GRAPH_BYTES) return;
  const bytes = readFileSync(modelFile);
  const marker = Buffer.from('\x0a\x08location\x12', 'latin1');
  const seen = new Set<string>();
  for (let i = bytes.indexOf(marker); i >= 0; i = bytes.indexOf(marker, i + 1)) {
    let at = i + marker.length;
    let len = 0;
    for (let shift = 0; at < bytes.length && shift < 28; shift += 7) {
      const b = bytes[at++] as number;
      len |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    seen.add(bytes.subarray(at, at + len).toString('utf8'));
  }
  for (const location of seen) {
    const target = path.resolve(path.dirname(modelFile), location);
    if (!isInside(root, target)) throw new InferenceError(`external data '${location}' lies outside the variant folder`, modelFile);
    if (!existsSync(target)) throw new InferenceError(`the model's external data file ${location} is missing`, target);
  }
}

function checkHfConfig(config: unknown, decoder: DecoderSpec, file: string): void {
  const c = asObject(config, file, 'the top level');
  const text = typeof c.text_config === 'object' && c.text_config !== null ? (c.text_config as Record<string, unknown>) : c;
  if (typeof text.vocab_size === 'number' && text.vocab_size !== decoder.vocabSize) {
    throw new InferenceError(`vocab_size ${text.vocab_size} differs from genai_config.json's ${decoder.vocabSize}: the files come from different models`, file);
  }
}

function readSpecialTokens(config: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of SPECIAL_TOKEN_KEYS) {
    const v = config[key];
    if (typeof v === 'string') out[key] = v;
    else if (typeof v === 'object' && v !== null && typeof (v as { content?: unknown }).content === 'string') out[key] = (v as { content: string }).content;
  }
  return out;
}

// transformers' order: chat_template.jinja beside the tokenizer wins, then tokenizer_config.json's chat_template.
function readChatTemplate(root: string, config: Record<string, unknown>, configPath: string): string | null {
  const jinja = path.join(root, 'chat_template.jinja');
  if (existsSync(jinja)) return readFileSync(jinja, 'utf8');
  const t = config.chat_template;
  if (t === undefined || t === null) return null;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    const named = t.find((x) => typeof x === 'object' && x !== null && (x as { name?: unknown }).name === 'default') as { template?: unknown } | undefined;
    if (named && typeof named.template === 'string') return named.template;
  }
  throw new InferenceError('chat_template must be a string or a list holding a {name: "default", template} entry', configPath);
}

function requireFile(root: string, name: string): void {
  const p = path.join(root, name);
  if (!existsSync(p)) throw new InferenceError('missing from the variant folder', p);
  if (!statSync(p).isFile()) throw new InferenceError('is not a file', p);
}

function readJson(file: string): unknown {
  return parseJson(readFileSync(file, 'utf8'), file);
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InferenceError(`not valid JSON (${(err as Error).message})`, file);
  }
}

function asObject(v: unknown, file: string, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InferenceError(`${where} must be a JSON object`, file);
  return v as Record<string, unknown>;
}

function positiveInt(v: unknown, file: string, where: string): number {
  if (!Number.isInteger(v) || (v as number) < 1) throw new InferenceError(`${where} must be a positive integer, got ${JSON.stringify(v)}`, file);
  return v as number;
}
