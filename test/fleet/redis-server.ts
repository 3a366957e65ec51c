/**
 * A private Redis server per test file (Debian's `redis-server`): 127.0.0.1, a free port, a
 * temporary folder, no persistence. `kill('SIGKILL')` and `restart()` (same port) let a test take
 * the fleet's Redis away and bring it back; `stop()` always kills it and removes the folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, IN_CI, until } from '../servers.js';

export const REDIS_SERVER = '/usr/bin/redis-server';

let warned = false;

/**
 * Whether the tests against a real Redis run: always in CI (a missing server then fails them),
 * elsewhere only when `redis-server` is installed (else one line says how to enable them).
 */
export function redisTestsRun(binary = REDIS_SERVER, ci = IN_CI): boolean {
  if (ci || existsSync(binary)) return true;
  if (!warned) {
    warned = true;
    console.warn(
      `fleet tests against Redis skipped: ${binary} is missing (install Debian's redis-server package, e.g. sh scripts/ensure-debian.sh redis-server ${binary} as root; with CI=true they fail instead)`,
    );
  }
  return false;
}

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** The server's pid now (it changes on `restart()`); null while it is down. */
  readonly pid: number | null;
  /** Sends a signal: `SIGKILL` takes Redis away (then `restart()`), `SIGSTOP`/`SIGCONT` pause it. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the server again on the same port, empty (no persistence). */
  restart(): Promise<void>;
  /** Kills the server and removes its folder. */
  stop(): Promise<void>;
}

/** Answers true when a server on `port` replies +PONG to PING within 1 s. */
export function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('data', (data) => done(String(data).startsWith('+PONG')));
    socket.once('error', () => done(false));
  });
}

/** Starts a private redis-server and waits (at most 10 s) until it answers PING. */
export async function startRedis(): Promise<RedisServer> {
  const folder = mkdtempSync(join(tmpdir(), 'tripstate-redis-'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  let log = '';

  const launch = async (): Promise<void> => {
    const started = spawn(
      REDIS_SERVER,
      // `--save ''`: no RDB snapshots; a restarted server starts empty.
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--protected-mode',
        'yes',
        '--dir',
        folder,
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = started;
    const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4_000));
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    await until(
      () => ping(port),
      10_000,
      () => `redis-server on port ${port} did not answer PING: ${log}`,
      50,
    );
  };
  const down = async (signal: NodeJS.Signals): Promise<void> => {
    const running = child;
    if (running === null || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    await exited;
    child = null;
  };

  try {
    await launch();
  } catch (error) {
    await down('SIGKILL');
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child?.pid ?? null;
    },
    async kill(signal = 'SIGKILL') {
      if (signal === 'SIGKILL' || signal === 'SIGTERM') return down(signal);
      child?.kill(signal);
    },
    async restart() {
      await down('SIGKILL');
      await launch();
    },
    async stop() {
      await down('SIGKILL');
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
