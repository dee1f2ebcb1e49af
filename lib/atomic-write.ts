// Atomic file writes: a reader (or a crash) never sees a half-written artifact.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

// Writes `data` to a temporary file beside `file`, then renames it into place.
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

// Writes a value as pretty JSON, atomically.
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}
