import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { browserTestsRun } from './browser.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const missing = '/nonexistent/chromium';

describe('the browser tests on a machine without Chromium', () => {
  it('skip outside CI, saying so in one line that tells how to enable them', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(browserTestsRun(missing, false)).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(
      /^dashboard browser tests skipped: \/nonexistent\/chromium is missing \(install/,
    );
    warn.mockRestore();
  });

  it('run in CI, so that a missing browser fails them', () => {
    expect(browserTestsRun(missing, true)).toBe(true);
  });

  it('let npm test start outside CI as a non-root user: ensure-debian exits 0 with one line', () => {
    const script = 'sh scripts/ensure-debian.sh --skip-outside-ci chromium /nonexistent/chromium';
    const outside = spawnSync('sh', ['-c', script], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] },
    });
    expect(outside.status).toBe(0);
    expect(outside.stderr.trim().split('\n')).toHaveLength(1);
    expect(outside.stderr).toMatch(/the tests that need chromium will be skipped/);
  });
});
