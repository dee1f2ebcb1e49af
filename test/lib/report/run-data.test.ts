// How the report finds a run's score files, their cases and predictions, and what it refuses.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyLabel, loadRunData, readSummary } from '../../../lib/report/run-data';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function tmpRun(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'tooltune-rundata-'));
  dirs.push(d);
  return d;
}

const SCORE = { total: 1, tool_detection: 1, tool_parsing: 1, tool_accuracy: 0, param_accuracy: 0, schema_validity: 0, per_tool: {}, failures: [{ id: 'h1', reasons: ['wrong_tool'] }], failed: 1 };

describe('run data', () => {
  it('classifies score labels by model and case set', () => {
    expect(classifyLabel('baseline')).toEqual({ model: 'baseline', set: 'val' });
    expect(classifyLabel('attempt-3-holdout')).toEqual({ model: 'attempt-3', set: 'holdout' });
    expect(classifyLabel('attempt-1-suite')).toEqual({ model: 'attempt-1', set: 'suite' });
    expect(classifyLabel('int4-suite')).toBeNull();
  });

  it('reads the cases a score file recorded, inside the run folder, and the predictions beside it', async () => {
    const dir = tmpRun();
    mkdirSync(path.join(dir, 'attempt-1'));
    mkdirSync(path.join(dir, 'holdout'));
    writeFileSync(path.join(dir, 'holdout', 'cases.jsonl'), `${JSON.stringify({ id: 'h1', query: 'show me the readme', expected: [{ tool: 'read', params: { file_path: 'README.md' } }] })}\n`);
    writeFileSync(path.join(dir, 'attempt-1', 'predictions-attempt-1-holdout.jsonl'), `${JSON.stringify({ id: 'h1', output: "<tool_use>grep(pattern='readme')</tool_use>" })}\n`);
    writeFileSync(path.join(dir, 'attempt-1', 'score-attempt-1-holdout.json'), JSON.stringify({ ...SCORE, cases_path: path.join(dir, 'holdout', 'cases.jsonl') }));
    // a score file naming cases outside the folder falls back to the dataset's file (missing here: no cases)
    writeFileSync(path.join(dir, 'score-baseline.json'), JSON.stringify({ ...SCORE, cases_path: '/etc/passwd' }));
    writeFileSync(path.join(dir, 'summary.json'), JSON.stringify({ status: 'passed', attempts: [] }));
    const data = await loadRunData(dir, await readSummary(dir));
    const [baseline, holdout] = data.scores;
    expect(baseline).toMatchObject({ label: 'baseline', set: 'val', cases: [], predictions: [] });
    expect(holdout).toMatchObject({ label: 'attempt-1-holdout', model: 'attempt-1', set: 'holdout' });
    expect(holdout?.cases.map((c) => c.query)).toEqual(['show me the readme']);
    expect(holdout?.predictions.map((p) => p.id)).toEqual(['h1']);
  });

  it('finds the cases of a run folder that was moved: the recorded path below the new place, else the set\'s usual file', async () => {
    const dir = tmpRun();
    mkdirSync(path.join(dir, 'attempt-1'));
    mkdirSync(path.join(dir, 'holdout'));
    mkdirSync(path.join(dir, 'dataset'));
    const one = (id: string): string => `${JSON.stringify({ id, query: id, expected: [] })}\n`;
    writeFileSync(path.join(dir, 'holdout', 'holdout_cases.jsonl'), one('h1'));
    writeFileSync(path.join(dir, 'dataset', 'suite_cases.jsonl'), one('s1'));
    const old = path.join('/old/artifacts/runs', path.basename(dir));
    writeFileSync(path.join(dir, 'attempt-1', 'score-attempt-1-holdout.json'), JSON.stringify({ ...SCORE, cases_path: path.join(old, 'holdout', 'holdout_cases.jsonl') }));
    writeFileSync(path.join(dir, 'attempt-1', 'score-attempt-1-suite.json'), JSON.stringify({ ...SCORE, cases_path: '/elsewhere/suite.jsonl' }));
    // a recorded path that climbs out of the folder's new place is refused, not followed
    writeFileSync(path.join(dir, 'attempt-1', 'score-attempt-1.json'), JSON.stringify({ ...SCORE, cases_path: path.join(old, '..', '..', '..', '..', 'etc', 'passwd') }));
    writeFileSync(path.join(dir, 'summary.json'), JSON.stringify({ status: 'passed', attempts: [] }));
    const data = await loadRunData(dir, await readSummary(dir));
    const bySet = Object.fromEntries(data.scores.map((s) => [s.set, s.cases.map((c) => c.id)]));
    expect(bySet).toEqual({ holdout: ['h1'], suite: ['s1'], val: [] });
  });

  it('says which file is wrong when summary.json is missing or not a summary', async () => {
    const dir = tmpRun();
    await expect(readSummary(dir)).rejects.toThrow(`${path.join(dir, 'summary.json')}: not found`);
    writeFileSync(path.join(dir, 'summary.json'), '[1, 2]');
    await expect(readSummary(dir)).rejects.toThrow('not a run summary');
    writeFileSync(path.join(dir, 'summary.json'), '{oops');
    await expect(readSummary(dir)).rejects.toThrow('summary.json: not JSON');
  });
});
