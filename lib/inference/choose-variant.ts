// Which exported variant of a run folder to load: validate-quantized's verdicts decide when the user names none,
// so `generate` and `serve` never pick a variant the run rejected without saying so.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InferenceError } from './errors';

// The variants the export stage writes under <run_dir>/export/onnx/, most compressed last.
export const VARIANTS = ['fp32', 'int8', 'int4'] as const;
export type Variant = (typeof VARIANTS)[number];
// What a caller may ask for: one variant, or the run's recommendation (the default).
export const VARIANT_WISHES = ['recommended', ...VARIANTS] as const;
export type VariantWish = (typeof VARIANT_WISHES)[number];

// Where validate-quantized writes its verdicts (its out_dir's default) and the summary this module reads.
export const VALIDATION_DIR = path.join('export', 'validation');
export const VALIDATION_FILE = path.join(VALIDATION_DIR, 'validation.json');
// Tie-break and fallback order: the smallest model first.
export const SMALLEST_FIRST: readonly Variant[] = ['int4', 'int8', 'fp32'];

// The guide's rule on a quantized variant's loss: its accuracy (tool, and parameter) fell by no more than max_accuracy_drop.
export function withinMaxDrop(drop: number, maxDrop: number): boolean {
  return drop <= maxDrop + 1e-9;
}

// The part of validation.json this module reads.
interface Verdict {
  format: Variant;
  kept: boolean;
  reasons: string[];
  bytes_on_disk: number;
  tool_accuracy_drop: number | null;
  /** Absent in runs validated before parameter accuracy was judged (2026-12-01): their verdicts judged tools only. */
  param_accuracy_drop?: number | null;
  max_accuracy_drop: number;
}
interface Validation {
  recommended: Variant | null;
  reason: string;
  variants: Verdict[];
}

// The chosen variant and, when the user should know, why it is this one or what is wrong with it.
export interface VariantChoice {
  variant: Variant;
  note: string | null;
}

// Picks the variant of a run folder: the one asked for, else the recommendation, else the smallest that kept
// the fine-tuned model's accuracy, else the unquantized export. `have` lists the variants present.
export function chooseVariant(runDir: string, wish: VariantWish, have: readonly Variant[]): VariantChoice {
  const validation = readValidation(runDir);
  const verdictOf = (v: Variant) => validation?.variants.find((x) => x.format === v);
  if (wish !== 'recommended') {
    const verdict = verdictOf(wish);
    const note = verdict && !verdict.kept ? `${wish} was rejected by validate-quantized: ${verdict.reasons.join('; ')}` : null;
    return { variant: wish, note };
  }
  const present = SMALLEST_FIRST.filter((v) => have.includes(v));
  if (present.length === 0) throw new InferenceError(`the run has no exported variant (none of ${VARIANTS.join(', ')})`, path.join(runDir, 'export', 'onnx'));
  if (!validation) {
    return { variant: present[0]!, note: `the run did not validate its variants (no ${VALIDATION_FILE}): loading the smallest, ${present[0]}` };
  }
  if (validation.recommended && present.includes(validation.recommended)) return { variant: validation.recommended, note: null };
  // None passed. A variant whose tool and parameter accuracy stayed within its max_accuracy_drop of the fine-tuned
  // model failed only the 90 % floor, which the fine-tuned model itself misses: it answers as that model does.
  const faithful = present.filter((v) => {
    const d = verdictOf(v);
    const lost = d && accuracyLost(d);
    return d !== undefined && lost != null && withinMaxDrop(lost, d.max_accuracy_drop);
  });
  const unvalidatedFp32 = present.includes('fp32') && !verdictOf('fp32');
  const drop = (v: Variant) => {
    const d = verdictOf(v);
    return (d && accuracyLost(d)) ?? Infinity;
  };
  const leastLost = [...present].sort((a, b) => drop(a) - drop(b))[0]!;
  const pick = faithful[0] ?? (unvalidatedFp32 ? 'fp32' : leastLost);
  const why = faithful.length > 0
    ? 'the smallest whose tool and parameter accuracy stayed within its max_accuracy_drop of the fine-tuned model'
    : unvalidatedFp32 ? 'the unquantized export' : 'the one whose accuracy fell least';
  return { variant: pick, note: `no variant passed validate-quantized (${validation.reason}); loading ${pick}, ${why}` };
}

// A verdict's larger fall, tool or parameter accuracy (tool only for runs validated before parameters were judged);
// null when nothing was judged.
function accuracyLost(d: Verdict): number | null {
  return d.tool_accuracy_drop == null ? null : Math.max(d.tool_accuracy_drop, d.param_accuracy_drop ?? -Infinity);
}

// validation.json of a run, or null when the run did not write one; a file that does not parse is an error naming it.
function readValidation(runDir: string): Validation | null {
  const file = path.join(runDir, VALIDATION_FILE);
  if (!existsSync(file)) return null;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InferenceError(`not valid JSON (${(err as Error).message})`, file);
  }
  const v = data as Partial<Validation> | null;
  const ok = v !== null && typeof v === 'object' && Array.isArray(v.variants) && (v.recommended === null || (VARIANTS as readonly unknown[]).includes(v.recommended))
    && v.variants.every((x) => x !== null && typeof x === 'object' && (VARIANTS as readonly unknown[]).includes(x.format) && typeof x.kept === 'boolean' && Array.isArray(x.reasons));
  if (!ok) throw new InferenceError('is not a validate-quantized summary (recommended, variants[].format/kept/reasons)', file);
  return { recommended: v.recommended ?? null, reason: typeof v.reason === 'string' ? v.reason : '', variants: v.variants as Verdict[] };
}
