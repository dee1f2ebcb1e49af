// lib/spec/spec-types.ts is what scripts/gen-spec-types.ts makes from the schema today: stale types fail CI.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readSchema, renderSpecTypes } from '../../../scripts/gen-spec-types';

describe('generated spec types', () => {
  it('match a fresh rendering of specs/experiment.schema.json (run `npm run gen:types` if not)', async () => {
    const committed = await readFile(new URL('../../../lib/spec/spec-types.ts', import.meta.url), 'utf8');
    expect(committed).toBe(await renderSpecTypes(await readSchema()));
  });
});
