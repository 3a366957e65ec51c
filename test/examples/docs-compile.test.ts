/**
 * Every TypeScript example in README.md and docs/*.md compiles in a fresh project under
 * `strict` (and the other flags of the project's own tsconfig), against the packed tarball as a
 * user installs it, with both `moduleResolution: nodenext` and `bundler`. The package is built
 * and packed in a temporary folder (not in `dist/`, which test/package.test.ts builds at the
 * same time), and installed offline: the tarball and a tarball of the installed xstate. The
 * other packages the examples import (ai, zod, prom-client, ...) are linked from this
 * repository's node_modules. What the examples leave to the reader is declared in
 * ./doc-globals.ts; a block opts out only with a `<!-- not compiled: reason -->` line above it.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockFileName, codeBlocks, type CodeBlock, type SkippedBlock } from './code-blocks.js';
import { DOC_GLOBALS } from './doc-globals.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsc = join(root, 'node_modules/typescript/bin/tsc');
/** Packages the examples import besides tripstate and xstate, linked from this repository. */
const LINKED = [
  'ai',
  'zod',
  '@statelyai/inspect',
  'prom-client',
  '@opentelemetry/api',
  '@modelcontextprotocol/sdk',
  'cockatiel',
  'vitest',
  '@types/node',
];
/** What a user's strict tsconfig holds (the flags of this repository's tsconfig.json). */
const STRICT = {
  target: 'ES2022',
  lib: ['ES2023'],
  types: ['node'],
  strict: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  noFallthroughCasesInSwitch: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  skipLibCheck: true,
  noEmit: true,
};
const RESOLUTIONS = {
  nodenext: { module: 'NodeNext', moduleResolution: 'NodeNext' },
  bundler: { module: 'Preserve', moduleResolution: 'Bundler' },
} as const;

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The Markdown files a user reads: README.md and docs/*.md. */
function documents(): { blocks: CodeBlock[]; skipped: SkippedBlock[] } {
  const files = [
    'README.md',
    ...readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  const blocks: CodeBlock[] = [];
  const skipped: SkippedBlock[] = [];
  for (const file of files) {
    const found = codeBlocks(file, readFileSync(join(root, file), 'utf8'));
    blocks.push(...found.blocks);
    skipped.push(...found.skipped);
  }
  return { blocks, skipped };
}

/** Packs the library as `npm pack` would from a fresh build; returns the tarball's path. */
function pack(work: string): string {
  const pkg = join(work, 'package');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', join(pkg, 'dist')], {
    cwd: root,
    stdio: 'pipe',
  });
  for (const entry of ['package.json', 'README.md', 'LICENSE', 'src', 'machines', 'docs', 'examples']) {
    cpSync(join(root, entry), join(pkg, entry), { recursive: true });
  }
  const out = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], pkg);
  const [packed] = JSON.parse(out) as [{ filename: string }];
  return join(work, packed.filename);
}

/** A fresh project with the tarball installed offline; returns its folder. */
function freshProject(work: string, tarball: string): string {
  const project = join(work, 'project');
  mkdirSync(join(project, 'examples'), { recursive: true });
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'fresh', private: true, type: 'module' }),
  );
  const xstate = run(
    'npm',
    ['pack', join(root, 'node_modules/xstate'), '--ignore-scripts', '--silent', '--pack-destination', work],
    work,
  );
  run(
    'npm',
    [
      'install',
      '--offline',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      '--ignore-scripts',
      tarball,
      join(work, xstate.trim()),
    ],
    project,
  );
  for (const name of LINKED) {
    mkdirSync(dirname(join(project, 'node_modules', name)), { recursive: true });
    symlinkSync(join(root, 'node_modules', name), join(project, 'node_modules', name), 'dir');
  }
  writeFileSync(join(project, 'globals.d.ts'), DOC_GLOBALS);
  for (const [name, resolution] of Object.entries(RESOLUTIONS)) {
    const config = {
      compilerOptions: { ...STRICT, ...resolution },
      include: ['globals.d.ts', 'examples', 'wrong'],
    };
    writeFileSync(join(project, `tsconfig.${name}.json`), JSON.stringify(config, null, 2));
  }
  return project;
}

/** Compiles the project (examples and the wrong example); resolves with tsc's error lines. */
function compile(project: string, resolution: keyof typeof RESOLUTIONS): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`, '--pretty', 'false'], {
      cwd: project,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const errors = output.split('\n').filter((line) => /error TS\d+/.test(line));
      // No error line but a failed exit: tsc itself failed.
      if (errors.length === 0 && code !== 0) reject(new Error(`tsc exited with ${String(code)}: ${output}`));
      else resolve(errors);
    });
  });
}

/** Writes each block as a module of the project's examples/ folder. */
function writeExamples(project: string, blocks: readonly CodeBlock[]): void {
  for (const block of blocks) {
    writeFileSync(join(project, 'examples', blockFileName(block)), `${block.code}\nexport {};\n`);
  }
}

/**
 * An example that misuses the API, compiled beside the real ones: it proves the check can fail.
 * Line 2 passes a string for a number; line 4 hands `fn` a function that requires its signal
 * to a parameter typed as optional.
 */
const WRONG = [
  "import { createBreaker } from 'tripstate';",
  "const breaker = createBreaker({ failureThreshold: '5' });",
  'declare function fetchPage(signal: AbortSignal): Promise<string>;',
  'await breaker.execute((signal?: AbortSignal) => fetchPage(signal));',
  'export {};',
].join('\n');

describe('the examples in README.md and docs/', () => {
  const { blocks, skipped } = documents();
  let work = '';
  const errors = new Map<keyof typeof RESOLUTIONS, Promise<string[]>>();

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'tripstate-examples-'));
    const project = freshProject(work, pack(work));
    writeExamples(project, blocks);
    mkdirSync(join(project, 'wrong'));
    writeFileSync(join(project, 'wrong', 'misuse.ts'), WRONG);
    // Both compilations at once; each test awaits its own.
    for (const resolution of Object.keys(RESOLUTIONS) as (keyof typeof RESOLUTIONS)[]) {
      const result = compile(project, resolution);
      result.catch(() => undefined);
      errors.set(resolution, result);
    }
  });

  afterAll(async () => {
    await Promise.allSettled(errors.values());
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('are found, and each one left out says why', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(25);
    expect(blocks.filter((b) => b.file === 'README.md').length).toBeGreaterThanOrEqual(3);
    for (const s of skipped) expect(s.reason, `${s.file}:${s.line}`).toMatch(/\w{3,}/);
    expect(skipped.length).toBeLessThanOrEqual(2);
  });

  for (const resolution of Object.keys(RESOLUTIONS) as (keyof typeof RESOLUTIONS)[]) {
    it(`compile against the packed tarball under strict, moduleResolution ${resolution}`, async () => {
      const found = (await errors.get(resolution)) ?? ['not compiled'];
      expect(found.filter((line) => !line.startsWith('wrong/'))).toEqual([]);
    });
  }

  it('would fail on an example that misuses the API', async () => {
    for (const resolution of Object.keys(RESOLUTIONS) as (keyof typeof RESOLUTIONS)[]) {
      const wrong = ((await errors.get(resolution)) ?? []).filter((line) => line.startsWith('wrong/'));
      expect(wrong.some((line) => line.startsWith('wrong/misuse.ts(2,'))).toBe(true);
      expect(wrong.some((line) => line.startsWith('wrong/misuse.ts(4,') && line.includes('TS2345'))).toBe(
        true,
      );
    }
  });
});
