// Finds the variant folder a user means (a variant folder, or a run folder and a variant) and what the run knew.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { renderToolsHeader, type PromptTools } from '../dataset/render-records';
import type { ToolDefinition } from '../tools/tool-definition';
import { chooseVariant, VARIANTS, type Variant, type VariantWish } from './choose-variant';
import { InferenceError } from './errors';
import type { RecordFormat } from './prompt';

export { VARIANTS, VARIANT_WISHES, type Variant, type VariantWish } from './choose-variant';
// Files that mark a folder as a (broken) variant folder when genai_config.json is missing.
const VARIANT_MARKERS = ['model.onnx', 'tokenizer.json', 'tokenizer_config.json'];

// What a run folder says about prompts: its record format and the tools line of its text prompts.
export interface RunContext {
  runDir: string;
  format: RecordFormat;
  header: string;
  /** How the run's prompts list the tools (dataset.prompt_tools), to rebuild the header for other tools. */
  promptTools: PromptTools;
  /** The run's tools (dataset/tools.json), when it wrote them. */
  tools: ToolDefinition[] | null;
  /** The run's resolved spec (spec.resolved.json's `spec`). */
  spec: Record<string, unknown>;
}

// A variant folder and, when it lies in a run folder, that run's prompt settings.
export interface ResolvedVariant {
  variantDir: string;
  run: RunContext | null;
  /** Why a run folder's variant is this one, or that the run rejected it (chooseVariant); null when there is nothing to say. */
  note: string | null;
}

// `dir` is a variant folder (holds genai_config.json) or a run folder (then export/onnx/<variant>; by default the
// variant validate-quantized recommends, see chooseVariant).
export function resolveVariantDir(dir: string, variant?: VariantWish): ResolvedVariant {
  const abs = path.resolve(dir);
  if (!existsSync(abs)) throw new InferenceError('no such folder', abs);
  const named = variant === 'recommended' ? undefined : variant;
  if (named !== undefined && !(VARIANTS as readonly string[]).includes(named)) {
    throw new InferenceError(`variant must be one of ${VARIANTS.join(', ')} or recommended, got '${named}'`);
  }
  if (existsSync(path.join(abs, 'genai_config.json'))) {
    if (named !== undefined && path.basename(abs) !== named) {
      throw new InferenceError(`is the ${path.basename(abs)} variant folder, not ${named}: give the run folder to choose a variant`, abs);
    }
    const runDir = runOfVariantFolder(abs);
    if (runDir === null) return { variantDir: abs, run: null, note: null };
    const name = path.basename(abs) as Variant;
    const note = (VARIANTS as readonly string[]).includes(name) ? chooseVariant(runDir, name, [name]).note : null;
    return { variantDir: abs, run: readRunContext(runDir), note };
  }
  const onnxRoot = path.join(abs, 'export', 'onnx');
  if (VARIANT_MARKERS.some((f) => existsSync(path.join(abs, f)))) throw new InferenceError('missing from the variant folder', path.join(abs, 'genai_config.json'));
  if (!existsSync(onnxRoot)) {
    throw new InferenceError('is neither a variant folder (no genai_config.json) nor a run folder with an ONNX export (no export/onnx/)', abs);
  }
  const have = VARIANTS.filter((v) => existsSync(path.join(onnxRoot, v)));
  const { variant: chosen, note } = chooseVariant(abs, variant ?? 'recommended', have);
  const variantDir = path.join(onnxRoot, chosen);
  if (!existsSync(variantDir)) throw new InferenceError(`the run has no ${chosen} variant (it has: ${have.join(', ') || 'none'})`, variantDir);
  return { variantDir, run: readRunContext(abs), note };
}

// What `dir` is, without choosing a variant: a variant folder (it holds genai_config.json) or not, and the run it
// belongs to (a run folder, or a variant folder in one's export/onnx/); `serve` reads the run's serving section
// from it before the engine resolves the variant.
export function describeTarget(dir: string): { isVariantFolder: boolean; run: RunContext | null } {
  const abs = path.resolve(dir);
  if (!existsSync(path.join(abs, 'genai_config.json'))) return { isVariantFolder: false, run: readRunContext(abs) };
  const runDir = runOfVariantFolder(abs);
  return { isVariantFolder: true, run: runDir === null ? null : readRunContext(runDir) };
}

// The run folder of a variant folder that lies in one's export/onnx/, else null.
function runOfVariantFolder(variantDir: string): string | null {
  const inRun = path.basename(path.dirname(variantDir)) === 'onnx' && path.basename(path.resolve(variantDir, '..', '..')) === 'export';
  return inRun ? path.resolve(variantDir, '..', '..', '..') : null;
}

// Reads spec.resolved.json (dataset.format, dataset.prompt_tools) and dataset/tools.json of a run folder.
export function readRunContext(runDir: string): RunContext | null {
  const specFile = path.join(runDir, 'spec.resolved.json');
  if (!existsSync(specFile)) return null;
  let dataset: { format?: string; prompt_tools?: string };
  let spec: Record<string, unknown>;
  try {
    spec = (JSON.parse(readFileSync(specFile, 'utf8')) as { spec?: Record<string, unknown> }).spec ?? {};
    dataset = (spec.dataset ?? {}) as typeof dataset;
  } catch (err) {
    throw new InferenceError(`not valid JSON (${(err as Error).message})`, specFile);
  }
  const format: RecordFormat = dataset.format === 'chat' ? 'chat' : 'text';
  const mode = (dataset.prompt_tools ?? 'none') as PromptTools;
  let header = '';
  let tools: ToolDefinition[] | null = null;
  const toolsFile = path.join(runDir, 'dataset', 'tools.json');
  if (mode !== 'none' && !existsSync(toolsFile)) throw new InferenceError(`missing: the run's prompts list its tools (dataset.prompt_tools: ${mode})`, toolsFile);
  if (existsSync(toolsFile)) {
    try {
      tools = JSON.parse(readFileSync(toolsFile, 'utf8')) as ToolDefinition[];
    } catch (err) {
      throw new InferenceError(`not valid JSON (${(err as Error).message})`, toolsFile);
    }
    if (!Array.isArray(tools)) throw new InferenceError('must be a JSON array of tool definitions', toolsFile);
    if (mode !== 'none') header = renderToolsHeader(tools, mode);
  }
  return { runDir, format, header, promptTools: mode, tools, spec };
}
