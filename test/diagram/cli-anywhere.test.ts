import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import pkg from '../../package.json' with { type: 'json' };

/** Runs the CLI in `cwd`, as a user's project (not this repository) would. */
async function cliIn(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd });
  return { code, stdout, stderr };
}

describe('the tripstate CLI in a project of its own', () => {
  const project = mkdtempSync(join(tmpdir(), 'tripstate-user-'));

  it('prints its version with --version and -v', async () => {
    expect(await cliIn(project, '--version')).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    expect((await cliIn(project, '-v')).stdout).toBe(`${pkg.version}\n`);
  });

  it('suggests the command meant by a typo', async () => {
    const result = await cliIn(project, 'dashbaord');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command "dashbaord" \(did you mean dashboard\?\)/);
  });

  it('explains --check without a docs file instead of failing to read one', async () => {
    const result = await cliIn(project, 'diagram', '--check');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /there is no docs\/statechart\.md here to check\. Name your Markdown file with --docs <file>/,
    );
    expect(result.stderr).not.toMatch(/cannot read/);
  });

  it('checks and writes a diagram embedded in the project own Markdown file', async () => {
    const file = join(project, 'ARCHITECTURE.md');
    writeFileSync(file, '# Breakers\n\n<!-- generated-diagram breaker -->\n<!-- /generated-diagram -->\n');
    const stale = await cliIn(project, 'diagram', '--check', '--docs', 'ARCHITECTURE.md');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/run: tripstate diagram --write-docs --docs ARCHITECTURE\.md/);
    expect((await cliIn(project, 'diagram', '--write-docs', '--docs', 'ARCHITECTURE.md')).code).toBe(0);
    expect((await cliIn(project, 'diagram', '--check', '--docs', 'ARCHITECTURE.md')).code).toBe(0);
  });
});
