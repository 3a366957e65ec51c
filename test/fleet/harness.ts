/** A provider the fleet tests control, and worker processes that call it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compiledFleetFixture } from './fixtures/compile.js';

/** An HTTP provider that answers 200 or 503, and remembers when each request arrived. */
export interface Provider {
  readonly url: string;
  failing: boolean;
  /** While `failing`, only these workers' requests fail (null: every worker's). */
  failingWorkers: ReadonlySet<number> | null;
  /** Milliseconds before each answer. */
  delayMs: number;
  /** Called with the worker's id as each request arrives. */
  onRequest: ((worker: number) => void) | null;
  /** Arrival times (epoch ms) of every request. */
  readonly arrivals: number[];
  /** The worker of each arrival (same order). */
  readonly senders: number[];
  close(): Promise<void>;
}

export async function startProvider(): Promise<Provider> {
  const arrivals: number[] = [];
  const senders: number[] = [];
  const state = { failing: false, failingWorkers: null as ReadonlySet<number> | null };
  const provider = { delayMs: 0, onRequest: null as ((worker: number) => void) | null };
  const server: Server = createServer((request, response) => {
    arrivals.push(Date.now());
    request.resume();
    const worker = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('worker'));
    const failing = state.failing && (state.failingWorkers === null || state.failingWorkers.has(worker));
    senders.push(worker);
    provider.onRequest?.(worker);
    const answer = () => {
      response.statusCode = failing ? 503 : 200;
      response.end(failing ? 'unavailable' : 'ok');
    };
    if (provider.delayMs > 0) setTimeout(answer, provider.delayMs);
    else answer();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get delayMs() {
      return provider.delayMs;
    },
    set delayMs(value: number) {
      provider.delayMs = value;
    },
    get onRequest() {
      return provider.onRequest;
    },
    set onRequest(value: ((worker: number) => void) | null) {
      provider.onRequest = value;
    },
    get failing() {
      return state.failing;
    },
    set failing(value: boolean) {
      state.failing = value;
    },
    get failingWorkers() {
      return state.failingWorkers;
    },
    set failingWorkers(value: ReadonlySet<number> | null) {
      state.failingWorkers = value;
    },
    arrivals,
    senders,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One line a worker printed. */
export interface WorkerLine {
  readonly id: number;
  readonly t: number;
  readonly event: string;
  readonly remote?: boolean;
  readonly status?: string;
  readonly message?: string;
}

export interface Worker {
  readonly id: number;
  readonly child: ChildProcess;
  readonly lines: WorkerLine[];
  stop(): void;
}

export interface WorkerOptions {
  readonly provider: string;
  /** Redis URL; null: no share. */
  readonly url: string | null;
  readonly keyPrefix: string;
  readonly failureThreshold: number;
  readonly backoffMs: number;
  readonly probeTimeoutMs: number;
  readonly intervalMs: number;
}

export function startWorker(id: number, options: WorkerOptions): Worker {
  const child = spawn(
    process.execPath,
    [compiledFleetFixture('worker.ts'), JSON.stringify({ id, ...options })],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines: WorkerLine[] = [];
  let buffer = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.trim() !== '') lines.push(JSON.parse(line) as WorkerLine);
    }
  });
  return {
    id,
    child,
    lines,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** The first line of `event` that `w` printed at or after `after` (only remote ones, or only local ones, with `remote`). */
export const firstAfter = (
  w: Worker,
  event: string,
  after: number,
  remote?: boolean,
): WorkerLine | undefined =>
  w.lines.find((l) => l.event === event && l.t >= after && (remote === undefined || l.remote === remote));

/** Waits until every worker printed `event` at or after `after` (at most `ms`); each one's first such line. */
export async function everyFirst(
  workers: readonly Worker[],
  event: string,
  after: number,
  ms: number,
): Promise<WorkerLine[]> {
  await until(
    () => workers.every((w) => firstAfter(w, event, after)),
    ms,
    `every worker's ${event} line`,
    workers,
  );
  return workers.map((w) => firstAfter(w, event, after) as WorkerLine);
}

/**
 * Waits until `check` holds, polling every 10 ms; throws after `ms` milliseconds, with the last
 * lines of each of `workers` (if given) in the error, so that a failed run says what they saw.
 */
export async function until(
  check: () => boolean,
  ms: number,
  what: string,
  workers: readonly Worker[] = [],
): Promise<void> {
  const start = Date.now();
  const end = start + ms;
  while (!check()) {
    if (Date.now() > end)
      throw new Error(`timed out after ${ms} ms waiting for ${what}${lastLines(workers, start)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Each worker's last 6 lines other than rejections, their times in ms from `since`. */
function lastLines(workers: readonly Worker[], since: number): string {
  return workers
    .map((w) => {
      const last = w.lines
        .filter((l) => l.event !== 'rejected')
        .slice(-6)
        .map((l) => {
          const detail = l.status ?? (l.remote === undefined ? '' : l.remote ? 'remote' : 'local');
          return `${l.t - since} ms ${l.event}${detail === '' ? '' : ` ${detail}`}`;
        });
      return `\n  worker ${w.id}: ${last.join('; ') || 'no line'}`;
    })
    .join('');
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
