import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { toDot, toMermaid } from '../../src/diagram/index.js';
import { breakerMachine } from '../../machines/index.js';

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

  it('prints the registry machine, or says clearly that it is missing', async () => {
    const result = await cli('diagram', '--machine', 'registry');
    if (result.code === 0) expect(result.stdout).toMatch(/^stateDiagram-v2\n/);
    else expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining('registryMachine') });
  });

  it.each([
    [['diagram', '--machine', 'toaster'], /--machine must be one of breaker, registry; got "toaster"/],
    [['diagram', '--format', 'svg'], /--format must be one of mermaid, dot; got "svg"/],
    [['diagram', '--colour'], /Unknown option '--colour'/],
    [['diagram', 'breaker'], /positional/i],
    [['diagram', '--write-docs', '--format', 'dot'], /do not apply/],
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
