// Section "Attempts and remediation": the path the run took, attempt by attempt: the branch of the
// guide's troubleshooting table that led to it, the settings it changed, and how it scored.
import { escapeHtml, pct, renderTable, type Section } from '../html';
import type { RunData } from '../run-data';

const BRANCH_TEXT: Record<string, string> = {
  initial: 'the spec as written',
  below_threshold: 'below thresholds',
  overfitting: 'overfitting',
  out_of_memory: 'out of memory',
};

// Renders the section; null when no attempt ran.
export function renderRemediationSection(data: RunData): Section | null {
  const attempts = data.summary.attempts ?? [];
  if (attempts.length === 0) return null;
  const best = data.summary.bestAttempt;
  const flow = attempts.map((a) => {
    const changes = Object.entries(a.overrides ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
    return `<span class="step">${a.attempt === best ? '★ ' : ''}attempt ${a.attempt}: ${escapeHtml(BRANCH_TEXT[a.branch] ?? a.branch)}${changes ? ` → ${escapeHtml(changes)}` : ''} <b>${escapeHtml(a.status)}</b></span>`;
  });
  const rows = attempts.map((a) => [
    a.attempt === best ? `${a.attempt} ★` : a.attempt,
    BRANCH_TEXT[a.branch] ?? a.branch,
    Object.entries(a.overrides ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') || null,
    { text: a.status, cls: a.status === 'passed' ? 'good' : a.status === 'running' ? 'muted' : 'warn' },
    (a.failed_thresholds ?? []).join(', ') || null,
    pct(a.metrics?.tool_accuracy), pct(a.metrics?.param_accuracy), pct(a.train_metrics?.tool_accuracy),
  ]);
  const ended = data.summary.reason ? `<p class="note">The run ended: ${escapeHtml(data.summary.reason)}${data.summary.stoppedEarly ? ' (stopped early: export and quantization skipped)' : ''}.</p>` : '';
  return {
    id: 'remediation', title: 'Attempts and remediation',
    html: `<div class="flow">${flow.join('<span class="arrow">→</span>')}</div>
${renderTable(['#', 'Why it ran', 'Settings changed (against the spec)', 'Outcome', 'Thresholds missed', 'Tool acc. (val)', 'Param acc. (val)', 'Tool acc. (train sample)'], rows, { numeric: [5, 6, 7] })}
${ended}<p class="note">★ the best attempt, whose adapter the run keeps.</p>`,
  };
}
