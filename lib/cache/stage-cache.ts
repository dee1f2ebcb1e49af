// The content-keyed stage cache behind `tooltune resume`: after a stage completes, its output and the
// files it wrote are recorded in the run folder (cache/<slot>.json, with sizes and sha256); a resumed run
// reuses a stage of the old run only when its key (stage name, the resolved spec sections the stage reads,
// the keys of the stages it depends on, the hashes of its input files, a stage code version) is the same
// and every recorded file is still there with the recorded size and hash. Reused files are copied into
// the new run folder; a deleted, half-written or tampered file means the stage runs again.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { cp, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeJsonAtomic } from '../atomic-write';
import { isInside } from '../paths';

// Bumped when a stage's code changes what it produces, so older cached outputs are not reused.
export const STAGE_CODE_VERSIONS: Record<string, number> = { dataset: 1, preflight: 1, finetune: 1, predict: 1 };

// One recorded file of a stage's output, relative to the run folder.
export interface RecordedFile {
  path: string;
  size: number;
  sha256: string;
}

// What cache/<slot>.json holds.
export interface StageRecordFile {
  slot: string;
  stage: string;
  key: string;
  output: unknown;
  files: RecordedFile[];
}

// The cache key of a stage: sha256 over its name, code version, key inputs and input file hashes.
export function stageKey(stage: string, parts: unknown, inputHashes: Record<string, string>): string {
  const doc = JSON.stringify({ stage, version: STAGE_CODE_VERSIONS[stage] ?? 0, parts: sortKeys(parts), inputs: sortKeys(inputHashes) });
  return createHash('sha256').update(doc).digest('hex');
}

// Objects with their keys sorted, so equal content always gives the same JSON.
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

// The sha256 of a file, streamed.
export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

// Every regular file under a path (the path itself when it is a file), skipping temp and hidden names.
async function filesUnder(target: string): Promise<string[]> {
  const info = await stat(target).catch(() => null);
  if (!info) return [];
  if (info.isFile()) return [target];
  if (!info.isDirectory()) return [];
  const out: string[] = [];
  for (const entry of await readdir(target, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    out.push(...(await filesUnder(path.join(target, entry.name))));
  }
  return out;
}

// The absolute paths inside runDir that an output names (any string value, at any depth).
export function outputPaths(output: unknown, runDir: string): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      if (path.isAbsolute(value) && isInside(runDir, value) && path.resolve(value) !== path.resolve(runDir)) found.add(path.resolve(value));
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(output);
  return [...found].sort();
}

// Replaces the old run folder with the new one in every string of an output.
export function rebaseOutput<T>(output: T, fromDir: string, toDir: string): T {
  const from = path.resolve(fromDir);
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return value === from || value.startsWith(`${from}/`) ? path.join(toDir, path.relative(from, value)) : value;
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  return walk(output) as T;
}

// A slot name safe as a file name (stage labels hold ':').
export function slotFile(runDir: string, slot: string): string {
  return path.join(runDir, 'cache', `${slot.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
}

// Records a completed stage: its key, output and every file the output names, with size and hash.
export async function recordStage(runDir: string, slot: string, stage: string, key: string, output: unknown): Promise<StageRecordFile> {
  const unique = new Set<string>();
  for (const target of outputPaths(output, runDir)) for (const file of await filesUnder(target)) unique.add(file);
  const files: RecordedFile[] = [];
  for (const file of [...unique].sort()) {
    files.push({ path: path.relative(runDir, file), size: (await stat(file)).size, sha256: await hashFile(file) });
  }
  const record: StageRecordFile = { slot, stage, key, output, files };
  await mkdir(path.join(runDir, 'cache'), { recursive: true });
  await writeJsonAtomic(slotFile(runDir, slot), record);
  return record;
}

// Why an old record cannot be reused, or null when it can.
export async function verifyRecord(oldRunDir: string, record: StageRecordFile, key: string): Promise<string | null> {
  if (record.key !== key) return 'inputs changed';
  if (record.files.length === 0) return 'no files recorded';
  for (const file of record.files) {
    const full = path.join(oldRunDir, file.path);
    if (!isInside(oldRunDir, full)) return `recorded path ${file.path} leaves the run folder`;
    const info = await stat(full).catch(() => null);
    if (!info?.isFile()) return `${file.path} is missing`;
    if (info.size !== file.size) return `${file.path} changed size`;
    if ((await hashFile(full)) !== file.sha256) return `${file.path} changed content`;
  }
  return null;
}

// Looks a stage up in the old run; on a verified hit copies its files into the new run and records it
// there too (so a later resume of the new run finds it), returning the output rebased onto the new run.
export async function reuseStage(oldRunDir: string, newRunDir: string, slot: string, key: string): Promise<{ output: unknown } | { miss: string }> {
  const text = await readFile(slotFile(oldRunDir, slot), 'utf8').catch(() => null);
  if (text === null) return { miss: 'not recorded in the old run' };
  let record: StageRecordFile;
  try {
    record = JSON.parse(text) as StageRecordFile;
  } catch {
    return { miss: 'cache record unreadable' };
  }
  const why = await verifyRecord(oldRunDir, record, key);
  if (why) return { miss: why };
  for (const file of record.files) {
    const target = path.join(newRunDir, file.path);
    if (!isInside(newRunDir, target)) return { miss: `recorded path ${file.path} leaves the run folder` };
    await mkdir(path.dirname(target), { recursive: true });
    await cp(path.join(oldRunDir, file.path), target, { force: true });
  }
  const output = rebaseOutput(record.output, oldRunDir, newRunDir);
  await recordStage(newRunDir, slot, record.stage, key, output);
  return { output };
}
