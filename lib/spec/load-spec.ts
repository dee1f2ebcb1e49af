// Loads a spec from a file, inline YAML text or an object, validates it, and resolves its paths.
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { BUILTIN_HOLDOUT_FILE } from '../holdout/builtin';
import { isInside, PathOutsideRootError, resolveInside } from '../paths';
import { INPUT_ROOTS_ENV, readWorkerRoots, type WorkerRoots } from '../worker-roots';
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

// Whether a path lies inside one of the allowed folders, before and after following symbolic links.
async function insideAny(roots: string[], candidate: string): Promise<boolean> {
  if (!roots.some((root) => isInside(root, candidate))) return false;
  const real = await realpath(candidate).catch(() => candidate);
  const realRoots = await Promise.all(roots.map((r) => realpath(r).catch(() => path.resolve(r))));
  return realRoots.some((root) => isInside(root, real));
}

// Resolves an input file named by the spec: relative to the spec's folder, and inside the workers' input
// roots or their artifacts root (a link inside them that points outside is refused).
async function resolveInputFile(specDir: string, allowed: string[], requested: string): Promise<string> {
  const resolved = path.resolve(specDir, requested);
  if (!(await insideAny(allowed, resolved))) throw new PathOutsideRootError(requested, specDir);
  const info = await stat(resolved).catch(() => null);
  if (!info?.isFile()) throw new Error(`no such file: ${resolved}`);
  return realpath(resolved);
}

// Where a spec's artifacts go: the workers' artifacts root, or the relative subfolder the spec names.
export function artifactsDirOf(spec: ExperimentSpec, roots: WorkerRoots): string {
  return spec.artifacts_subdir ? resolveInside(roots.artifactsRoot, spec.artifacts_subdir) : roots.artifactsRoot;
}

// Loads and validates a spec from any source, resolving paths against `cwd` (the worker's or CLI's folder);
// the spec file and every input file must lie inside the workers' roots (TOOLTUNE_INPUT_ROOTS).
export async function loadSpec(source: SpecSource, cwd: string = process.cwd(), roots: WorkerRoots = readWorkerRoots()): Promise<LoadedSpec> {
  let text: string;
  let file: string;
  let specDir: string;
  if ('specPath' in source) {
    file = path.resolve(cwd, source.specPath);
    // Checked before reading: a file outside the roots never reaches the parser (nor, in an error
    // excerpt, the workflow history).
    if (file.includes('\0') || !(await insideAny(roots.inputRoots, file))) {
      throw new InvalidSpecError(file, [{ path: '(file)', line: 1, column: 1, message: `the spec file is outside the workers' input folders (${INPUT_ROOTS_ENV}: ${roots.inputRoots.join(path.delimiter)})` }]);
    }
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
  const artifactsRoot = artifactsDirOf(spec, roots);
  const allowed = [...roots.inputRoots, roots.artifactsRoot];
  const problems: SpecProblem[] = [];
  const resolveAll = async (segments: (string | number)[], requested: string): Promise<string> => {
    try {
      return await resolveInputFile(specDir, allowed, requested);
    } catch (err) {
      const message = err instanceof PathOutsideRootError ? `'${requested}' is outside the workers' input folders (${INPUT_ROOTS_ENV}) and artifacts root` : (err as Error).message;
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

