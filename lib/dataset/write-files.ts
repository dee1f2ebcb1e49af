// Writes the stage's output files all-or-nothing: every file goes to a temporary name in the same
// folder first, and only when all are written are they renamed into place.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

// One line of JSON per record, each line ending in "\n".
export function toJsonl(records: readonly unknown[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}

// Writes every file or, on failure, none of the new ones (the temporary files are removed).
export async function writeFilesAtomically(files: ReadonlyMap<string, string>): Promise<void> {
  const temps: [string, string][] = [];
  try {
    for (const [path, text] of files) {
      await mkdir(dirname(path), { recursive: true });
      const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
      temps.push([temp, path]);
      await writeFile(temp, text, 'utf8');
    }
  } catch (err) {
    await Promise.all(temps.map(([temp]) => rm(temp, { force: true })));
    throw err;
  }
  for (const [temp, path] of temps) await rename(temp, path);
}
