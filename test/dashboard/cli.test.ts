import { afterEach, describe, expect, it, vi } from 'vitest';
import { dashboardCommand } from '../../src/dashboard/cli.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('tripstate dashboard', () => {
  it('exits 2 with the usage for a bad argument, before serving anything', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    for (const argv of [['--bogus'], ['--port'], ['--port', '70000'], ['--tools', '-1']]) {
      expect(await dashboardCommand(argv)).toBe(2);
    }
    expect(String(stderr.mock.calls[0]?.[0])).toMatch(
      /unknown argument: --bogus[\s\S]*usage: tripstate dashboard/,
    );
  });

  it('prints the usage for --help and exits 0', async () => {
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await dashboardCommand(['--help'])).toBe(0);
    expect(String(stdout.mock.calls[0]?.[0])).toContain('--controls');
  });

  it('serves the demo until SIGINT, then exits 0', async () => {
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const exit = dashboardCommand(['--port', '0', '--tools', '20']);
    await vi.waitFor(() => expect(stdout.mock.calls.flat().join('')).toMatch(/http:\/\/127\.0\.0\.1:\d+\//));
    const url = /http:\S+/.exec(stdout.mock.calls.flat().join(''))![0];
    const snapshot = (await (await fetch(new URL('api/snapshot', url))).json()) as { rows: unknown[] };
    expect(snapshot.rows).toHaveLength(27);
    process.emit('SIGINT');
    expect(await exit).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });
});
