// report.html from a real tiny run (recorded in test/fixtures/report/tiny-run, see its README): the charts
// hold the run's data points, the tables its figures, and the page needs nothing from outside.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../../activities/report';
import { loadRunData, readSummary, renderHtmlReport, type RunData } from '../../../lib/report';
import { buildConfusion } from '../../../lib/report/confusion';
import { marksOf, sectionIds, sectionOf, svgsOf } from './svg-helpers';

const FIXTURE = fileURLToPath(new URL('../../fixtures/report/tiny-run', import.meta.url));
const MACHINE = { hostname: 'report-host', cpu_model: 'Report CPU', cpu_threads: 4, device: 'cpu' };

let data: RunData;
let html: string;
let metrics: { eval_curve: { step: number; eval_loss: number }[]; train_loss_curve: { step: number; loss: number }[]; best_step: number; optimizer_steps: number; stopped_early: boolean; machine: { hostname: string; cpu_model: string } };

beforeAll(async () => {
  data = await loadRunData(FIXTURE, await readSummary(FIXTURE));
  html = await renderHtmlReport(data, MACHINE, new Date('2026-01-01T00:00:00Z'));
  metrics = JSON.parse(readFileSync(path.join(FIXTURE, 'attempt-1', 'metrics.json'), 'utf8'));
});

const pct0 = (v: number) => `${Math.round(v * 100)}%`;

describe('report.html of a real tiny run', () => {
  it('has the sections the run has data for, and nothing from outside', () => {
    expect(sectionIds(html)).toEqual(['levels', 'training', 'remediation', 'tools', 'costs', 'failures']);
    expect(html).not.toMatch(/<script|<link|<img|src=|url\(/i);
    expect(html.replace(/xmlns(:xlink)?="http:\/\/www\.w3\.org\/[^"]+"/g, '')).not.toMatch(/https?:\/\//);
    expect(svgsOf(html).length).toBe(5); // 2 level charts, the loss chart, 2 per-tool charts
  });

  it('plots every eval point of the loss curve, the train curve, and marks the best step and early stop', () => {
    const training = sectionOf(html, 'training');
    const points = marksOf(training, /^step: \d+; loss: [\d.]+; attempt: attempt 1$/);
    expect(points.map((p) => Number(/step: (\d+)/.exec(p)?.[1]))).toEqual(metrics.eval_curve.map((e) => e.step));
    const losses = points.map((p) => Number(/loss: ([\d.]+)/.exec(p)?.[1]));
    metrics.eval_curve.forEach((e, i) => expect(losses[i]).toBeCloseTo(e.eval_loss, 8));
    // one line per (attempt, series), labelled by its first point: the train curve and the eval curve
    const lines = marksOf(training, /; series: /);
    expect(lines).toHaveLength(2);
    const t0 = metrics.train_loss_curve[0]!;
    expect(Number(/loss: ([\d.]+)/.exec(lines[0]!)?.[1])).toBeCloseTo(t0.loss, 8);
    expect(lines[0]).toMatch(new RegExp(`^optimizer step: ${t0.step}; .*series: train loss$`));
    expect(lines[1]).toMatch(new RegExp(`^optimizer step: ${metrics.eval_curve[0]!.step}; .*series: eval loss$`));
    expect(training).toMatch(new RegExp(`X-axis titled 'optimizer step' for a linear scale with values from 0 to (\\d+)`));
    const top = Number(/values from 0 to (\d+)/.exec(training)?.[1]);
    expect(top).toBeGreaterThanOrEqual(metrics.optimizer_steps);
    expect(training).toContain(`>best step ${metrics.best_step}<`);
    if (metrics.stopped_early) expect(training).toContain(`>early stop at ${metrics.optimizer_steps}<`);
    expect(training).toContain(metrics.machine.cpu_model);
    expect(data.curves[0]!.train).toHaveLength(metrics.train_loss_curve.length);
  });

  it('draws one bar per level and model with the summary figures, and the thresholds as ticks', () => {
    const levels = sectionOf(html, 'levels');
    const bars = marksOf(levels, /^level: .*cases passing/);
    expect(bars).toHaveLength(20); // 5 levels x (baseline, fine-tuned) x (val, suite)
    const f = data.summary.metrics!.finetuned!;
    expect(bars).toContain(`level: tool acc.; cases passing: ${pct0(f.tool_accuracy!)}; model: fine-tuned`);
    expect(bars).toContain(`level: detection; cases passing: ${pct0(f.tool_detection!)}; model: fine-tuned`);
    expect(marksOf(levels, /threshold/)).toEqual(['level: detection; threshold: 0.97', 'level: tool acc.; threshold: 0.95', 'level: param acc.; threshold: 0.98']);
  });

  it('shows per-tool bars and a confusion table that adds up to every expected and extra call', () => {
    const tools = sectionOf(html, 'tools');
    const val = data.scores.find((s) => s.label === 'attempt-1')!;
    const base = data.scores.find((s) => s.label === 'baseline')!;
    const bars = marksOf(tools, /^tool accuracy: /);
    const suite = data.scores.find((s) => s.label === 'attempt-1-suite')!;
    const baseSuite = data.scores.find((s) => s.label === 'baseline-suite')!;
    const count = (s: typeof val) => Object.keys(s.report.per_tool).length;
    expect(bars).toHaveLength(count(val) + count(base) + count(suite) + count(baseSuite));
    const conf = buildConfusion(val.cases, val.predictions);
    const expectedCalls = val.cases.reduce((n, c) => n + Math.max(1, c.expected.length), 0);
    expect(conf.total).toBeGreaterThanOrEqual(expectedCalls);
    const right = conf.rows.reduce((n, r) => n + (conf.counts[r]?.[r] ?? 0), 0);
    expect(tools).toContain(`<td class="num diag">`);
    expect(right).toBeGreaterThan(0);
  });

  it('lists the failures with request, expected call, output and reason', () => {
    const failures = sectionOf(html, 'failures');
    const val = data.scores.find((s) => s.label === 'attempt-1')!;
    expect((failures.match(/<div class="failure">/g) ?? []).length).toBe(Math.min(25, val.report.failures.length));
    const first = val.report.failures[0]!;
    const c = val.cases.find((x) => x.id === first.id)!;
    expect(failures).toContain(`<span class="id">${first.id}</span>`);
    expect(failures).toContain(`request: ${c.query.replace(/'/g, '&#39;')}`);
  });

  it('prices the measured stage times with the spec defaults, naming the machine', () => {
    const costs = sectionOf(html, 'costs');
    const ms = data.summary.stages!.filter((s) => s.name === 'finetune').reduce((a, s) => a + s.durationMs, 0);
    expect(costs).toContain(`CPU 0.100 USD/h`);
    const cost = (ms / 3_600_000) * 0.1;
    expect(costs).toContain(`Training: ${cost.toFixed(cost >= 0.01 ? 3 : 5)} USD`);
    expect(costs).toContain(metrics.machine.hostname);
  });

  it('is written by the report activity beside summary.json and report.md', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tooltune-report-'));
    try {
      cpSync(FIXTURE, dir, { recursive: true });
      const out = await writeReport({ run_dir: dir, summary: JSON.parse(readFileSync(path.join(FIXTURE, 'summary.json'), 'utf8')) });
      expect(out.html_path).toBe(path.join(dir, 'report.html'));
      expect(sectionIds(readFileSync(out.html_path!, 'utf8'))).toContain('training');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is rebuilt, report.md with it, by `tooltune report`', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tooltune-report-cli-'));
    try {
      cpSync(FIXTURE, dir, { recursive: true });
      const bin = fileURLToPath(new URL('../../../bin/tooltune.mjs', import.meta.url));
      const r = await execa(process.execPath, [bin, 'report', dir, '--json'], { env: { NO_COLOR: '1' }, reject: false, timeout: 60_000 });
      expect(r.exitCode, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { runDir: string; html: string; markdown: string };
      expect(out).toEqual({ runDir: dir, html: path.join(dir, 'report.html'), markdown: path.join(dir, 'report.md') });
      expect(readFileSync(out.markdown, 'utf8')).toContain('## Baseline against fine-tuned (validation cases)');
      expect(sectionIds(readFileSync(out.html, 'utf8'))).toContain('training');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

