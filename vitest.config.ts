// Test suites: the fast default one, and the slow end-to-end one (TOOLTUNE_E2E=1), which CI runs too.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
