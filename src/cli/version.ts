import { readFileSync } from 'node:fs';

/**
 * The installed tripstate version, read from the package's own package.json: the nearest one
 * above this module named `tripstate` (one level up in a checkout, two in the built package).
 */
export function packageVersion(): string {
  let url = new URL('.', import.meta.url);
  for (let depth = 0; depth < 5; depth++) {
    url = new URL('..', url);
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', url), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === 'tripstate' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // No package.json at this level: look one higher.
    }
  }
  return 'unknown';
}
