// What the HTML report reads from a run folder: summary.json (or the summary the report activity is
// handed), the resolved spec, each attempt's metrics.json (loss curves, the machine it trained on), and
// every score file with the cases and predictions it scored.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseCase, parsePrediction, readJsonl, type Case, type Prediction, type ScoreReport } from '../score';
import { resolveInside } from '../paths';

// The summary fields the report reads; every one may be missing (older runs, failed runs, stages not built).
export interface ReportSummary {
  workflowId?: string;
  status?: string;
  reason?: string;
  stoppedEarly?: boolean;
  runDir?: string;
  spec?: string;
  model?: string;
  bestAttempt?: number | null;
  stages?: { name: string; status: string; attempts: number; durationMs: number; detail?: string }[];
  attempts?: { attempt: number; dir?: string; branch: string; status: string; overrides?: Record<string, number>; failed_thresholds?: string[]; metrics?: Partial<ScoreReport>; train_metrics?: Partial<ScoreReport>; finetune?: Record<string, unknown> }[];
  metrics?: Record<string, Partial<ScoreReport> | undefined>;
  thresholds?: Record<string, number>;
  preflight?: Record<string, unknown>;
  dataset?: Record<string, unknown>;
  artifacts?: Record<string, unknown>;
  [other: string]: unknown;
}

// Where a figure was measured.
export interface MachineInfo {
  hostname: string;
  cpu_model: string;
  cpu_threads: number;
  device?: string;
  gpu_name?: string | null;
  torch_threads?: number;
}

// One attempt's training history from its metrics.json.
export interface AttemptCurve {
  attempt: number;
  train: { step: number; loss: number }[];
  eval: { step: number; eval_loss: number }[];
  best_step: number | null;
  adapter_step: number | null; // the step whose adapter the attempt returned (older runs: null, the best step's)
  stopped_early: boolean;
  optimizer_steps: number;
  planned_steps: number | null;
  longest_answer_tokens: number | null; // the longest completion trained on, EOS included (older runs: null)
  machine: MachineInfo | null;
}

// One score file: which model on which case set, the scorer's report, and what it scored.
export interface ScoreSet {
  label: string;
  model: string; // 'baseline' or 'attempt-N'
  set: 'val' | 'suite' | 'train' | 'holdout' | 'other';
  report: ScoreReport;
  cases: Case[];
  predictions: Prediction[];
}

// Everything the HTML report is rendered from.
export interface RunData {
  runDir: string;
  summary: ReportSummary;
  spec: Record<string, unknown> | null;
  curves: AttemptCurve[];
  scores: ScoreSet[];
}

// Reads a JSON file, or null when it is missing or not JSON.
async function readJsonOrNull(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return null;
  }
}

// Which case set a score label names: baseline, baseline-suite, attempt-2, attempt-2-train, attempt-1-holdout...
export function classifyLabel(label: string): { model: string; set: ScoreSet['set'] } | null {
  const m = /^(baseline|attempt-\d+)(?:-(suite|train|holdout))?$/.exec(label);
  if (!m) return null;
  return { model: m[1] as string, set: (m[2] as ScoreSet['set'] | undefined) ?? 'val' };
}

// Reads one attempt's metrics.json into a curve; null when the attempt wrote none.
async function readCurve(runDir: string, attempt: number): Promise<AttemptCurve | null> {
  const doc = (await readJsonOrNull(resolveInside(runDir, `attempt-${attempt}/metrics.json`))) as Record<string, unknown> | null;
  if (!doc) return null;
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const train = ((doc.train_loss_curve as Record<string, unknown>[] | undefined) ?? []).flatMap((r) => (num(r.step) !== null && num(r.loss) !== null ? [{ step: r.step as number, loss: r.loss as number }] : []));
  const evalCurve = ((doc.eval_curve as Record<string, unknown>[] | undefined) ?? []).flatMap((r) => (num(r.step) !== null && num(r.eval_loss) !== null ? [{ step: r.step as number, eval_loss: r.eval_loss as number }] : []));
  return {
    attempt, train, eval: evalCurve, best_step: num(doc.best_step), adapter_step: num(doc.adapter_step), stopped_early: doc.stopped_early === true,
    optimizer_steps: num(doc.optimizer_steps) ?? train.length, planned_steps: num(doc.planned_steps),
    longest_answer_tokens: num(doc.longest_answer_tokens), machine: (doc.machine as MachineInfo | undefined) ?? null,
  };
}

// Where a workflow writes each set's cases inside the run folder.
const CASES_FILES: Record<ScoreSet['set'], string> = {
  val: 'dataset/val_cases.jsonl', suite: 'dataset/suite_cases.jsonl', train: 'dataset/train_cases.jsonl',
  holdout: 'holdout/holdout_cases.jsonl', other: 'dataset/other_cases.jsonl',
};

// The cases a score file scored: the path it recorded; for a run folder that was moved or copied, the same
// path below the folder's new place (the part after the run's own folder name); else the set's usual file.
function casesFileFor(runDir: string, recorded: unknown, set: ScoreSet['set']): string {
  if (typeof recorded === 'string') {
    const parts = path.resolve(runDir, recorded).split(path.sep);
    const at = parts.lastIndexOf(path.basename(runDir));
    for (const candidate of [recorded, ...(at >= 0 ? [path.join(runDir, ...parts.slice(at + 1))] : [])]) {
      try {
        return resolveInside(runDir, candidate);
      } catch {
        // outside this folder: try the next guess
      }
    }
  }
  return resolveInside(runDir, CASES_FILES[set]);
}

// Reads every score-*.json in the run folder and its attempt folders, with its cases and predictions.
async function readScores(runDir: string): Promise<ScoreSet[]> {
  const dirs = ['.', ...(await readdir(runDir).catch(() => [] as string[])).filter((d) => /^attempt-\d+$/.test(d)).sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)))];
  const sets: ScoreSet[] = [];
  for (const dir of dirs) {
    const files = (await readdir(resolveInside(runDir, dir)).catch(() => [] as string[])).filter((f) => /^score-.+\.json$/.test(f)).sort();
    for (const file of files) {
      const label = file.slice('score-'.length, -'.json'.length);
      const kind = classifyLabel(label);
      const report = (await readJsonOrNull(resolveInside(runDir, `${dir}/${file}`))) as (ScoreReport & { cases_path?: string; predictions_path?: string }) | null;
      if (!kind || !report || typeof report.total !== 'number') continue;
      const cases = await readJsonl(casesFileFor(runDir, report.cases_path, kind.set), parseCase).catch(() => [] as Case[]);
      const predictions = await readJsonl(resolveInside(runDir, `${dir}/predictions-${label}.jsonl`), parsePrediction).catch(() => [] as Prediction[]);
      sets.push({ label, ...kind, report, cases, predictions });
    }
  }
  return sets;
}

// Gathers everything the report shows about the run in `runDir`, starting from its summary.
export async function loadRunData(runDir: string, summary: ReportSummary): Promise<RunData> {
  const resolved = (await readJsonOrNull(resolveInside(runDir, 'spec.resolved.json'))) as { spec?: Record<string, unknown> } | null;
  const curves: AttemptCurve[] = [];
  for (const a of summary.attempts ?? []) {
    const curve = await readCurve(runDir, a.attempt);
    if (curve) curves.push(curve);
  }
  return { runDir, summary, spec: resolved?.spec ?? null, curves, scores: await readScores(runDir) };
}

// Reads a run folder's summary.json; a clear error when it is missing or not a summary.
export async function readSummary(runDir: string): Promise<ReportSummary> {
  const file = path.join(runDir, 'summary.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`${file}: not found (the report stage writes it at the end of a run)`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`${file}: not a run summary (expected an object)`);
  return doc as ReportSummary;
}
