import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, as `.ci/run` and `scripts/ensure-debian.sh` install it. */
export const CHROMIUM = '/usr/bin/chromium';

/** True when running in CI (`CI=true`), where a missing browser is a failure, never a skip. */
export const IN_CI = /^(1|true)$/i.test(process.env['CI'] ?? '');

/**
 * Whether the browser tests run: always in CI (a missing browser then fails them), elsewhere
 * only when Chromium is installed. When they cannot run, one line says so and how to enable them.
 */
export function browserTestsRun(chromium = CHROMIUM, ci = IN_CI): boolean {
  if (ci || existsSync(chromium)) return true;
  console.warn(
    `dashboard browser tests skipped: ${chromium} is missing (install Debian's chromium package, e.g. sh scripts/ensure-debian.sh chromium /usr/bin/chromium as root; with CI=true they fail instead)`,
  );
  return false;
}

/** Where screenshots of the browser tests go (gitignored). */
export const ARTIFACTS = 'test-results/dashboard';

/** Launches headless Chromium with the flags this machine's closed network needs. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: run sh scripts/ensure-debian.sh chromium /usr/bin/chromium (apt-get install -y chromium)`,
    );
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
