// validateQuantized on the tiny fp32 and int4 variants: predictions in predict.py's shape, the run's scorer,
// and the guide's keep/reject rule (tool accuracy above 90 %, tool and parameter accuracy within max_accuracy_drop),
// smallest kept wins.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeVariant, predictionLine, recommendVariant, validateQuantized } from '../../activities/validate-quantized';
import type { ScoreMetrics, ValidateQuantizedInput } from '../../activities/types';
import { toEvalCase } from '../../lib/dataset/render-records';
import { SUITE_CASES } from '../../lib/dataset/suite-cases';
import { loadEngine } from '../../lib/inference';
import { loadBuiltinTools } from '../../lib/tools/load-tools';
import { onnxFixture, removeScratchDirs, scratchDir, type OnnxFixture } from '../helpers/onnx-fixture';

const metrics = (toolAccuracy: number, paramAccuracy = toolAccuracy): ScoreMetrics => ({
  total: 10, tool_detection: 1, tool_parsing: 1, tool_accuracy: toolAccuracy, param_accuracy: paramAccuracy, schema_validity: 1,
});

describe('the keep/reject rule', () => {
  it('keeps above 90 % with a drop within max_accuracy_drop, and says why otherwise', () => {
    expect(judgeVariant(metrics(0.95), metrics(0.97), 0.03)).toMatchObject({ kept: true, reasons: [] });
    expect(judgeVariant(metrics(0.94), metrics(0.97), 0.03).kept).toBe(true); // a drop of exactly the limit is allowed
    expect(judgeVariant(metrics(0.9), metrics(0.9), 0.03)).toMatchObject({ kept: false, reasons: ['tool_accuracy 90.0 % is not above 90.0 %'] });
    const fell = judgeVariant(metrics(0.93), metrics(0.99), 0.01);
    expect(fell.kept).toBe(false);
    expect(fell.drop).toBeCloseTo(0.06);
    expect(fell.reasons[0]).toMatch(/fell 6\.0 % against the fine-tuned PyTorch model \(99\.0 %\), more than max_accuracy_drop 1\.0 %/);
  });

  it('rejects a variant that keeps every tool but loses arguments (demo 15: INT4 at 88.9 % tools, parameters 66.7 -> 55.6 %)', () => {
    const lost = judgeVariant(metrics(0.972, 0.556), metrics(0.972, 0.667), 0.03);
    expect(lost).toMatchObject({ kept: false, drop: 0 });
    expect(lost.paramDrop).toBeCloseTo(0.111);
    expect(lost.reasons).toEqual(['param_accuracy fell 11.1 % against the fine-tuned PyTorch model (66.7 %), more than max_accuracy_drop 3.0 %']);
    expect(judgeVariant(metrics(0.972, 0.65), metrics(0.972, 0.667), 0.03)).toMatchObject({ kept: true, reasons: [] });
    // Better arguments than the reference are no loss.
    expect(judgeVariant(metrics(0.972, 0.7), metrics(0.972, 0.667), 0)).toMatchObject({ kept: true });
  });

  it('recommends the smallest kept variant', () => {
    expect(recommendVariant([{ format: 'fp32', kept: true, bytes_on_disk: 900 }, { format: 'int8', kept: true, bytes_on_disk: 300 }, { format: 'int4', kept: false, bytes_on_disk: 200 }])).toBe('int8');
    expect(recommendVariant([{ format: 'int4', kept: false, bytes_on_disk: 200 }])).toBeNull();
  });

  it("writes prediction lines as predict.py's json.dumps(ensure_ascii=False) does", () => {
    expect(predictionLine({ id: 'a', query: '', expected: [] }, 'x\n"ü"\u0001', 5)).toBe('{"id": "a", "output": "x\\n\\"ü\\"\\u0001", "latency_ms": 5.0}\n');
    expect(predictionLine({ id: 'b', query: '', expected: [] }, '', 1.23456)).toBe('{"id": "b", "output": "", "latency_ms": 1.235}\n');
  });
});

describe('validateQuantized on the tiny variants', () => {
  let fx: OnnxFixture;
  let input: ValidateQuantizedInput;
  beforeAll(async () => {
    fx = await onnxFixture();
    const run = scratchDir('tt-vq-');
    for (const v of ['fp32', 'int4']) cpSync(path.join(fx.root, 'export', 'onnx', v), path.join(run, 'export', 'onnx', v), { recursive: true });
    mkdirSync(path.join(run, 'dataset'));
    cpSync(fx.data.cases, path.join(run, 'dataset', 'val_cases.jsonl'));
    writeFileSync(path.join(run, 'dataset', 'suite_cases.jsonl'), SUITE_CASES.map((s) => `${JSON.stringify(toEvalCase({ ...s, calls: s.expected }))}\n`).join(''));
    writeFileSync(path.join(run, 'dataset', 'tools.json'), JSON.stringify(loadBuiltinTools()));
    input = {
      run_dir: run,
      variants: [{ format: 'fp32', dir: 'export/onnx/fp32', max_accuracy_drop: 0.01 }, { format: 'int4', dir: 'export/onnx/int4', max_accuracy_drop: 0.03 }],
      case_sets: [
        { label: 'val', cases_path: path.join(run, 'dataset', 'val_cases.jsonl'), reference: metrics(1), judge: true },
        { label: 'suite', cases_path: path.join(run, 'dataset', 'suite_cases.jsonl'), reference: null, judge: false },
      ],
      tools_path: path.join(run, 'dataset', 'tools.json'),
      thresholds: { tool_accuracy: 0.9, param_accuracy: 0.9, tool_detection: 0.9 },
      record_format: 'text', max_new_tokens: 48, temperature: 0, threads: 1,
    };
  }, 240_000);
  afterAll(removeScratchDirs);

  it('predicts and scores every set with every variant; rejects with reasons when accuracy is not kept', async () => {
    const out = await validateQuantized(input);
    expect(out.variants.map((v) => v.format)).toEqual(['fp32', 'int4']);
    const val = readFileSync(fx.data.cases, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; prompt: string; query: string });
    const engine = await loadEngine(path.join(input.run_dir, 'export', 'onnx', 'fp32'), { threads: 1 });
    try {
      const fp32 = out.variants[0]!;
      const lines = readFileSync(fp32.predictions_paths.val!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => Object.keys(l))).toEqual(val.map(() => ['id', 'output', 'latency_ms']));
      expect(lines.map((l) => l.id)).toEqual(val.map((c) => c.id));
      for (const [i, c] of val.slice(0, 4).entries()) expect(lines[i]!.output).toBe((await engine.generateCase(c, { maxNewTokens: 48 })).text);
    } finally {
      await engine.close();
    }
    for (const v of out.variants) {
      expect(v.metrics.val!.total).toBe(val.length);
      expect(v.metrics.suite!.total).toBe(SUITE_CASES.length);
      expect(existsSync(v.report_paths.suite!)).toBe(true);
      expect(v.kept).toBe(false);
      expect(v.reasons.some((r) => r.startsWith('val: tool_accuracy') && r.includes('is not above 90.0 %'))).toBe(true);
      expect(v.tool_accuracy_drop).toBeCloseTo(1 - v.metrics.val!.tool_accuracy);
      expect(v.param_accuracy_drop).toBeCloseTo(1 - v.metrics.val!.param_accuracy);
      expect(v.bytes_on_disk).toBeGreaterThan(100_000);
    }
    expect(out.variants[1]!.bytes_on_disk).toBeLessThan(out.variants[0]!.bytes_on_disk);
    expect(out.recommended).toBeNull();
    expect(out.reason).toMatch(/^no variant passes: fp32 \(val: .*\); int4 \(val: /);
    expect(JSON.parse(readFileSync(out.summary_path, 'utf8'))).toEqual(JSON.parse(JSON.stringify(out)));
  });

  it("judged against fp32's own score with no floor: the drop decides, and the smallest kept is recommended", async () => {
    const first = await validateQuantized({ ...input, variants: [input.variants[0]!], min_tool_accuracy: 0, out_dir: 'export/v-fp32' });
    const fp32 = first.variants[0]!.metrics.val!;
    const sets = [{ ...input.case_sets[0]!, reference: fp32 }];
    const out = await validateQuantized({ ...input, case_sets: sets, min_tool_accuracy: 0, out_dir: 'export/v2',
      variants: [{ ...input.variants[0]!, max_accuracy_drop: 0 }, { ...input.variants[1]!, max_accuracy_drop: 1 }] });
    expect(out.variants.map((v) => v.kept)).toEqual([true, true]);
    expect(out.variants[0]!.tool_accuracy_drop).toBe(0);
    expect(out.variants[0]!.param_accuracy_drop).toBe(0);
    expect(out.recommended).toBe('int4');
    // A reference above int4's accuracy by more than its allowance rejects it.
    const int4 = out.variants[1]!.metrics.val!.tool_accuracy;
    const strict = await validateQuantized({ ...input, case_sets: [{ ...sets[0]!, reference: { ...fp32, tool_accuracy: int4 + 0.05 } }],
      min_tool_accuracy: 0, out_dir: 'export/v3', variants: [{ ...input.variants[1]!, max_accuracy_drop: 0.01 }] });
    expect(strict.variants[0]!.kept).toBe(false);
    expect(strict.variants[0]!.reasons[0]).toMatch(/^val: tool_accuracy fell 5\.0 %/);
    expect(strict.recommended).toBeNull();
  });

  it('predicts a constrained_only set under the grammar only, and the others both ways', async () => {
    const sets = [input.case_sets[0]!, { ...input.case_sets[1]!, constrained_only: true }];
    // max_accuracy_drop 1: the tiny model loses to the perfect reference, and a variant that loses more than its
    // allowance skips the grammar pass (next test).
    const int4 = { ...input.variants[1]!, max_accuracy_drop: 1 };
    const out = await validateQuantized({ ...input, case_sets: sets, constrained: true, variants: [int4], out_dir: 'export/v-only' });
    expect(Object.keys(out.variants[0]!.metrics).sort()).toEqual(['suite-constrained', 'val', 'val-constrained']);
    expect(out.variants[0]!.constrained_skipped).toBeUndefined();
    expect(out.variants[0]!.metrics['suite-constrained']!.total).toBe(SUITE_CASES.length);
    // Without the grammar there is no constrained pass to keep, so the set is predicted free.
    const free = await validateQuantized({ ...input, case_sets: sets, constrained: false, variants: [int4], out_dir: 'export/v-free' });
    expect(Object.keys(free.variants[0]!.metrics).sort()).toEqual(['suite', 'val']);
    await expect(validateQuantized({ ...input, case_sets: [{ ...input.case_sets[0]!, constrained_only: true }], constrained: true }))
      .rejects.toMatchObject({ type: 'InvalidSpec', nonRetryable: true });
  }, 120_000);

  it('skips the grammar pass of a variant that lost more than max_accuracy_drop free, and says so', async () => {
    const sets = [input.case_sets[0]!, { ...input.case_sets[1]!, constrained_only: true }];
    const out = await validateQuantized({ ...input, case_sets: sets, constrained: true, variants: [input.variants[1]!], out_dir: 'export/v-skip' });
    const v = out.variants[0]!;
    expect(v.param_accuracy_drop! > 0.03 || v.tool_accuracy_drop! > 0.03).toBe(true);
    expect(Object.keys(v.metrics)).toEqual(['val']);
    expect(Object.keys(v.predict_wall_ms)).toEqual(['free']);
    expect(v.constrained_skipped).toMatch(/lost more than max_accuracy_drop/);
    // Rejected by the floor alone (within its allowance), a variant may still be the faithful fallback: its pass runs.
    const floorOnly = await validateQuantized({ ...input, case_sets: sets, constrained: true, variants: [{ ...input.variants[1]!, max_accuracy_drop: 1 }], out_dir: 'export/v-floor' });
    expect(floorOnly.variants[0]!.kept).toBe(false);
    expect(Object.keys(floorOnly.variants[0]!.metrics).sort()).toEqual(['suite-constrained', 'val', 'val-constrained']);
  }, 120_000);

  it('bad input fails non-retryably: no judged set, a variant folder outside the run, a broken variant', async () => {
    await expect(validateQuantized({ ...input, case_sets: input.case_sets.map((s) => ({ ...s, judge: false })) })).rejects.toMatchObject({ type: 'InvalidSpec', nonRetryable: true });
    await expect(validateQuantized({ ...input, variants: [{ format: 'int4', dir: fx.int4, max_accuracy_drop: 0.03 }] })).rejects.toThrow(/leaves its allowed folder/);
    const broken = path.join(input.run_dir, 'export', 'onnx', 'int8');
    mkdirSync(broken, { recursive: true });
    writeFileSync(path.join(broken, 'genai_config.json'), '{}');
    await expect(validateQuantized({ ...input, variants: [{ format: 'int8', dir: 'export/onnx/int8', max_accuracy_drop: 0.01 }] })).rejects.toMatchObject({ type: 'ModelNotFound', nonRetryable: true });
  });
});
