// "More data" as a remedy: the same dataset generated at a larger target_size, keeping only the training
// records whose base example is not in the run's validation split, so validation stays the same cases.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataset, type DatasetConfig } from './generate-dataset';
import { toJsonl, writeFilesAtomically } from './write-files';

// What a grown training set holds.
export interface GrownTrainSet {
  train_path: string;
  /** Training records written. */
  train: number;
  /** Records of the larger dataset left out because their base example is a validation one. */
  left_out: number;
}

function readRecords(text: string): { base_id?: string }[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { base_id?: string });
}

// Writes <outDir>/train.jsonl: the larger dataset's records minus those of the validation base examples.
export async function growTrainSet(config: DatasetConfig, seed: number, valPath: string, outDir: string): Promise<GrownTrainSet> {
  const valBases = new Set(readRecords(await readFile(valPath, 'utf8')).map((r) => r.base_id));
  const scratch = await mkdtemp(join(tmpdir(), 'tooltune-grow-'));
  try {
    const bigger = await generateDataset(config, seed, scratch);
    const all = [...readRecords(await readFile(bigger.train_path, 'utf8')), ...readRecords(await readFile(bigger.val_path, 'utf8'))];
    const train = all.filter((r) => !valBases.has(r.base_id));
    const trainPath = join(outDir, 'train.jsonl');
    await writeFilesAtomically(new Map([[trainPath, toJsonl(train)]]));
    return { train_path: trainPath, train: train.length, left_out: all.length - train.length };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
