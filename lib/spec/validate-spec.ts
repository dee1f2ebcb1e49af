// Validates a parsed spec against the JSON Schema (ajv, all errors, defaults filled) plus the checks a
// schema cannot express, and places every problem on its YAML line.
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020';
import schema from '../../specs/experiment.schema.json';
import { formatKeyPath, renderExcerpt, type SpecProblem } from './problems';
import { locate, type ParsedYaml } from './parse-yaml';
import { BUILTIN_RETRY_PROFILES, BUILTIN_TIMEOUT_PROFILES, findProfile, POLICY_STAGES, stageProfileNames } from './profiles';
import { blockSizeProblems } from './quantization';
import type { ExperimentSpec } from './spec-types';

const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: true });
const validateSchema = ajv.compile<ExperimentSpec>(schema);

// Splits an ajv instancePath (/model/lora_r) into segments.
function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

// One ajv error in the words a user needs, with where it points.
function describeAjvError(err: ErrorObject): { segments: string[]; message: string; atKey: boolean } {
  const segments = pointerSegments(err.instancePath);
  const params = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'required':
      // At the key that owns the mapping (model:), not the mapping's first child.
      return { segments, message: `missing required key '${String(params.missingProperty)}'`, atKey: true };
    case 'additionalProperties':
      if (segments.length === 0 && params.additionalProperty === 'artifacts_root') {
        return { segments: ['artifacts_root'], message: "the artifacts root is the workers' setting (TOOLTUNE_ARTIFACTS_ROOT), not the spec's; a spec may name a relative subfolder with artifacts_subdir", atKey: true };
      }
      return { segments: [...segments, String(params.additionalProperty)], message: `unknown key '${String(params.additionalProperty)}'`, atKey: true };
    case 'enum':
      return { segments, message: `must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`, atKey: false };
    case 'propertyNames':
      return { segments: [...segments, String(params.propertyName)], message: `invalid name '${String(params.propertyName)}' (lower-case letters, digits, '_' or '-', starting with a letter)`, atKey: true };
    case 'pattern':
      return { segments, message: `must match ${String(params.pattern)}`, atKey: false };
    default:
      return { segments, message: err.message ?? err.keyword, atKey: false };
  }
}

// Why an artifacts_subdir is refused (absolute, '..', odd characters), or null when it is a plain subfolder.
export function checkSubdir(subdir: string): string | null {
  if (subdir === '') return null;
  if (subdir.startsWith('/') || /^[A-Za-z]:/.test(subdir) || subdir.includes('\\')) return "must be a relative subfolder of the workers' artifacts root, not an absolute path";
  const parts = subdir.split('/');
  if (parts.some((p) => p === '..')) return "must not contain '..': it names a subfolder of the workers' artifacts root";
  if (parts.some((p) => p === '' || p === '.' || !/^[A-Za-z0-9._-]+$/.test(p))) return "folder names of letters, digits, '.', '_' and '-' separated by single '/'";
  return null;
}

// Checks a schema cannot express: named profiles exist, tiny model shape, unique formats, tiny block sizes.
function checkSemantics(spec: ExperimentSpec): { segments: (string | number)[]; message: string }[] {
  const out: { segments: (string | number)[]; message: string }[] = [];
  for (const stage of POLICY_STAGES) {
    const names = stageProfileNames(spec, stage);
    if (!findProfile(names.retry, spec.retry_profiles, BUILTIN_RETRY_PROFILES)) {
      out.push({ segments: ['stages', stage, 'retry'], message: `no retry profile named '${names.retry}' (built-in: ${Object.keys(BUILTIN_RETRY_PROFILES).join(', ')}; or define it under retry_profiles)` });
    }
    if (!findProfile(names.timeout, spec.timeout_profiles, BUILTIN_TIMEOUT_PROFILES)) {
      out.push({ segments: ['stages', stage, 'timeout'], message: `no timeout profile named '${names.timeout}' (built-in: ${Object.keys(BUILTIN_TIMEOUT_PROFILES).join(', ')}; or define it under timeout_profiles)` });
    }
  }
  const subdirProblem = checkSubdir(spec.artifacts_subdir);
  if (subdirProblem) out.push({ segments: ['artifacts_subdir'], message: subdirProblem });
  const tiny = spec.model.tiny;
  if (spec.model.source === 'tiny' && tiny.hidden_size % tiny.num_attention_heads !== 0) {
    out.push({ segments: ['model', 'tiny', 'num_attention_heads'], message: `must divide hidden_size (${tiny.hidden_size})` });
  }
  if (spec.model.source === 'tiny') {
    // The tiny model's matmul input sizes are known from the spec; other models are checked after preflight.
    for (const p of blockSizeProblems(spec.quantization, [tiny.hidden_size, tiny.intermediate_size])) out.push({ segments: p.segments, message: p.message });
  }
  if (spec.model.source !== 'gguf' && spec.model.gguf_file) {
    out.push({ segments: ['model', 'gguf_file'], message: "only used with source: gguf" });
  }
  const seen = new Set<string>();
  spec.quantization.formats.forEach((f, i) => {
    if (seen.has(f.format)) out.push({ segments: ['quantization', 'formats', i, 'format'], message: `format '${f.format}' is listed twice` });
    seen.add(f.format);
  });
  const targets = spec.lora.lora_target_modules;
  if (targets.includes('all-linear') && targets.length > 1) {
    out.push({ segments: ['lora', 'lora_target_modules'], message: "'all-linear' stands alone: list module names or 'all-linear', not both" });
  }
  return out;
}

// Validates a parsed YAML document; on success returns the spec with every default filled in.
export function validateParsedSpec(parsed: ParsedYaml): { ok: true; spec: ExperimentSpec } | { ok: false; problems: SpecProblem[] } {
  const value = structuredClone(parsed.value);
  const place = (segments: readonly (string | number)[], message: string, atKey: boolean): SpecProblem => {
    const { line, column } = locate(parsed, segments, atKey);
    return { path: formatKeyPath(segments), line, column, message, excerpt: renderExcerpt(parsed.source, line, column) };
  };
  if (!validateSchema(value)) {
    const seen = new Set<string>();
    const problems: SpecProblem[] = [];
    for (const err of validateSchema.errors ?? []) {
      // A propertyNames failure also yields its inner error (pattern) at the parent; the wrapper names the key.
      if (err.propertyName !== undefined && err.keyword !== 'propertyNames') continue;
      const d = describeAjvError(err);
      const key = `${d.segments.join('/')}|${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push(place(d.segments, d.message, d.atKey));
    }
    return { ok: false, problems };
  }
  const semantic = checkSemantics(value);
  if (semantic.length > 0) return { ok: false, problems: semantic.map((s) => place(s.segments, s.message, false)) };
  return { ok: true, spec: value };
}
