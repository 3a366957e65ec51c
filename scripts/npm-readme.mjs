#!/usr/bin/env node
/**
 * The README on the npm page. npmjs.com resolves a README's relative links against the
 * package's `repository`, and tripstate names none, so `docs/registry.md` would be a dead link
 * there. The docs, images and examples ship in the tarball, so a link to the published file on
 * unpkg (https://unpkg.com/tripstate@<version>/docs/registry.md) works on the npm page and in
 * any package viewer. In the repository the README keeps its relative links.
 *
 *   node scripts/npm-readme.mjs prepack    # README.md rewritten for the tarball; the original kept
 *   node scripts/npm-readme.mjs postpack   # README.md put back
 *
 * npm runs both around `npm pack` and `npm publish` (package.json `prepack`/`postpack`).
 */
// @ts-check
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

/** Where prepack keeps the repository's README until postpack puts it back (not packed). */
export const KEPT = '.README.repository.md';

/**
 * The README with every relative link and image target (`](docs/x.md#anchor)`) made an
 * absolute unpkg URL of this package and version; URLs, `mailto:` and `#anchors` unchanged.
 * @param {string} markdown
 * @param {string} name
 * @param {string} version
 * @returns {string}
 */
export function npmReadme(markdown, name, version) {
  const base = `https://unpkg.com/${name}@${version}/`;
  return markdown.replace(/\]\(([^)\s]+)\)/g, (/** @type {string} */ whole, /** @type {string} */ target) =>
    /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#') || target.startsWith('/')
      ? whole
      : `](${base}${target.replace(/^\.\//, '')})`,
  );
}

/** @param {string | undefined} command */
function main(command) {
  if (command === 'prepack') {
    if (existsSync(KEPT)) {
      throw new Error(
        `npm-readme: ${KEPT} exists: an earlier pack did not finish; put it back as README.md (or run: node scripts/npm-readme.mjs postpack) first`,
      );
    }
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- package.json's own name and version
    const { name, version } = /** @type {{ name: string; version: string }} */ (
      JSON.parse(readFileSync('package.json', 'utf8'))
    );
    const readme = readFileSync('README.md', 'utf8');
    renameSync('README.md', KEPT);
    writeFileSync('README.md', npmReadme(readme, name, version));
  } else if (command === 'postpack') {
    if (existsSync(KEPT)) renameSync(KEPT, 'README.md');
  } else {
    throw new Error('usage: node scripts/npm-readme.mjs prepack|postpack');
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv[2]);
