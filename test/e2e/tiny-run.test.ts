// End to end, as a user runs it: `tooltune run specs/examples/tiny.yaml --json` on the embedded server
// with both real workers; the same spec through `temporal workflow start`; and the guide's LoRA target
// list failing before training. Slow (minutes): runs when TOOLTUNE_E2E=1 (scripts/test.sh sets it).
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withinMaxDrop } from '../../lib/inference/choose-variant';
import { PROJECT_ROOT, pythonPath, temporalCliPath } from '../../lib/local/project';
import { freePort } from '../helpers/free-port';

const ROOT = PROJECT_ROOT;
const TEMPORAL = temporalCliPath();
const home = mkdtempSync(path.join(tmpdir(), 'tooltune-e2e-'));
// Its own server on free ports (set in beforeAll), state and artifacts in a temporary folder: never the
// user's server, .tooltune/ or artifacts/.
const env: Record<string, string> = { NO_COLOR: '1', TOOLTUNE_HOME: home, TOOLTUNE_ARTIFACTS_ROOT: path.join(home, 'artifacts') };

// Runs the CLI like a user would, returning exit code and output.
async function tooltune(args: string[], timeout = 15 * 60_000, extraEnv: Record<string, string> = {}) {
  return execa(process.execPath, [path.join(ROOT, 'bin', 'tooltune.mjs'), ...args], { cwd: ROOT, env: { ...env, ...extraEnv }, reject: false, timeout });
}

// The last line of stdout as JSON: `--json` ends stdout with one object.
function lastJson(stdout: string): Record<string, any> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? '{}') as Record<string, any>;
}

describe.runIf(process.env.TOOLTUNE_E2E === '1')('end to end on the tiny model', () => {
  beforeAll(async () => {
    env.TEMPORAL_ADDRESS = `127.0.0.1:${await freePort()}`;
    env.TOOLTUNE_UI_PORT = String(await freePort());
    const start = await tooltune(['server', 'start']);
    expect(start.exitCode, start.stderr).toBe(0);
    expect(start.stdout).toMatch(/^started/);
  }, 120_000);

  afterAll(async () => {
    await tooltune(['workers', 'stop']);
    await tooltune(['server', 'stop']);
  }, 120_000);

  it('tooltune run tiny.yaml --json completes, leaves an adapter and metrics, and beats the baseline', async () => {
    const result = await tooltune(['run', 'specs/examples/tiny.yaml', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const summary = lastJson(result.stdout);
    expect(summary.workflowStatus).toBe('COMPLETED');
    expect(['passed', 'below_threshold']).toContain(summary.status);
    expect(summary.workflowId).toMatch(/^tiny-/);
    const names = summary.stages.map((s: { name: string }) => s.name);
    // The base model's val and suite share one predict call; so do the only attempt's val, training sample and suite.
    for (const stage of ['spec', 'dataset', 'preflight', 'predict:baseline+suite', 'score:baseline', 'score:baseline-suite', 'finetune',
      'predict:attempt-1+train+suite', 'score:attempt-1', 'score:attempt-1-train', 'score:attempt-1-suite', 'report']) expect(names).toContain(stage);
    for (const s of summary.stages) expect(typeof s.durationMs).toBe('number');
    const { baseline, finetuned } = summary.metrics;
    expect(finetuned.tool_accuracy).toBeGreaterThan(baseline.tool_accuracy);
    for (const key of ['tool_detection', 'tool_parsing', 'tool_accuracy', 'param_accuracy', 'schema_validity']) expect(baseline).toHaveProperty(key);

    expect(summary.runDir.startsWith(path.join(home, 'artifacts', 'runs'))).toBe(true);
    const finetune = summary.attempts[0].finetune;
    expect(finetune.adapter_dir.startsWith(summary.runDir)).toBe(true);
    const adapterFiles = readdirSync(finetune.adapter_dir);
    expect(adapterFiles).toEqual(expect.arrayContaining(['adapter_config.json', 'adapter_model.safetensors']));
    const metrics = JSON.parse(readFileSync(finetune.metrics_path, 'utf8'));
    expect(metrics.eval_loss).toBeGreaterThan(0);
    expect(metrics.eval_perplexity).toBeCloseTo(Math.exp(metrics.eval_loss), 3);
    expect(existsSync(path.join(summary.runDir, 'report.md'))).toBe(true);
    // --json keeps its shape; report.html is beside report.md, with the loss chart, and `report` rebuilds it.
    // The progress display never leaks into --json: exactly these keys (the last three: the export stages ran).
    expect(Object.keys(summary).sort()).toEqual(['artifacts', 'attempts', 'benchmark', 'bestAttempt', 'dataset', 'metrics', 'preflight', 'reason', 'reportPath', 'runDir', 'stages', 'status', 'thresholds', 'validation', 'webUi', 'workflowId', 'workflowStatus']);
    const html = readFileSync(path.join(summary.runDir, 'report.html'), 'utf8');
    expect(html).toContain('<section id="training">');
    expect(html).toMatch(/aria-label="step: \d+; loss: [\d.]+; attempt: attempt 1"/);
    const rebuilt = await tooltune(['report', summary.workflowId, '--json']);
    expect(rebuilt.exitCode, rebuilt.stderr).toBe(0);
    expect(JSON.parse(rebuilt.stdout)).toEqual({ runDir: summary.runDir, html: path.join(summary.runDir, 'report.html'), markdown: path.join(summary.runDir, 'report.md') });
    // the tiny spec quantizes and benchmarks: report.md says which variant was kept and how fast each ran
    const report = readFileSync(path.join(summary.runDir, 'report.md'), 'utf8');
    expect(report).toMatch(/## Quantized variants[\s\S]*\| Engine \| Variant \| Decode tokens\/s/);

    // peft loads the adapter as it is.
    const load = await execa(pythonPath(), ['-c', [
      'import sys; from transformers import AutoModelForCausalLM; from peft import PeftModel',
      'base = AutoModelForCausalLM.from_pretrained(sys.argv[1])',
      'm = PeftModel.from_pretrained(base, sys.argv[2]); print(type(m).__name__)',
    ].join('\n'), summary.preflight.model_path, finetune.adapter_dir], { reject: false });
    expect(load.stdout.trim(), load.stderr).toMatch(/PeftModel/);

    // merge -> export -> quantize left a merged folder and fp32/int8/int4 ONNX folders that load in a fresh process.
    for (const stage of ['merge', 'export', 'quantize:int8', 'quantize:int4']) {
      expect(summary.stages.find((s: { name: string }) => s.name === stage)?.status, stage).toBe('completed');
    }
    const { merged, onnx } = summary.artifacts;
    expect(merged.tokens_equal).toBe(true);
    expect(existsSync(path.join(merged.path, 'model.safetensors'))).toBe(true);
    expect(onnx.fp32).toMatchObject({ tokens_equal: true, ratio_to_fp32: 1, path: path.join(summary.runDir, 'export', 'onnx', 'fp32') });
    expect(onnx.int4.bytes).toBeLessThan(onnx.int8.bytes);
    expect(onnx.int8.bytes).toBeLessThan(onnx.fp32.bytes);
    for (const v of ['int8', 'int4']) expect(onnx[v].top1_agreement).toBeGreaterThan(0);
    for (const v of ['fp32', 'int8', 'int4']) {
      expect(readdirSync(onnx[v].path)).toEqual(expect.arrayContaining(['model.onnx', 'genai_config.json', 'tokenizer.json', 'tokenizer_config.json', 'config.json']));
    }
    const fresh = await execa(pythonPath(), [path.join(ROOT, 'python-activities', 'tests', 'onnx_fresh_process.py'), '[10, 20, 30]', '8',
      onnx.fp32.path, onnx.int8.path, onnx.int4.path], { reject: false });
    expect(fresh.exitCode, fresh.stderr).toBe(0);
    const tokens = lastJson(fresh.stdout);
    for (const v of ['fp32', 'int8', 'int4']) expect(tokens[onnx[v].path].ort).toHaveLength(8);
    expect(report).toContain('## Exported models');

    // validate-quantized scored every variant without the grammar, and with it each variant whose free pass kept
    // within max_accuracy_drop (tiny.yaml's INT8 allows any drop, so one grammar pass always runs); the benchmark
    // table has every engine.
    expect(summary.stages.find((s: { name: string }) => s.name === 'validate-quantized')?.status).toBe('completed');
    expect(summary.validation.variants.map((v: { format: string }) => v.format)).toEqual(['int8', 'int4']); // fp32: the reference, checked against PyTorch
    for (const v of summary.validation.variants) {
      expect(Object.keys(v.metrics), v.format).toContain('val');
      const lost = !withinMaxDrop(v.tool_accuracy_drop, v.max_accuracy_drop) || !withinMaxDrop(v.param_accuracy_drop, v.max_accuracy_drop);
      if (lost) {
        expect(v.constrained_skipped, v.format).toMatch(/^not run/);
        expect(Object.keys(v.metrics), v.format).not.toContain('val-constrained');
        expect(report).toContain('not run: rejected on val');
      } else {
        expect(v.constrained_skipped, v.format).toBeUndefined();
        expect(v.metrics['val-constrained'].tool_parsing, v.format).toBeGreaterThanOrEqual(v.metrics.val.tool_parsing);
      }
    }
    expect(summary.validation.variants[0].metrics, 'INT8 ran under the grammar').toHaveProperty('val-constrained');
    const [table] = summary.benchmark.tables;
    expect(table.rows.map((r: { engine: string; variant: string }) => `${r.engine}/${r.variant}`)).toEqual(expect.arrayContaining([
      'pytorch/fp32', 'ort-genai/fp32', 'ort-genai/int4', 'ts-engine/fp32', 'ts-engine/int8', 'ts-engine/int4', 'ts-engine+grammar/int4',
    ]));
    for (const r of table.rows) expect(r.min_tokens_produced, `${r.engine}/${r.variant}`).toBe(r.engine.includes('grammar') ? r.min_tokens_produced : 16);
    expect(readFileSync(summary.benchmark.markdown_path, 'utf8')).toMatch(/\| ts-engine \| int4 \|/);

    // tooltune generate answers on the run's INT4 model.
    const generated = await tooltune(['generate', summary.runDir, 'Read the file package.json', '--variant', 'int4', '--json']);
    expect(generated.exitCode, generated.stderr).toBe(0);
    expect(lastJson(generated.stdout)).toMatchObject({ variantDir: path.join(summary.runDir, 'export', 'onnx', 'int4'), latencyMs: expect.any(Number) });

    // The run is listed with its search attributes.
    const list = await tooltune(['list', '--json']);
    const row = (JSON.parse(list.stdout) as Record<string, unknown>[]).find((r) => r.workflowId === summary.workflowId);
    expect(row).toMatchObject({ spec: 'tiny', model: 'tiny-phi3', stage: 'report', result: summary.status });
  }, 15 * 60_000);

  it('the guide target modules fail before training, naming qkv_proj', async () => {
    const result = await tooltune(['run', 'test/fixtures/e2e/tiny-guide-targets.yaml', '--json']);
    expect(result.exitCode).toBe(1);
    const summary = lastJson(result.stdout);
    expect(summary.workflowStatus).toBe('FAILED');
    expect(summary.error).toMatch(/qkv_proj/);
    expect(summary.error).toMatch(/q_proj/);
    const status = await tooltune(['status', summary.workflowId, '--json']);
    const stages = lastJson(status.stdout).progress?.stages ?? [];
    expect(stages.map((s: { name: string }) => s.name)).not.toContain('finetune');
  }, 10 * 60_000);

  it('takes the out-of-memory and below-threshold branches for real, and stops early', async () => {
    const result = await tooltune(['run', 'test/fixtures/e2e/tiny-remediation.yaml', '--json'], 15 * 60_000, { TOOLTUNE_TEST_HOOKS: '1', TOOLTUNE_FAKE_OOM_ABOVE_BATCH: '4' });
    expect(result.exitCode, result.stderr).toBe(0);
    const summary = lastJson(result.stdout);
    expect(summary.status).toBe('below_threshold');
    const attempts = summary.attempts.map((a: { branch: string; status: string; overrides: Record<string, number> }) => [a.branch, a.status, a.overrides]);
    expect(attempts[0]).toEqual(['initial', 'out_of_memory', {}]);
    expect(attempts[1]?.slice(0, 2)).toEqual(['out_of_memory', expect.stringMatching(/below_threshold|overfitting/)]);
    expect(attempts[1]?.[2]).toEqual({ per_device_train_batch_size: 4, gradient_accumulation_steps: 2 });
    expect(attempts[2]?.[0]).toBe('below_threshold');
    expect(attempts[2]?.[2]).toMatchObject({ num_train_epochs: 4, per_device_train_batch_size: 4 });
    expect(summary.reason).toMatch(/max_attempts is 2/);
    for (const name of ['export', 'quantize']) expect(summary.stages.find((s: { name: string }) => s.name === name)?.status).toBe('skipped');
    const report = readFileSync(summary.reportPath, 'utf8');
    expect(report).toContain('| 2 | out_of_memory |');
  }, 15 * 60_000);

  it('temporal workflow start with a spec path runs the same pipeline', async () => {
    const workers = await tooltune(['workers', 'start'], 5 * 60_000);
    expect(workers.exitCode, workers.stderr).toBe(0);
    const id = `tiny-cli-${Date.now()}`;
    const start = await execa(TEMPORAL, ['workflow', 'start', '--type', 'tooltuneExperiment', '--task-queue', 'tooltune', '--workflow-id', id, '--input', '{"specPath": "specs/examples/tiny.yaml"}'], { cwd: ROOT, env, reject: false });
    expect(start.exitCode, start.stderr).toBe(0);
    const result = await execa(TEMPORAL, ['workflow', 'result', '--workflow-id', id, '--output', 'json'], { cwd: ROOT, env, reject: false, timeout: 15 * 60_000 });
    expect(result.exitCode, result.stderr + result.stdout).toBe(0);
    const status = await tooltune(['status', id, '--json']);
    const summary = lastJson(status.stdout);
    expect(summary.workflowStatus).toBe('COMPLETED');
    expect(summary.metrics.finetuned.tool_accuracy).toBeGreaterThan(summary.metrics.baseline.tool_accuracy);
    expect((await tooltune(['workers', 'stop'])).exitCode).toBe(0);
  }, 20 * 60_000);
});
