// Problems found in a spec, located by key path and YAML line:column, and their rendering.

// One thing wrong with a spec: where (key path, line, column) and what.
export interface SpecProblem {
  path: string;
  line: number;
  column: number;
  message: string;
  excerpt?: string;
}

// Thrown (or carried in a failure's details) when a spec is invalid; holds every problem at once.
export class InvalidSpecError extends Error {
  constructor(
    readonly file: string,
    readonly problems: SpecProblem[],
  ) {
    super(formatProblems(file, problems));
    this.name = 'InvalidSpec';
  }
}

// Turns a key path array into the dotted form users read: remediation.below_threshold[1].lora_r.
export function formatKeyPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number' || /^\d+$/.test(seg)) out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out || '(root)';
}

// Shows the source line of a problem with a caret under its column.
export function renderExcerpt(source: string, line: number, column: number): string | undefined {
  const text = source.split(/\r?\n/)[line - 1];
  if (text === undefined) return undefined;
  const shown = text.length > 120 ? `${text.slice(0, 117)}...` : text;
  const gutter = String(line).padStart(4);
  return `${gutter} | ${shown}\n${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, Math.min(column, 120) - 1))}^`;
}

// The human-readable report of every problem, one block each, sorted by position.
export function formatProblems(file: string, problems: readonly SpecProblem[]): string {
  const sorted = [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
  const head = `${file}: ${sorted.length} problem${sorted.length === 1 ? '' : 's'}`;
  const blocks = sorted.map((p) => {
    const first = `${file}:${p.line}:${p.column}  ${p.path}: ${p.message}`;
    return p.excerpt ? `${first}\n${p.excerpt}` : first;
  });
  return [head, ...blocks].join('\n');
}
