import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/run.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs `tripstate dashboard …` in this process, capturing what it writes. */
function dashboard(...args: string[]) {
  const out = { stdout: '', stderr: '' };
  const code = runCli(['dashboard', ...args], {
    stdout: (text) => (out.stdout += text),
    stderr: (text) => (out.stderr += text),
    cwd: process.cwd(),
  });
  return { out, code };
}

/** Serves until the URL is printed, checks the demo's snapshot, then stops with SIGINT. */
async function servedUrl(...args: string[]): Promise<URL> {
  const { out, code } = dashboard(...args);
  await vi.waitFor(() => expect(out.stdout).toMatch(/http:\/\/\S+\//));
  const url = new URL(/http:\/\/\S+\//.exec(out.stdout)![0]);
  const res = await fetch(new URL('api/snapshot', url));
  expect(res.status).toBe(200);
  process.emit('SIGINT');
  expect(await code).toBe(0);
  expect(out.stderr).toBe('');
  return url;
}

describe('tripstate dashboard', () => {
  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--port'], /argument missing/],
    [['--port', ''], /--port must be a decimal integer in 0\.\.65535, got ""/],
    [['--port='], /--port must be a decimal integer in 0\.\.65535, got ""/],
    [['--port', '70000'], /--port must be a decimal integer in 0\.\.65535, got "70000"/],
    [['--port', '0x10'], /--port must be a decimal integer in 0\.\.65535, got "0x10"/],
    [['--port', '1e3'], /--port must be a decimal integer in 0\.\.65535, got "1e3"/],
    [['--port', ' 80'], /--port must be a decimal integer/],
    [['--port=-1'], /--port must be a decimal integer/],
    [['--port', '80.0'], /--port must be a decimal integer/],
    [['--tools', '-1'], /Option '--tools' argument is ambiguous/],
    [['--tools=-1'], /--tools must be a decimal integer in 0\.\.100000, got "-1"/],
    [['--tools', '100001'], /--tools must be a decimal integer in 0\.\.100000/],
    [['--host', ''], /--host must be an IP address or a host name, got ""/],
    [['--host', 'http://127.0.0.1'], /--host must be an IP address or a host name/],
    [['--host', 'bad host'], /--host must be an IP address or a host name/],
    [['--controls=yes'], /does not take an argument/],
    [['serve'], /positional/i],
  ])('exits 2 with the message and the usage for %j', async (args, message) => {
    const { out, code } = dashboard(...args);
    expect(await code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^tripstate dashboard: /);
    expect(out.stderr).toMatch(message);
    expect(out.stderr).toMatch(/Usage: tripstate dashboard \[--port <n>\]/);
  });

  it('prints the usage for --help and exits 0', async () => {
    const { out, code } = dashboard('--help');
    expect(await code).toBe(0);
    expect(out.stdout).toContain('--controls');
    expect(out.stderr).toBe('');
  });

  it('serves the demo until SIGINT, then exits 0', async () => {
    const { out, code } = dashboard('--port', '0', '--tools', '20');
    await vi.waitFor(() => expect(out.stdout).toMatch(/http:\/\/127\.0\.0\.1:\d+\//));
    const url = /http:\S+/.exec(out.stdout)![0];
    const snapshot = (await (await fetch(new URL('api/snapshot', url))).json()) as { rows: unknown[] };
    expect(snapshot.rows).toHaveLength(27);
    process.emit('SIGINT');
    expect(await code).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('takes --port=<n> and --host=<addr> as well as separate values', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    const url = await servedUrl(`--port=${port}`, '--host=127.0.0.1');
    expect(url.port).toBe(String(port));
  });

  it('binds [::1] given in brackets or bare', async () => {
    const loopback6 = await new Promise<boolean>((resolve) => {
      const probe = createServer().once('error', () => resolve(false));
      probe.listen(0, '::1', () => probe.close(() => resolve(true)));
    });
    if (!loopback6) return; // no IPv6 loopback in this environment
    for (const host of ['[::1]', '::1']) {
      expect((await servedUrl('--port', '0', '--host', host)).hostname).toBe('[::1]');
    }
  });

  it('exits 1 when the port cannot be bound', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const { out, code } = dashboard('--port', String(port));
      expect(await code).toBe(1);
      expect(out.stderr).toMatch(/^tripstate dashboard: cannot serve: .*EADDRINUSE/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
