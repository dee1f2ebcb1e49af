// Section "Per tool": tool accuracy per expected tool before and after fine-tuning, and the confusion
// table of expected against predicted tool for the fine-tuned model.
import { renderChart, type ChartSpec } from '../chart';
import { buildConfusion, type Confusion } from '../confusion';
import { escapeHtml, type Section } from '../html';
import type { RunData, ScoreSet } from '../run-data';

// Horizontal bars: tool accuracy per tool, baseline against fine-tuned.
export function buildPerToolChart(baseline: ScoreSet | undefined, finetuned: ScoreSet | undefined): ChartSpec {
  const values = [
    ...Object.entries(baseline?.report.per_tool ?? {}).map(([tool, b]) => ({ tool: `${tool} (${b.total})`, model: 'baseline', value: b.tool_accuracy })),
    ...Object.entries(finetuned?.report.per_tool ?? {}).map(([tool, b]) => ({ tool: `${tool} (${b.total})`, model: 'fine-tuned', value: b.tool_accuracy })),
  ];
  return {
    width: 300, height: { step: 11 },
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'tool', type: 'nominal', title: 'expected tool (cases)', sort: 'ascending' },
      yOffset: { field: 'model', sort: ['baseline', 'fine-tuned'] },
      x: { field: 'value', type: 'quantitative', title: 'tool accuracy', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
      color: { field: 'model', type: 'nominal', title: null, sort: ['baseline', 'fine-tuned'], scale: { range: ['#9498a0', '#4269d0'] } },
    },
  } as ChartSpec;
}

// The confusion table as HTML: right answers green, wrong ones red.
export function renderConfusion(conf: Confusion): string {
  const head = `<tr><th>expected ↓ / called →</th>${conf.columns.map((c) => `<th class="num">${escapeHtml(c)}</th>`).join('')}<th class="num">calls</th></tr>`;
  const body = conf.rows.map((r) => {
    const cells = conf.columns.map((c) => {
      const n = conf.counts[r]?.[c] ?? 0;
      const cls = n === 0 ? 'num' : c === r ? 'num diag' : 'num off';
      return `<td class="${cls}">${n || ''}</td>`;
    });
    const total = Object.values(conf.counts[r] ?? {}).reduce((a, b) => a + b, 0);
    return `<tr><th>${escapeHtml(r)}</th>${cells.join('')}<td class="num">${total}</td></tr>`;
  });
  return `<div class="scroll"><table class="confusion"><thead>${head}</thead><tbody>${body.join('')}</tbody></table></div>`;
}

// The fine-tuned model's score set for a case set: the best attempt's, else the last attempt's.
export function finetunedSet(data: RunData, set: ScoreSet['set']): ScoreSet | undefined {
  const best = data.summary.bestAttempt;
  const candidates = data.scores.filter((s) => s.set === set && s.model !== 'baseline');
  return candidates.find((s) => s.model === `attempt-${best}`) ?? candidates.at(-1);
}

// Renders the section; null when the run has no fine-tuned score with per-tool figures.
export async function renderToolsSection(data: RunData): Promise<Section | null> {
  const parts: string[] = [];
  for (const set of ['val', 'holdout', 'suite'] as const) {
    const fine = finetunedSet(data, set);
    if (!fine) continue;
    const base = data.scores.find((s) => s.set === set && s.model === 'baseline');
    const title = { val: 'Validation split', holdout: 'Held-out requests', suite: "The guide's fixed suite" }[set];
    const chart = await renderChart(buildPerToolChart(base, fine));
    const conf = fine.cases.length ? renderConfusion(buildConfusion(fine.cases, fine.predictions)) : '<p class="note">The cases of this set were not found in the run folder.</p>';
    parts.push(`<h3>${title} — ${escapeHtml(fine.model)}</h3><div class="side"><figure>${chart}</figure><div>${conf}</div></div>`);
  }
  if (parts.length === 0) return null;
  return {
    id: 'tools', title: 'Per tool',
    html: `<p class="note">The chart: tool accuracy per expected tool ("multi-step" for cases with several calls). The table: what the fine-tuned model called in place of each expected call, paired by position as the scorer pairs them (green: the right tool; red: another tool, no call, a block that does not parse, or a call where none was expected).</p>\n${parts.join('\n')}`,
  };
}
