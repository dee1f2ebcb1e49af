// The run's HTML report: one self-contained file (inline SVG charts and CSS, no script, no network) built
// from the run folder. The report activity writes it at the end of every run; `tooltune report` rebuilds it.
import { writeFileAtomic } from '../atomic-write';
import { resolveInside } from '../paths';
import { escapeHtml, renderPage, type Section } from './html';
import { describeThisMachine, formatMachine } from './machine';
import { loadRunData, type MachineInfo, type ReportSummary, type RunData } from './run-data';
import { renderCostsSection } from './sections/costs';
import { renderFailuresSection } from './sections/failures';
import { renderLevelsSection } from './sections/levels';
import { renderRemediationSection } from './sections/remediation';
import { renderToolsSection } from './sections/tools';
import { renderTrainingSection } from './sections/training';
import { renderVariantsSection } from './sections/variants';

// What `tooltune report` and `compare` need besides the page itself.
export { loadRunData, readSummary, type ReportSummary, type RunData } from './run-data';
// One percentage format for report.md and report.html.
export { pct } from './html';
// report.md's section on the quantized variants and the benchmark.
export { escapeMarkdownCell, renderVariantsMarkdown } from './markdown-variants';

// Renders the page from the run's data; sections without data are left out.
export async function renderHtmlReport(data: RunData, machine: MachineInfo = describeThisMachine(), now = new Date()): Promise<string> {
  const s = data.summary;
  const sections = [
    await renderLevelsSection(data),
    await renderTrainingSection(data),
    renderRemediationSection(data),
    await renderToolsSection(data),
    await renderVariantsSection(data),
    renderCostsSection(data, machine),
    renderFailuresSection(data),
  ].filter((x): x is Section => x !== null);
  const status = s.status ?? 'unknown';
  const header = `<h1>tooltune run ${escapeHtml(s.workflowId ?? '')} <span class="badge ${escapeHtml(status)}">${escapeHtml(status.replace(/_/g, ' '))}</span></h1>
<div class="meta">spec <b>${escapeHtml(s.spec ?? '?')}</b> · model <b>${escapeHtml(s.model ?? '?')}</b>${s.reason ? ` · ${escapeHtml(s.reason)}` : ''}</div>
<div class="meta">run folder <span class="path">${escapeHtml(data.runDir)}</span> · report made ${escapeHtml(now.toISOString().replace('T', ' ').slice(0, 19))} UTC on ${escapeHtml(formatMachine(machine))}</div>`;
  return renderPage(`tooltune ${s.workflowId ?? 'run'}`, header, sections);
}

// Builds report.html in the run folder from the given summary (atomically); returns its path.
export async function writeHtmlReport(runDir: string, summary: ReportSummary): Promise<string> {
  const file = resolveInside(runDir, 'report.html');
  const data = await loadRunData(runDir, summary);
  await writeFileAtomic(file, await renderHtmlReport(data));
  return file;
}
