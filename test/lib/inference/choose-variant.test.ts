// Which variant a run folder loads when the user names none: validate-quantized's verdicts, with a note when they
// rejected it, and the files checked before use.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseVariant, describeTarget, resolveVariantDir, VALIDATION_FILE, type Variant } from '../../../lib/inference';
import { removeScratchDirs, scratchDir } from '../../helpers/onnx-fixture';

// A verdict as validate-quantized writes it (the fields chooseVariant reads).
function verdict(format: Variant, drop: number, kept: boolean, reasons: string[] = kept ? [] : ['val: tool_accuracy 88.6 % is not above 90.0 %'], paramDrop?: number) {
  return {
    format, kept, reasons, bytes_on_disk: { fp32: 900, int8: 300, int4: 100 }[format], tool_accuracy_drop: drop,
    ...(paramDrop === undefined ? {} : { param_accuracy_drop: paramDrop }), max_accuracy_drop: format === 'int8' ? 0.01 : 0.03,
  };
}

// A run folder with empty export/onnx/<variant> folders and, when given, its validation.json.
function runFolder(variants: Variant[], validation?: unknown): string {
  const run = scratchDir('tt-choose-');
  for (const v of variants) mkdirSync(path.join(run, 'export', 'onnx', v), { recursive: true });
  if (validation !== undefined) {
    mkdirSync(path.dirname(path.join(run, VALIDATION_FILE)), { recursive: true });
    writeFileSync(path.join(run, VALIDATION_FILE), typeof validation === 'string' ? validation : JSON.stringify(validation));
  }
  return run;
}

describe('chooseVariant', () => {
  afterAll(removeScratchDirs);

  it('takes the recommended variant, silently', () => {
    const run = runFolder(['int8', 'int4'], { recommended: 'int8', reason: 'int8 is the smallest variant that keeps the accuracy', variants: [verdict('int8', 0, true), verdict('int4', 0.06, false)] });
    expect(chooseVariant(run, 'recommended', ['int8', 'int4'])).toEqual({ variant: 'int8', note: null });
    expect(resolveVariantDir(run)).toMatchObject({ variantDir: path.join(run, 'export', 'onnx', 'int8'), note: null });
  });

  it('when none passed: the smallest that stayed within its max drop (it missed only the floor), with a note', () => {
    // demo 6: the fine-tuned model is at 88.6 %, under the 90 % floor; INT8 lost nothing, INT4 5.7 points.
    const reason = 'no variant passes: int8 (...); int4 (...)';
    const run = runFolder(['int8', 'int4'], { recommended: null, reason, variants: [verdict('int8', 0, false), verdict('int4', 0.057, false)] });
    const choice = chooseVariant(run, 'recommended', ['int8', 'int4']);
    expect(choice.variant).toBe('int8');
    expect(choice.note).toContain(`no variant passed validate-quantized (${reason}); loading int8, the smallest whose tool and parameter accuracy stayed within its max_accuracy_drop`);
  });

  it('when none passed: a variant that kept the tools but lost arguments is not the faithful one (demo 15)', () => {
    // demo 15: the fine-tuned model at 88.9 %, under the floor; INT8 and INT4 kept every tool, INT4 lost 11 points of parameters.
    const variants = [verdict('int8', 0, false, undefined, 0), verdict('int4', 0, false, undefined, 0.111)];
    const run = runFolder(['int8', 'int4'], { recommended: null, reason: 'no variant passes', variants });
    expect(chooseVariant(run, 'recommended', ['int8', 'int4'])).toMatchObject({ variant: 'int8', note: expect.stringContaining('loading int8, the smallest whose tool and parameter') });
    // A run validated before parameters were judged has no param_accuracy_drop: its tool drop decides, as it did then.
    const old = runFolder(['int8', 'int4'], { recommended: null, reason: 'no variant passes', variants: [verdict('int8', 0, false), verdict('int4', 0, false)] });
    expect(chooseVariant(old, 'recommended', ['int8', 'int4']).variant).toBe('int4');
    // Every validated variant lost too much: the one that lost least, counting its parameters.
    const lossy = runFolder(['int8', 'int4'], { recommended: null, reason: 'no variant passes', variants: [verdict('int8', 0.02, false, undefined, 0.02), verdict('int4', 0.04, false, undefined, 0.2)] });
    expect(chooseVariant(lossy, 'recommended', ['int8', 'int4']).variant).toBe('int8');
  });

  it('when every validated variant lost too much: the unvalidated fp32 export, else the one that lost least', () => {
    const validation = { recommended: null, reason: 'no variant passes', variants: [verdict('int8', 0.05, false), verdict('int4', 0.08, false)] };
    expect(chooseVariant(runFolder(['fp32', 'int8', 'int4'], validation), 'recommended', ['fp32', 'int8', 'int4']))
      .toMatchObject({ variant: 'fp32', note: expect.stringContaining('loading fp32, the unquantized export') });
    expect(chooseVariant(runFolder(['int8', 'int4'], validation), 'recommended', ['int8', 'int4']))
      .toMatchObject({ variant: 'int8', note: expect.stringContaining('loading int8, the one whose accuracy fell least') });
  });

  it('a variant asked for by name is loaded, with a note when the run rejected it', () => {
    const run = runFolder(['int8', 'int4'], { recommended: 'int8', reason: '', variants: [verdict('int8', 0, true), verdict('int4', 0.06, false, ['val: tool_accuracy fell 6.0 %'])] });
    expect(chooseVariant(run, 'int4', ['int8', 'int4'])).toEqual({ variant: 'int4', note: 'int4 was rejected by validate-quantized: val: tool_accuracy fell 6.0 %' });
    expect(chooseVariant(run, 'int8', ['int8', 'int4'])).toEqual({ variant: 'int8', note: null });
    // The variant folder itself, inside the run, says the same (resolveVariantDir knows it by its genai_config.json).
    writeFileSync(path.join(run, 'export', 'onnx', 'int4', 'genai_config.json'), '{}');
    expect(resolveVariantDir(path.join(run, 'export', 'onnx', 'int4')).note).toBe('int4 was rejected by validate-quantized: val: tool_accuracy fell 6.0 %');
  });

  it('without validation.json: the smallest exported variant, saying it was not validated', () => {
    const run = runFolder(['fp32', 'int8']);
    expect(chooseVariant(run, 'recommended', ['fp32', 'int8'])).toEqual({ variant: 'int8', note: `the run did not validate its variants (no ${VALIDATION_FILE}): loading the smallest, int8` });
  });

  it('errors name the file: a broken validation.json, a summary of another shape, no variant at all', () => {
    const broken = runFolder(['int4'], '{"recommended":');
    expect(() => chooseVariant(broken, 'recommended', ['int4'])).toThrow(`${path.join(broken, VALIDATION_FILE)}: not valid JSON`);
    const other = runFolder(['int4'], { recommended: 'int2', variants: [] });
    expect(() => resolveVariantDir(other)).toThrow(`${path.join(other, VALIDATION_FILE)}: is not a validate-quantized summary`);
    const none = runFolder([]);
    mkdirSync(path.join(none, 'export', 'onnx'), { recursive: true });
    expect(() => resolveVariantDir(none)).toThrow('the run has no exported variant');
  });

  it('describeTarget reads the run a folder belongs to without choosing a variant (serve reads its serving section)', () => {
    const run = runFolder(['int4']); // no validation.json: resolving 'recommended' would say so; describing says nothing
    writeFileSync(path.join(run, 'spec.resolved.json'), JSON.stringify({ spec: { dataset: { format: 'text' }, serving: { variant: 'int4' } } }));
    writeFileSync(path.join(run, 'export', 'onnx', 'int4', 'genai_config.json'), '{}');
    expect(describeTarget(run)).toMatchObject({ isVariantFolder: false, run: { runDir: run, spec: { serving: { variant: 'int4' } } } });
    expect(describeTarget(path.join(run, 'export', 'onnx', 'int4'))).toMatchObject({ isVariantFolder: true, run: { runDir: run } });
    const loose = scratchDir('tt-loose-');
    writeFileSync(path.join(loose, 'genai_config.json'), '{}');
    expect(describeTarget(loose)).toEqual({ isVariantFolder: true, run: null });
  });
});
