import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotMessage } from '../../src/dashboard/feed.js';
import { SseClient } from '../dashboard/sse.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** Runs the demo as `npm run demo` does, with stdout a pipe (not a TTY); the 30 s bound kills it. */
async function demo(...args: string[]): Promise<{ stdout: string }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/demo/main.ts', ...args], {
    cwd: root,
    timeout: 30_000,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { stdout };
}

interface Row {
  state: string;
  calls: number;
  ok: number;
  failed: number;
  rejected: number;
  opens: number;
  fails: number;
  last: string;
}

/** The summary table, by tool. */
function summary(stdout: string): Map<string, Row> {
  const lines = stdout.slice(stdout.indexOf('\nsummary after')).split('\n');
  const rows = new Map<string, Row>();
  for (const line of lines.slice(lines.findIndex((l) => l.startsWith('-----')) + 1)) {
    const cells = line.trim().split(/\s+/);
    if (cells.length < 8) continue;
    const [tool, state, calls, ok, failed, rejected, opens, fails] = cells as [string, ...string[]];
    rows.set(tool, {
      state: state!,
      calls: Number(calls),
      ok: Number(ok),
      failed: Number(failed),
      rejected: Number(rejected),
      opens: Number(opens),
      fails: Number(fails),
      last: cells.at(-1)!,
    });
  }
  return rows;
}

describe('npm run demo (non-TTY)', () => {
  let output: { stdout: string };
  let rows: Map<string, Row>;
  beforeAll(async () => {
    output = await demo();
    rows = summary(output.stdout);
  }, 40_000);

  it('runs to completion (within the 30 s the child process is given), with plain lines and no ANSI codes', () => {
    expect(output.stdout).toContain('summary after 180 s simulated');
    expect(output.stdout).not.toContain('\x1b[');
    expect(output.stdout).toMatch(/^\[\s+\d+\.\ds\] \S+\s+opened \(threshold/m);
    expect([...rows.keys()]).toEqual([
      'web_fetch',
      'weather_api',
      'code_search',
      'file_write',
      'llm:primary',
      'llm:fallback',
    ]);
  });

  it('names its columns without look-alikes (failed calls, the failure streak)', () => {
    expect(output.stdout).toMatch(
      /^tool\s+state\s+calls\s+ok\s+failed\s+denied\s+opens\s+streak\s+backoff\s+longest\s+last error$/m,
    );
  });

  it('never trips the tool the model calls with invalid arguments', () => {
    expect(rows.get('file_write')).toMatchObject({
      state: 'closed',
      opens: 0,
      fails: 0,
      ok: 0,
      last: 'invalid_parameters',
    });
    expect(rows.get('file_write')!.failed).toBeGreaterThan(3);
  });

  it('opens the flaky network tool during its bad period and ends recovered', () => {
    expect(rows.get('web_fetch')).toMatchObject({ state: 'closed', fails: 0, last: 'network' });
    expect(rows.get('web_fetch')!.opens).toBeGreaterThanOrEqual(1);
  });

  it('opens the rate-limited API for its Retry-After and ends recovered once the quota lifts', () => {
    expect(rows.get('weather_api')).toMatchObject({ state: 'closed', fails: 0, last: 'rate_limit' });
    expect(rows.get('weather_api')!.opens).toBeGreaterThanOrEqual(1);
    expect(output.stdout).toMatch(
      /weather_api\s+opened \(threshold, rate_limit\), backoff (?!2\.0)\d+\.\d s/,
    );
  });

  it('keeps the hanging tool from recovering, with timeouts and a growing backoff', () => {
    const row = rows.get('code_search')!;
    expect(['open', 'halfOpen']).toContain(row.state);
    expect(row.opens).toBeGreaterThanOrEqual(3);
    expect(row.last).toBe('timeout');
    expect(output.stdout).toMatch(/code_search\s+opened \(probeFailed, timeout\), backoff 20\.0 s/);
  });

  it('leaves the primary provider open and the fallback closed and clean', () => {
    expect(rows.get('llm:primary')).toMatchObject({ state: 'open', last: 'service_unavailable' });
    expect(rows.get('llm:primary')!.rejected).toBeGreaterThan(10);
    expect(rows.get('llm:fallback')).toMatchObject({ state: 'closed', failed: 0, opens: 0, fails: 0 });
    expect(rows.get('llm:fallback')!.ok).toBeGreaterThan(10);
  });

  it('is deterministic for a seed', async () => {
    const again = await demo();
    const table = (s: string) => s.slice(s.indexOf('\ntool '));
    expect(table(again.stdout)).toBe(table(output.stdout));
  }, 40_000);

  it.each([
    [['--help'], 0, /^Usage: npm run demo -- \[--dashboard\]/m],
    [['--dashbaord'], 2, /^demo: unknown option --dashbaord \(did you mean --dashboard\?\)$/m],
  ])('answers %j with a usage text and exit code %i, never a stack', async (argv, code, message) => {
    const result = await run(process.execPath, ['--import', 'tsx', 'examples/demo/main.ts', ...argv], {
      cwd: root,
      timeout: 30_000,
    }).then(
      (r) => ({ code: 0, text: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, text: e.stdout + e.stderr }),
    );
    expect(result.code).toBe(code);
    expect(result.text).toMatch(message);
    expect(result.text).not.toMatch(/ERR_PARSE_ARGS|\n\s+at /);
  });

  it('refuses a seed that is not a whole number', async () => {
    await expect(demo('--seed', 'abc')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--seed must be a whole number, got "abc"'),
    });
  });
});

describe('npm run demo -- --dashboard (piped)', () => {
  let child: ChildProcessWithoutNullStreams;
  let stdout = '';
  let url = '';
  beforeAll(async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'examples/demo/main.ts', '--dashboard'], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const deadline = Date.now() + 30_000;
    while (!stdout.includes('Ctrl-C to exit') && Date.now() < deadline && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    url = /dashboard still at (\S+) /.exec(stdout)?.[1] ?? '';
  }, 40_000);
  afterAll(() => {
    child.kill('SIGKILL');
  });

  /** The dashboard's first message to a page that connects now. */
  async function snapshot(): Promise<SnapshotMessage> {
    const client = new SseClient(new URL('events', url).href);
    try {
      const first = await client.next((e) => e.event === 'snapshot');
      return first.data;
    } finally {
      client.close();
    }
  }

  it('keeps the dashboard up after the session until Ctrl-C, and says so', async () => {
    expect(stdout).toMatch(
      /^dashboard: http:\/\/127\.0\.0\.1:\d+\/ \(stays up after the session until Ctrl-C\)$/m,
    );
    expect(stdout).toContain('summary after 180 s simulated');
    expect(stdout).toMatch(
      /^dashboard still at http:\S+ \(simulated time runs on in real time\); Ctrl-C to exit$/m,
    );
    // Well after the session ended, the page still answers.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await fetch(url)).status).toBe(200);
  });

  it('logs each event at the simulated time the terminal printed it at', async () => {
    const { log } = await snapshot();
    const transitions = log.filter((e) => ['opened', 'halfOpened', 'closed'].includes(e.type));
    expect(transitions.length).toBeGreaterThan(5);
    const terminal: Record<string, string> = { opened: 'opened', halfOpened: 'half-open', closed: 'closed' };
    for (const e of transitions) {
      // The terminal's line: [  12.3s] web_fetch     opened (...); the page shows the same 12.3s.
      const line = `[${(e.at / 1000).toFixed(1).padStart(6)}s] ${(e.tool ?? '').padEnd(13)} ${terminal[e.type]}`;
      expect(stdout, `${e.type} of ${e.tool} at ${e.at}`).toContain(line);
    }
  });

  it('runs simulated time on at real speed after the session: countdowns go on, never back', async () => {
    const first = await snapshot();
    const start = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const second = await snapshot();
    const real = performance.now() - start;
    expect(first.now).toBeGreaterThanOrEqual(180_000);
    expect(second.now - first.now).toBeGreaterThan(real * 0.5);
    expect(second.now - first.now).toBeLessThan(real * 1.5 + 500);
    // An open circuit's deadline on that clock stays where it was: its countdown only goes down.
    const deadlines = (m: SnapshotMessage) =>
      new Map(
        m.rows
          .filter((r) => r.state === 'open' && r.remainingBackoffMs !== null)
          .map((r) => [`${r.tool}#${r.openCount}`, m.now + (r.remainingBackoffMs ?? 0)]),
      );
    const before = deadlines(first);
    expect(before.size).toBeGreaterThan(0);
    for (const [key, at] of deadlines(second)) if (before.has(key)) expect(at).toBe(before.get(key));
  });

  it('exits 0 on Ctrl-C', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});

describe('npm run demo on a terminal', () => {
  it('redraws the live table in place and ends with the summary', async () => {
    // `script` (util-linux) gives the demo a pseudo-terminal as stdout.
    const command = `${process.execPath} --import tsx examples/demo/main.ts --fast`;
    const { stdout } = await run('script', ['-qefc', command, '/dev/null'], {
      cwd: root,
      timeout: 30_000,
      env: { ...process.env, FORCE_COLOR: '0', TERM: 'xterm' },
    });
    // Back up over the lines drawn and clear them (ESC [ n F, ESC [ J): the table is redrawn in place.
    expect(stdout).toMatch(new RegExp(String.raw`\u001b\[\d+F\u001b\[J`));
    expect(stdout).toContain('summary after 180 s simulated');
    expect(stdout).toMatch(/llm:fallback\s+\S*closed/);
  }, 40_000);

  it.each([
    [80, 24],
    [120, 18],
  ])(
    'fits a %i×%i terminal: no line wraps and no frame is taller than the screen',
    async (cols, rows) => {
      const command = `stty cols ${cols} rows ${rows}; ${process.execPath} --import tsx examples/demo/main.ts --fast`;
      const { stdout } = await run('script', ['-qefc', command, '/dev/null'], {
        cwd: root,
        timeout: 30_000,
        env: { ...process.env, FORCE_COLOR: '0', TERM: 'xterm' },
      });
      // Each redraw moves up over the previous frame (ESC [ n F): n lines, all on screen.
      const ups = [...stdout.matchAll(new RegExp(String.raw`\u001b\[(\d+)F`, 'g'))].map((m) => Number(m[1]));
      expect(ups.length).toBeGreaterThan(50);
      expect(Math.max(...ups)).toBeLessThan(rows);
      // The terminal's own \r\n; colour and cursor sequences take no columns.
      const plain = stdout.replace(new RegExp(String.raw`\u001b\[[0-9;?]*[A-Za-z]`, 'g'), '').split(/\r?\n/);
      const widest = Math.max(...plain.map((line) => [...line].length));
      expect(widest).toBeLessThan(cols);
      expect(stdout).toContain('summary after 180 s simulated');
    },
    40_000,
  );
});
