// `tooltune report <workflow-id | run folder> [--open]`: rebuilds a run's report.md and report.html from its
// summary.json and the files in its folder (after an upgrade, or for a run whose report stage failed).
import { writeReportPages } from '../../activities/report';
import { readSummary } from '../../lib/report';
import { expectPositionals, type Command } from '../command';
import { say } from '../io';
import { resolveRunFolder } from '../run-folder';
import { openInBrowser } from '../open-file';

// The command's definition for cli/main.ts.
export const reportCommand: Command = {
  name: 'report',
  summary: "Rebuild a run's report.md and report.html (charts, costs, failures) from its folder",
  usage: 'tooltune report <workflow-id | run folder> [--open] [--json]\n  --open  open report.html in the default browser\n  --json  print {"runDir", "html", "markdown"} instead of the path of report.html',
  options: { open: { type: 'boolean' }, json: { type: 'boolean' } },
  async run({ values, positionals }) {
    const [target] = expectPositionals(positionals, ['workflow-id | run folder']) as [string];
    const runDir = await resolveRunFolder(target);
    const { html_path: html, report_path: markdown } = await writeReportPages(runDir, await readSummary(runDir));
    say(values.json ? JSON.stringify({ runDir, html, markdown }) : html);
    if (values.open) await openInBrowser(html);
    return 0;
  },
};
