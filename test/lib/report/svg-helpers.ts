// Reading the report's HTML back in tests: its sections and the data marks of its SVG charts (vega writes
// an aria-label per data mark, e.g. "step: 25; loss: 3.92; attempt: attempt 1").

// The ids of the sections the page holds, in order.
export function sectionIds(html: string): string[] {
  return [...html.matchAll(/<section id="([a-z-]+)">/g)].map((m) => m[1] as string);
}

// The HTML of one section.
export function sectionOf(html: string, id: string): string {
  const m = new RegExp(`<section id="${id}">([\\s\\S]*?)</section>`).exec(html);
  if (!m) throw new Error(`no section ${id}`);
  return m[1] as string;
}

// The aria-labels of the data marks in some HTML whose label matches `pattern`.
export function marksOf(html: string, pattern: RegExp): string[] {
  return [...html.matchAll(/aria-label="([^"]*)"/g)].map((m) => (m[1] as string).replace(/&#39;/g, "'").replace(/&amp;/g, '&')).filter((l) => pattern.test(l));
}

// The SVG charts in some HTML.
export function svgsOf(html: string): string[] {
  return [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);
}
