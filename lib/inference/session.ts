// Opens the variant's ONNX graph in onnxruntime-node and checks its inputs and outputs against genai_config.json.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { InferenceError } from './errors';
import type { DecoderSpec } from './variant';

// Where the graph runs: the CPU (bundled) or CUDA (only where onnxruntime-node's CUDA build is installed).
export type ExecutionProvider = 'cpu' | 'cuda';
// onnxruntime's graph optimisation levels.
export type GraphOptimization = 'disabled' | 'basic' | 'extended' | 'all';

// Session settings a user may choose (flags of `tooltune generate`, options of loadEngine).
export interface SessionSettings {
  /** Intra-op threads; 0 or absent lets onnxruntime choose (one per physical core). */
  threads?: number;
  graphOptimization?: GraphOptimization;
  executionProvider?: ExecutionProvider;
  /** Whether idle intra-op threads spin waiting for work (onnxruntime's default: true). Off, they sleep: on a
   *  machine with more busy threads than cores (other processes, the JS thread's grammar and stop-rule work
   *  between steps) spinning threads steal the cores the work needs (docs/BENCHMARKS.md). */
  spinning?: boolean;
}

// An open session plus the facts the decode loop needs from its metadata.
export interface OpenSession {
  session: ort.InferenceSession;
  kvType: 'float32' | 'float16';
  /** The graph takes position_ids (the builder's Phi-3 and Gemma graphs do not). */
  wantsPositionIds: boolean;
}

// Creates the session; a graph onnxruntime rejects or whose I/O differs from genai_config.json is an InferenceError.
export async function openSession(decoder: DecoderSpec, settings: SessionSettings = {}): Promise<OpenSession> {
  const threads = settings.threads ?? 0;
  if (!Number.isInteger(threads) || threads < 0 || threads > 1024) throw new InferenceError(`threads must be an integer from 0 to 1024, got ${threads}`);
  const provider = settings.executionProvider ?? 'cpu';
  if (provider !== 'cpu' && provider !== 'cuda') throw new InferenceError(`execution provider must be cpu or cuda, got ${String(provider)}`);
  if (provider === 'cuda') requireCudaBuild();
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: provider === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
    graphOptimizationLevel: settings.graphOptimization ?? 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    ...(settings.spinning === false ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
  };
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(decoder.modelFile, options);
  } catch (err) {
    const msg = (err as Error).message;
    if (provider === 'cuda' && /cuda/i.test(msg)) throw new InferenceError(`the CUDA execution provider is not available here (${msg})`);
    throw new InferenceError(`onnxruntime cannot load the model (${msg})`, decoder.modelFile);
  }
  return { session, ...checkGraph(session, decoder) };
}

// onnxruntime-node ships a CPU build; its CUDA provider libraries come only from its install script.
function requireCudaBuild(): void {
  const pkg = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  const lib = path.join(pkg, 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so');
  if (!existsSync(lib)) {
    throw new InferenceError(`the CUDA execution provider is not installed (no ${lib}); install onnxruntime-node's CUDA build with \`ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node\`, or use the CPU`);
  }
}

function checkGraph(session: ort.InferenceSession, d: DecoderSpec): Omit<OpenSession, 'session'> {
  const inputs = new Set(session.inputNames);
  const outputs = new Set(session.outputNames);
  const layers = Array.from({ length: d.numLayers }, (_, i) => i);
  const wantIn = [d.inputIds, d.attentionMask, ...layers.flatMap((i) => [d.pastKey(i), d.pastValue(i)])];
  const wantOut = [d.logits, ...layers.flatMap((i) => [d.presentKey(i), d.presentValue(i)])];
  const missing = [...wantIn.filter((n) => !inputs.has(n)), ...wantOut.filter((n) => !outputs.has(n))];
  if (missing.length) {
    throw new InferenceError(`the graph lacks ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', ...' : ''} that genai_config.json names (num_hidden_layers ${d.numLayers}): the files come from different models`, d.modelFile);
  }
  const known = new Set([...wantIn, d.positionIds]);
  const extra = session.inputNames.filter((n) => !known.has(n));
  if (extra.length) throw new InferenceError(`the graph needs inputs this engine does not feed: ${extra.join(', ')}`, d.modelFile);
  const meta = (name: string) => session.inputMetadata.find((m) => m.name === name);
  const past = meta(d.pastKey(0));
  const kvType = past && past.isTensor ? past.type : 'float32';
  if (kvType !== 'float32' && kvType !== 'float16') throw new InferenceError(`KV cache of type ${kvType} is not supported (float32 or float16)`, d.modelFile);
  if (past && past.isTensor) {
    const [, heads, , dim] = past.shape;
    if ((typeof heads === 'number' && heads !== d.numKvHeads) || (typeof dim === 'number' && dim !== d.headSize)) {
      throw new InferenceError(`the graph's KV cache is [batch, ${heads}, past, ${dim}] but genai_config.json says ${d.numKvHeads} heads of ${d.headSize}`, d.modelFile);
    }
  }
  const logits = session.outputMetadata.find((m) => m.name === d.logits);
  if (logits && logits.isTensor) {
    if (logits.type !== 'float32') throw new InferenceError(`logits of type ${logits.type} are not supported (float32)`, d.modelFile);
    const rows = logits.shape[logits.shape.length - 1];
    if (typeof rows === 'number' && rows !== d.vocabSize) {
      throw new InferenceError(`the graph's logits have ${rows} rows but genai_config.json says vocab_size ${d.vocabSize}`, d.modelFile);
    }
  }
  return { kvType, wantsPositionIds: inputs.has(d.positionIds) };
}
