// Loads a spec from a file, inline YAML text or an object, validates it, and resolves its paths.
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { BUILTIN_HOLDOUT_FILE } from '../holdout/builtin';
import { isInside, PathOutsideRootError, resolveInside } from '../paths';
import { parseSpecYaml, MAX_SPEC_BYTES, locate } from './parse-yaml';
import { formatKeyPath, InvalidSpecError, renderExcerpt, type SpecProblem } from './problems';
import type { ExperimentSpec } from './spec-types';
import { validateParsedSpec } from './validate-spec';

// Where a spec comes from: the three forms `temporal workflow start --input` accepts.
export type SpecSource = { specPath: string } | { specText: string } | { spec: Record<string, unknown> };

// A valid spec with its input files resolved to absolute paths.
export interface LoadedSpec {
  spec: ExperimentSpec;
  file: string;
  specDir: string;
  artifactsRoot: string;
  toolFiles: string[];
  exampleFiles: string[];
  ggufFile: string | null;
  /** The held-out cases file (evaluation.holdout_cases), null when off. */
  holdoutFile: string | null;
}

// Reads a spec file with a size check first, so a huge file is refused without being read whole.
async function readSpecFile(file: string): Promise<string> {
  let info;
  try {
    info = await stat(file);
  } catch {
    throw new InvalidSpecError(file, [{ path: '(file)', line: 1, column: 1, message: 'no such file' }]);
  }
  if (!info.isFile()) throw new InvalidSpecError(file, [{ path: '(file)', line: 1, column: 1, message: 'not a regular file' }]);
  if (info.size > MAX_SPEC_BYTES) {
    throw new InvalidSpecError(file, [{ path: '(file)', line: 1, column: 1, message: `spec is ${info.size} bytes; the limit is ${MAX_SPEC_BYTES}` }]);
  }
  return readFile(file, 'utf8');
}

// Parses and validates spec text; throws InvalidSpecError listing every problem.
export function parseAndValidate(source: string, label: string): { spec: ExperimentSpec; locate: (segments: (string | number)[]) => SpecProblem } {
  const parsed = parseSpecYaml(source);
  if (!parsed.ok) throw new InvalidSpecError(label, parsed.problems);
  const result = validateParsedSpec(parsed.parsed);
  if (!result.ok) throw new InvalidSpecError(label, result.problems);
  const where = (segments: (string | number)[]): SpecProblem => {
    const { line, column } = locate(parsed.parsed, segments);
    return { path: formatKeyPath(segments), line, column, message: '', excerpt: renderExcerpt(source, line, column) };
  };
  return { spec: result.spec, locate: where };
}

// Resolves an input file named by the spec: relative to the spec's folder, and inside it or the artifacts root.
async function resolveInputFile(specDir: string, artifactsRoot: string, requested: string): Promise<string> {
  const resolved = path.resolve(specDir, requested);
  if (!isInside(specDir, resolved) && !isInside(artifactsRoot, resolved)) throw new PathOutsideRootError(requested, specDir);
  const info = await stat(resolved).catch(() => null);
  if (!info?.isFile()) throw new Error(`no such file: ${resolved}`);
  // Symbolic links are followed before the check, so a link inside the folder cannot point outside it.
  const real = await realpath(resolved);
  const roots = await Promise.all([specDir, artifactsRoot].map((r) => realpath(r).catch(() => path.resolve(r))));
  if (!roots.some((root) => isInside(root, real))) throw new PathOutsideRootError(requested, specDir);
  return real;
}

// Loads and validates a spec from any source, resolving paths against `cwd` (the worker's or CLI's folder).
export async function loadSpec(source: SpecSource, cwd: string = process.cwd()): Promise<LoadedSpec> {
  let text: string;
  let file: string;
  let specDir: string;
  if ('specPath' in source) {
    file = path.resolve(cwd, source.specPath);
    text = await readSpecFile(file);
    specDir = path.dirname(file);
  } else if ('specText' in source) {
    file = '(inline spec text)';
    text = source.specText;
    specDir = cwd;
  } else {
    file = '(inline spec object)';
    text = stringify(source.spec);
    specDir = cwd;
  }
  const { spec, locate: where } = parseAndValidate(text, file);
  const artifactsRoot = path.resolve(cwd, spec.artifacts_root);
  const problems: SpecProblem[] = [];
  const resolveAll = async (segments: (string | number)[], requested: string): Promise<string> => {
    try {
      return await resolveInputFile(specDir, artifactsRoot, requested);
    } catch (err) {
      const message = err instanceof PathOutsideRootError ? `'${requested}' leaves the spec's folder and the artifacts root` : (err as Error).message;
      problems.push({ ...where(segments), message });
      return '';
    }
  };
  const toolFiles = await Promise.all(spec.dataset.tool_files.map((f, i) => resolveAll(['dataset', 'tool_files', i], f)));
  const exampleFiles = await Promise.all(spec.dataset.example_files.map((f, i) => resolveAll(['dataset', 'example_files', i], f)));
  const ggufFile = spec.model.gguf_file ? await resolveAll(['model', 'gguf_file'], spec.model.gguf_file) : null;
  const holdout = spec.evaluation.holdout_cases;
  const holdoutFile = typeof holdout === 'string' ? await resolveAll(['evaluation', 'holdout_cases'], holdout) : holdout ? BUILTIN_HOLDOUT_FILE : null;
  if (problems.length > 0) throw new InvalidSpecError(file, problems);
  return { spec, file, specDir, artifactsRoot, toolFiles, exampleFiles, ggufFile, holdoutFile };
}

