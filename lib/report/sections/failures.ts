// Section "Failures": each failing case of the fine-tuned model on the validation split (and the held-out
// set when scored): the request, the expected call, what the model wrote and why it failed.
import { renderToolCall } from '../../tool-call/syntax';
import { escapeHtml, type Section } from '../html';
import type { RunData } from '../run-data';
import { finetunedSet } from './tools';

const MAX_SHOWN = 25;
const MAX_OUTPUT = 600;

// A call in the project's syntax; JSON when the call cannot be rendered (a name that is no identifier).
function renderCall(call: Parameters<typeof renderToolCall>[0]): string {
  try {
    return renderToolCall(call);
  } catch {
    return JSON.stringify(call);
  }
}

// Renders the section; null when the fine-tuned model has no failure on record.
export function renderFailuresSection(data: RunData): Section | null {
  const parts: string[] = [];
  for (const set of ['val', 'holdout'] as const) {
    const fine = finetunedSet(data, set);
    const failures = fine?.report.failures ?? [];
    if (!fine || failures.length === 0) continue;
    const cases = new Map(fine.cases.map((c) => [c.id, c]));
    const outputs = new Map(fine.predictions.map((p) => [p.id, p.output]));
    const items = failures.slice(0, MAX_SHOWN).map((f) => {
      const c = cases.get(f.id);
      const expected = c ? (c.expected.length ? c.expected.map(renderCall).join('\n') : '(no call: a plain answer)') : '?';
      const out = outputs.get(f.id);
      const shown = out === undefined ? '(no prediction)' : out.length > MAX_OUTPUT ? `${out.slice(0, MAX_OUTPUT)} … (${out.length} characters)` : out;
      return `<div class="failure"><div><span class="id">${escapeHtml(f.id)}</span> <span class="muted">${escapeHtml([c?.category, c?.difficulty].filter(Boolean).join(', '))}</span></div>
<div>request: ${escapeHtml(c?.query ?? '?')}</div>
<div class="pair"><div><div class="muted">expected</div><pre>${escapeHtml(expected)}</pre></div><div><div class="muted">output</div><pre>${escapeHtml(shown)}</pre></div></div>
<div class="muted">why: ${escapeHtml(f.reasons.join('; '))}</div></div>`;
    });
    const title = set === 'val' ? 'Validation split' : 'Held-out requests';
    const more = fine.report.failed > items.length ? ` (the first ${items.length} of ${fine.report.failed})` : '';
    parts.push(`<h3>${title} — ${escapeHtml(fine.model)}: ${fine.report.failed} of ${fine.report.total} cases fail${more}</h3>\n${items.join('\n')}`);
  }
  if (parts.length === 0) return null;
  return { id: 'failures', title: 'Failures', html: parts.join('\n') };
}
