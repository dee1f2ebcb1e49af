// `tooltune compare <id | folder>...`: runs side by side: the settings that differ and the headline figures
// as a terminal table, plus an HTML page with charts.
import path from 'node:path';
import { writeFileAtomic } from '../../lib/atomic-write';
import { loadRunData, readSummary } from '../../lib/report';
import { compareRuns, formatValue, renderCompareHtml, type Comparison } from '../../lib/report/compare';
import { UsageError, out, say } from '../io';
import type { Command } from '../command';
import { openInBrowser } from '../open-file';
import { resolveRunFolder } from '../run-folder';

// The comparison as aligned terminal columns: figures first, then the settings that differ.
export function formatCompareTable(cmp: Comparison, maxWidth = 40): string[] {
  const clip = (s: string) => (s.length > maxWidth ? `${s.slice(0, maxWidth - 1)}…` : s);
  const rows: string[][] = [['', ...cmp.runs.map((r) => r.id)], ...cmp.figures.map((f) => [f.label, ...f.values])];
  const settingRows = cmp.settings.map((s) => [s.key, ...s.values.map(formatValue)]);
  const all = [...rows, ...settingRows].map((r) => r.map(clip));
  const widths = all[0]!.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const lines = all.slice(0, rows.length).map(line);
  lines[0] = out.bold(lines[0]!);
  lines.push('', out.bold(cmp.settings.length ? 'settings that differ' : 'settings: the resolved specs are identical'));
  lines.push(...all.slice(rows.length).map(line));
  return lines;
}

// The command's definition for cli/main.ts.
export const compareCommand: Command = {
  name: 'compare',
  summary: 'Put runs side by side: settings that differ, figures, charts (terminal + HTML)',
  usage: 'tooltune compare <workflow-id | run folder>... [--out compare.html] [--open] [--json]\n  --out   where to write the HTML page (default: tooltune-compare.html in the current folder)\n  --open  open the page in the default browser\n  --json  print the comparison as one JSON object',
  options: { out: { type: 'string' }, open: { type: 'boolean' }, json: { type: 'boolean' } },
  async run({ values, positionals }) {
    if (positionals.length < 2) throw new UsageError(`give at least two runs to compare (got ${positionals.length})`);
    const runs = [];
    for (const target of positionals) {
      const dir = await resolveRunFolder(target);
      runs.push(await loadRunData(dir, await readSummary(dir)));
    }
    const cmp = compareRuns(runs);
    const file = path.resolve(typeof values.out === 'string' ? values.out : 'tooltune-compare.html');
    await writeFileAtomic(file, await renderCompareHtml(runs, cmp));
    if (values.json) say(JSON.stringify({ ...cmp, html: file }));
    else {
      for (const l of formatCompareTable(cmp)) say(l);
      say(`\nHTML: ${file}`);
    }
    if (values.open) await openInBrowser(file);
    return 0;
  },
};
