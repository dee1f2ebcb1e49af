// `tooltune compare`: the settings that differ, the figures of each run, the chart, the terminal table, and
// the command itself on two run folders (the recorded tiny run and a copy with other settings).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunData, readSummary, type RunData } from '../../../lib/report';
import { compareRuns, diffSettings, flattenSpec, renderCompareHtml } from '../../../lib/report/compare';
import { formatCompareTable } from '../../../cli/commands/compare';
import { marksOf } from './svg-helpers';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'report', 'tiny-run');

let tmp: string;
let other: string;
let runs: RunData[];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tooltune-compare-'));
  other = path.join(tmp, 'other-run');
  cpSync(FIXTURE, other, { recursive: true });
  const specFile = path.join(other, 'spec.resolved.json');
  const resolved = JSON.parse(readFileSync(specFile, 'utf8'));
  resolved.spec.lora.lora_r = 64;
  resolved.spec.training.learning_rate = 0.001;
  writeFileSync(specFile, JSON.stringify(resolved));
  const summaryFile = path.join(other, 'summary.json');
  const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
  summary.workflowId = 'other-run';
  summary.metrics.finetuned.tool_accuracy = 0.5;
  writeFileSync(summaryFile, JSON.stringify(summary));
  runs = [await loadRunData(FIXTURE, await readSummary(FIXTURE)), await loadRunData(other, await readSummary(other))];
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('compare', () => {
  it('flattens specs and lists only the settings that differ', () => {
    expect(flattenSpec({ a: { b: 1, c: [1, 2] }, d: 'x' })).toEqual({ 'a.b': 1, 'a.c': '[1,2]', d: 'x' });
    expect(diffSettings([{ a: 1, b: { c: 2 } }, { a: 1, b: { c: 3 }, e: true }])).toEqual([{ key: 'b.c', values: [2, 3] }, { key: 'e', values: [undefined, true] }]);
    expect(compareRuns(runs).settings).toEqual([{ key: 'lora.lora_r', values: [32, 64] }, { key: 'training.learning_rate', values: [0.003, 0.001] }]);
  });

  it('puts the figures side by side, in the terminal and in the HTML chart', async () => {
    const cmp = compareRuns(runs);
    const toolAcc = cmp.figures.find((f) => f.label === 'val tool acc.');
    expect(toolAcc?.values[1]).toBe('50.0 %');
    const lines = formatCompareTable(cmp);
    expect(lines.some((l) => /^val tool acc\.\s+[\d.]+ %\s+50\.0 %$/.test(l))).toBe(true);
    expect(lines.some((l) => /^lora\.lora_r\s+32\s+64$/.test(l))).toBe(true);
    const html = await renderCompareHtml(runs, cmp);
    expect(marksOf(html, /; run: /).filter((l) => l.startsWith('level: '))).toHaveLength(10); // 5 levels x 2 runs
    expect(marksOf(html, /^level: tool acc\.; .*run: other-run$/)).toEqual(['level: tool acc.; cases passing: 50%; run: other-run']);
  });

  it('runs as a command on two run folders', async () => {
    const out = path.join(tmp, 'cmp.html');
    const r = await execa(process.execPath, [path.join(ROOT, 'bin', 'tooltune.mjs'), 'compare', FIXTURE, other, '--out', out], { cwd: ROOT, env: { NO_COLOR: '1' }, reject: false, timeout: 60_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('settings that differ');
    expect(r.stdout).toContain(`HTML: ${out}`);
    expect(readFileSync(out, 'utf8')).toContain('<section id="settings">');
    const bad = await execa(process.execPath, [path.join(ROOT, 'bin', 'tooltune.mjs'), 'compare', FIXTURE], { cwd: ROOT, env: { NO_COLOR: '1' }, reject: false, timeout: 60_000 });
    expect(bad.exitCode).toBe(2);
  });
});
