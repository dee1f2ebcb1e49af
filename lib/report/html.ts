// HTML building blocks for the report: escaping, tables and the page shell with its inline stylesheet.

// Escapes text for HTML element content and attribute values.
export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

// A cell: plain text (escaped) or pre-rendered HTML.
export type Cell = string | number | null | undefined | { html: string } | { text: string; cls: string };

// Renders one table cell's content.
function renderCell(cell: Cell): string {
  if (cell === null || cell === undefined) return '<span class="muted">—</span>';
  if (typeof cell === 'object') return 'html' in cell ? cell.html : `<span class="${escapeHtml(cell.cls)}">${escapeHtml(cell.text)}</span>`;
  return escapeHtml(cell);
}

// A table with a header row; `numeric` columns are right-aligned.
export function renderTable(header: string[], rows: Cell[][], opts: { numeric?: number[]; cls?: string } = {}): string {
  const numeric = new Set(opts.numeric ?? []);
  const th = header.map((h, i) => `<th${numeric.has(i) ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric.has(i) ? ' class="num"' : ''}>${renderCell(c)}</td>`).join('')}</tr>`).join('\n');
  const table = `<table${opts.cls ? ` class="${opts.cls}"` : ''}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
  return `<div class="scroll">${table}</div>`; // a table wider than its card scrolls inside it instead of spilling out
}

// A fraction 0..1 as a percentage with one decimal, or a dash.
export function pct(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? `${(value * 100).toFixed(1)} %` : '—';
}

// Seconds as "12.3 s" or "4 min 05 s".
export function seconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;
}

// Bytes as MB/GB with one decimal.
export function bytes(n: unknown): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '—';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e3).toFixed(1)} kB`;
}

// One section of the page: an anchor, a title, an optional note and the body.
export interface Section {
  id: string;
  title: string;
  html: string;
}

const CSS = `
:root { --fg:#1d1d28; --muted:#6b6b7b; --line:#e3e3ea; --bg:#fafafc; --good:#1a7f37; --bad:#c0392b; --warn:#9a6700; --accent:#4269d0; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:var(--bg); }
header { background:#fff; border-bottom:1px solid var(--line); padding:20px 32px; }
header h1 { margin:0 0 6px; font-size:22px; }
header .meta { color:var(--muted); font-size:13px; }
nav { padding:8px 32px; background:#fff; border-bottom:1px solid var(--line); font-size:13px; position:sticky; top:0; }
nav a { margin-right:14px; color:var(--accent); text-decoration:none; }
main { padding:8px 32px 48px; max-width:1240px; }
section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:16px 20px; margin:18px 0; }
section h2 { margin:0 0 10px; font-size:17px; }
section h3 { margin:16px 0 6px; font-size:14px; }
.note { color:var(--muted); font-size:12.5px; margin:4px 0 10px; }
.charts { display:flex; flex-wrap:wrap; gap:18px; align-items:flex-start; }
.charts figure, .side figure { margin:0; }
.side { display:flex; flex-wrap:wrap; gap:24px; align-items:flex-start; }
.side > * { min-width:0; max-width:100%; }
.charts figcaption { font-size:12px; color:var(--muted); text-align:center; }
table { border-collapse:collapse; margin:6px 0 10px; font-size:13px; }
th, td { border-bottom:1px solid var(--line); padding:4px 10px; text-align:left; vertical-align:top; }
th { background:#f3f3f7; font-weight:600; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
.badge { display:inline-block; padding:2px 10px; border-radius:12px; font-weight:600; font-size:13px; }
.badge.passed { background:#dafbe1; color:var(--good); } .badge.below_threshold { background:#fff8c5; color:var(--warn); }
.badge.failed, .badge.cancelled { background:#ffebe9; color:var(--bad); }
.good { color:var(--good); } .bad { color:var(--bad); } .warn { color:var(--warn); } .muted { color:var(--muted); }
.scroll { overflow-x:auto; max-width:100%; }
.confusion td.num { min-width:34px; } .confusion th { white-space:nowrap; } .confusion td.diag { background:#dafbe1; } .confusion td.off { background:#ffebe9; }
.path { font-family:ui-monospace,SFMono-Regular,Menlo,monospace; font-size:12px; }
pre { background:#f6f6f9; border:1px solid var(--line); border-radius:6px; padding:6px 8px; margin:2px 0; white-space:pre-wrap; word-break:break-word; font-size:12px; max-height:12em; overflow:auto; }
.failure { border-top:1px solid var(--line); padding:8px 0; }
.failure .id { font-weight:600; }
.pair { display:grid; grid-template-columns:1fr 1fr; gap:10px; }
.flow { display:flex; flex-wrap:wrap; align-items:center; gap:6px; margin:6px 0 10px; }
.flow .step { border:1px solid var(--line); border-radius:6px; padding:4px 10px; background:#f6f6f9; font-size:12.5px; }
.flow .arrow { color:var(--muted); }
`;

// The whole page: title bar, navigation to each section, the sections; no script, no external resource.
export function renderPage(title: string, headerHtml: string, sections: Section[]): string {
  const nav = sections.map((s) => `<a href="#${s.id}">${escapeHtml(s.title)}</a>`).join('');
  const body = sections.map((s) => `<section id="${s.id}"><h2>${escapeHtml(s.title)}</h2>\n${s.html}\n</section>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body><header>${headerHtml}</header><nav>${nav}</nav><main>
${body}
</main></body></html>
`;
}
