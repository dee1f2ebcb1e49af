// The error the dataset stage throws for input it cannot use: every problem, each placed at file:line.

// One problem; line is 1-based, or 0 when it concerns a whole file or the config.
export interface DatasetIssue {
  file: string;
  line: number;
  message: string;
}

// Thrown with ALL the problems found, so a user fixes them in one pass; no retry can fix it.
export class DatasetError extends Error {
  readonly issues: DatasetIssue[];
  constructor(summary: string, issues: DatasetIssue[]) {
    super(`${summary}:\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
    this.name = 'DatasetError';
    this.issues = issues;
  }
}

// `file:line: message`, or `file: message` for whole-file problems.
export function formatIssue(issue: DatasetIssue): string {
  return issue.line > 0 ? `${issue.file}:${issue.line}: ${issue.message}` : `${issue.file}: ${issue.message}`;
}
