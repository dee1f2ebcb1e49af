// scripts/screenshot-report.sh takes a headless Chromium screenshot of a run's report.html (skipped where
// no Chromium is installed: `apt-get install -y chromium`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { loadRunData, readSummary, renderHtmlReport } from '../../lib/report';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'report', 'tiny-run');

// Whether a Chromium binary is on the PATH.
function hasChromium(): boolean {
  for (const b of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      execFileSync('which', [b], { stdio: 'ignore' });
      return true;
    } catch {
      // try the next name
    }
  }
  return false;
}

describe.runIf(hasChromium())('screenshot-report.sh', () => {
  it('writes a PNG of the requested width for a run folder', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tooltune-shot-'));
    try {
      writeFileSync(path.join(dir, 'report.html'), await renderHtmlReport(await loadRunData(FIXTURE, await readSummary(FIXTURE))));
      const out = path.join(dir, 'shot.png');
      const r = await execa('bash', [path.join(ROOT, 'scripts', 'screenshot-report.sh'), dir, out, '900', '1200'], { reject: false, timeout: 60_000 });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe(out);
      const png = readFileSync(out);
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([900, 1200]);
      const missing = await execa('bash', [path.join(ROOT, 'scripts', 'screenshot-report.sh'), path.join(dir, 'nothing-here')], { reject: false });
      expect(missing.exitCode).toBe(1);
      expect(missing.stderr).toContain('not found');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
