// Stage "score": scores predictions against cases with the run's tool schemas, writes the full report,
// and returns the headline fractions with the quality assessment.
import { readFile } from 'node:fs/promises';
import { writeJsonAtomic } from '../lib/atomic-write';
import { resolveInside } from '../lib/paths';
import { assessQuality, parseCase, parsePrediction, readJsonl, scorePredictions as score, type ToolDefinition } from '../lib/score';
import type { ScoreInput, ScoreOutput } from './types';

// Scores one prediction file; the full report (with failures) goes to out_path inside the run folder.
export async function scorePredictions(input: ScoreInput): Promise<ScoreOutput> {
  const outPath = resolveInside(input.run_dir, input.out_path);
  const cases = await readJsonl(input.cases_path, parseCase);
  const predictions = await readJsonl(input.predictions_path, parsePrediction);
  const tools = JSON.parse(await readFile(input.tools_path, 'utf8')) as ToolDefinition[];
  const report = score(cases, predictions, tools);
  const quality = assessQuality(report, input.thresholds);
  // The files scored ride along so the HTML report can show each failing case's request and output.
  await writeJsonAtomic(outPath, { ...report, quality, cases_path: input.cases_path, predictions_path: input.predictions_path });
  const { failures: _failures, ...metrics } = report;
  return { metrics, passed: quality.passed, failed: quality.failed, tier: quality.tier, report_path: outPath };
}
