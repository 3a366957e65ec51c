import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { toDot, toMermaid } from '../../src/diagram/index.js';
import { breakerMachine, registryMachine } from '../../machines/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    cwd: root,
  });
  return { code, stdout, stderr };
}

describe('tripstate diagram', () => {
  it('prints the breaker as Mermaid by default and as dot with --format dot', async () => {
    expect(await cli('diagram')).toEqual({ code: 0, stdout: toMermaid(breakerMachine), stderr: '' });
    const dot = await cli('diagram', '--machine', 'breaker', '--format', 'dot');
    expect(dot).toEqual({ code: 0, stdout: toDot(breakerMachine), stderr: '' });
  });

  it('prints the registry machine with its states running and recoveryPause', async () => {
    const result = await cli('diagram', '--machine', 'registry');
    expect(result).toEqual({ code: 0, stdout: toMermaid(registryMachine), stderr: '' });
    expect(result.stdout).toMatch(/^stateDiagram-v2\n/);
    for (const key of Object.keys(registryMachine.root.states)) {
      expect(result.stdout).toMatch(new RegExp(`^ {2}state ".*" as ${key}$`, 'm'));
    }
    expect(result.stdout).toMatch(/^ {2}state "running" as running$/m);
    expect(result.stdout).toMatch(/^ {2}state "recoveryPause\b.*" as recoveryPause$/m);
    expect(result.stdout).toMatch(/^ {2}running --> recoveryPause : /m);
    expect(result.stdout).toMatch(/^ {2}recoveryPause --> running : /m);
  });

  it.each([
    [['diagram', '--machine', 'toaster'], /--machine must be one of breaker, registry; got "toaster"/],
    [['diagram', '--format', 'svg'], /--format must be one of mermaid, dot; got "svg"/],
    [['diagram', '--colour'], /Unknown option '--colour'/],
    [['diagram', 'breaker'], /positional/i],
    [['diagram', '--write-docs', '--format', 'dot'], /do not apply/],
    [['diagram', '--docs', 'README.md'], /--docs applies only to --write-docs \/ --check/],
    [['diagrams'], /unknown command "diagrams"/],
    [[], /Usage: tripstate <command>/],
  ])('rejects %j with a usage error and exit code 2', async (argv, message) => {
    const result = await cli(...argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/Usage: tripstate/);
  });

  it('rewrites a stale embedded diagram with --write-docs, which --check then accepts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tripstate-docs-')), 'chart.md');
    writeFileSync(
      file,
      '# Chart\n\n<!-- generated-diagram breaker -->\n\nstale\n\n<!-- /generated-diagram -->\n',
    );
    const stale = await cli('diagram', '--check', '--docs', file);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('--write-docs');
    expect((await cli('diagram', '--write-docs', '--docs', file)).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain(toMermaid(breakerMachine));
    expect((await cli('diagram', '--check', '--docs', file)).code).toBe(0);
  });

  it('rewrites every file named by a repeated --docs, as the docs/statechart.md + README.md command does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tripstate-docs-'));
    const stale = '<!-- generated-diagram breaker -->\n\nstale\n\n<!-- /generated-diagram -->\n';
    const files = ['statechart.md', 'README.md'].map((name) => join(dir, name));
    for (const file of files) writeFileSync(file, stale);
    const check = await cli('diagram', '--check', '--docs', files[0]!, '--docs', files[1]!);
    expect(check.code).toBe(1);
    for (const file of files) expect(check.stderr).toContain(`--write-docs --docs ${file}`);
    expect((await cli('diagram', '--write-docs', '--docs', files[0]!, '--docs', files[1]!)).code).toBe(0);
    for (const file of files) expect(readFileSync(file, 'utf8')).toContain(toMermaid(breakerMachine));
  });

  it.each([
    ['a missing file', 'nope.md', /^tripstate diagram: cannot read nope\.md: no such file or directory\n$/],
    ['a directory', 'docs', /^tripstate diagram: cannot read docs: illegal operation on a directory\n$/],
  ])('says it cannot read %s, without a stack trace, and exits 2', async (_what, file, message) => {
    for (const mode of ['--check', '--write-docs']) {
      const result = await cli('diagram', mode, '--docs', file);
      expect(result).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(message) as string });
    }
  });

  it('exits with code 2 from the real entry point on a bad flag', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'diagram', '--format'],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/argument missing|--format/);
  });
});
