/**
 * The built package, as users load it: `import` and `require` on Node 20.19+, and an open
 * breaker must never keep a process alive. Runs against `dist/`, built once here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const node = (args: string[]) =>
  spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 30_000 });

beforeAll(() => {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'pipe' });
});

describe('built package', () => {
  it('loads with import, both subpaths', () => {
    const run = node([
      '--input-type=module',
      '-e',
      `import { createBreaker } from 'tripstate';
       import { breakerMachine } from 'tripstate/machines';
       const b = createBreaker({ failureThreshold: 1 });
       b.tryAcquire().failure('network');
       console.log(b.state, breakerMachine.id);`,
    ]);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('open breaker');
  });

  it('loads with require', () => {
    const run = node([
      '-e',
      `const { createBreaker, isBrokenCircuitError } = require('tripstate');
       const { ERROR_CATEGORIES } = require('tripstate/machines');
       const b = createBreaker();
       console.log(b.state, typeof isBrokenCircuitError, ERROR_CATEGORIES.length);`,
    ]);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('closed function 16');
  });

  it('lets a process that opened a breaker exit at once', () => {
    const run = node([
      '--input-type=module',
      '-e',
      `import { createBreaker } from 'tripstate';
       const open = createBreaker({ failureThreshold: 1, minBackoffMs: 600000, maxBackoffMs: 600000 });
       open.tryAcquire().failure('network');
       const probing = createBreaker({ failureThreshold: 1, minBackoffMs: 0, maxBackoffMs: 0, probeTimeoutMs: 600000 });
       probing.tryAcquire().failure('network');
       probing.tryAcquire();
       console.log(open.state, probing.state);`,
    ]);
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('open halfOpen');
  });
});

/** The files `npm pack` puts in the tarball, as paths relative to the package root. */
function packedFiles(): Set<string> {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [pack] = JSON.parse(out) as [{ files: { path: string }[] }];
  return new Set(pack.files.map((f) => f.path));
}

/** Relative link and image targets of a Markdown file (anchors and URLs left out). */
function relativeLinks(markdown: string): string[] {
  const targets = [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '');
  return targets.filter((t) => !/^[a-z]+:/i.test(t) && !t.startsWith('#')).map((t) => t.replace(/#.*$/, ''));
}

describe('the npm tarball', () => {
  let files = new Set<string>();
  beforeAll(() => {
    files = packedFiles(); // after the build above
  });

  it('holds the LICENSE', () => {
    expect(files.has('LICENSE')).toBe(true);
  });

  it('holds every file the README and the shipped docs link to', () => {
    const missing: string[] = [];
    for (const doc of ['README.md', ...[...files].filter((f) => /^docs\/.*\.md$/.test(f))]) {
      for (const target of relativeLinks(readFileSync(join(root, doc), 'utf8'))) {
        const path = normalize(join(dirname(doc), target)).replace(/\/$/, '');
        if (!files.has(path) && ![...files].some((f) => f.startsWith(`${path}/`)))
          missing.push(`${doc} -> ${target}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('holds every source file a source map names, so stack traces point at files that exist', () => {
    const maps = [...files].filter((f) => f.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[] };
      for (const source of sources) {
        const path = normalize(join(dirname(map), source));
        if (!files.has(path)) missing.push(`${map} -> ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('declares in engines exactly the Node majors the suite runs on', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
    const script = readFileSync(join(root, 'scripts/test-node-versions.sh'), 'utf8');
    const extra = /NODE_MAJORS:-([\d ]+)\}/.exec(script)?.[1]?.split(' ') ?? [];
    // Under scripts/test-node-versions.sh, the machine's own Node ran the suite first.
    const machine = process.env['TRIPSTATE_MACHINE_NODE_MAJOR'] ?? process.versions.node.split('.')[0] ?? '';
    const tested = [...new Set([machine, ...extra])].sort();
    const declared = pkg.engines.node
      .split('||')
      .map((range) => /\^(\d+)\./.exec(range.trim())?.[1] ?? range);
    expect(declared.sort()).toEqual(tested);
  });
});

describe('the README on the npm page', () => {
  it('links to the published files on unpkg, leaving URLs and anchors alone', async () => {
    const { npmReadme } = await import('../scripts/npm-readme.mjs');
    expect(
      npmReadme(
        '[a](docs/api.md#events) ![b](./docs/images/x.png) [c](https://x.dev/y) [d](#top) [e](examples/)',
        'tripstate',
        '1.2.3',
      ),
    ).toBe(
      '[a](https://unpkg.com/tripstate@1.2.3/docs/api.md#events) ![b](https://unpkg.com/tripstate@1.2.3/docs/images/x.png) [c](https://x.dev/y) [d](#top) [e](https://unpkg.com/tripstate@1.2.3/examples/)',
    );
  });

  it('is rewritten in the tarball by npm pack, to files the tarball holds, and put back in the folder', () => {
    const work = mkdtempSync(join(tmpdir(), 'tripstate-readme-'));
    try {
      for (const entry of [
        'package.json',
        'README.md',
        'LICENSE',
        'docs',
        'examples',
        'scripts/npm-readme.mjs',
      ])
        cpSync(join(root, entry), join(work, entry), { recursive: true });
      const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
        cwd: work,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const [packed] = JSON.parse(out) as [{ filename: string; files: { path: string }[]; version: string }];
      const inTarball = new Set(packed.files.map((f) => f.path));
      const readme = execFileSync('tar', ['-xzOf', join(work, packed.filename), 'package/README.md'], {
        encoding: 'utf8',
      });
      expect(relativeLinks(readme)).toEqual([]);
      const base = `https://unpkg.com/tripstate@${packed.version}/`;
      const targets = [...readme.matchAll(/\]\((https:\/\/unpkg\.com\/[^)\s]+)\)/g)].map((m) => m[1] ?? '');
      expect(targets.length).toBeGreaterThan(10);
      const dead = targets
        .map((t) => t.replace(/#.*$/, ''))
        .filter((t) => !t.startsWith(base) || !inTarball.has(t.slice(base.length)))
        .filter((t) => !(t.endsWith('/') && [...inTarball].some((f) => f.startsWith(t.slice(base.length)))));
      expect(dead).toEqual([]);
      expect(readFileSync(join(work, 'README.md'), 'utf8')).toBe(
        readFileSync(join(root, 'README.md'), 'utf8'),
      );
      expect(existsSync(join(work, '.README.repository.md'))).toBe(false);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
