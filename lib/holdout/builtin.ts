// Where the built-in held-out requests live (kept apart so the spec loader needs no scorer code).
import { fileURLToPath } from 'node:url';

// The built-in held-out requests (68 over all ten tools, 8 where no tool fits), used when the spec says `true`.
export const BUILTIN_HOLDOUT_FILE = fileURLToPath(new URL('../../specs/holdout/mcp-holdout.jsonl', import.meta.url));
// A second held-out set, written blind after the first one's failures had been read while tuning the generator.
export const HOLDOUT_2_FILE = fileURLToPath(new URL('../../specs/holdout/mcp-holdout-2.jsonl', import.meta.url));
// A third set, written blind on 2026-11-30 before the generator was changed on the second one's failures.
export const HOLDOUT_3_FILE = fileURLToPath(new URL('../../specs/holdout/mcp-holdout-3.jsonl', import.meta.url));
// A fourth set, written blind on 2026-11-30 after the lead had read held-out 3's requests and one run's answers to them.
export const HOLDOUT_4_FILE = fileURLToPath(new URL('../../specs/holdout/mcp-holdout-4.jsonl', import.meta.url));
// The blind files scripts/quality-bench.sh scores beside a spec's own, by the label of their cases file (`<label>_cases.jsonl`).
export const SCORED_HOLDOUT_FILES = [['holdout2', HOLDOUT_2_FILE], ['holdout3', HOLDOUT_3_FILE], ['holdout4', HOLDOUT_4_FILE]] as const;
