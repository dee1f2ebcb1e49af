// Every spec in specs/examples is valid, and opens with a comment saying what it is for and how to run it.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../lib/spec/load-spec';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES = path.join(ROOT, 'specs', 'examples');
const files = (await readdir(EXAMPLES)).filter((f) => f.endsWith('.yaml')).sort();

describe('example specs', () => {
  it('there are examples to check', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  describe.each(files)('%s', (file) => {
    it('is valid', async () => {
      const loaded = await loadSpec({ specPath: path.join(EXAMPLES, file) }, ROOT);
      expect(loaded.spec.name).toMatch(/^[a-z0-9]/);
      expect(loaded.file).toBe(path.join(EXAMPLES, file));
    });

    it('opens with a comment saying what it is for, and a Run: line naming the command', async () => {
      const text = await readFile(path.join(EXAMPLES, file), 'utf8');
      const header = text.split('\n').filter((line, i, all) => all.slice(0, i + 1).every((l) => l.startsWith('#')));
      expect(header.length, 'leading comment lines').toBeGreaterThanOrEqual(2);
      // The first line says what the example is for, in words.
      expect(header[0]).toMatch(/^# \S.{20,}/);
      const run = header.find((line) => /^#\s*Run:/.test(line));
      expect(run, 'a "# Run:" line').toBeDefined();
      expect(run).toContain(`specs/examples/${file}`);
    });
  });
});
