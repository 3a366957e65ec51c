import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ping, redisTestsRun, startRedis, type RedisServer } from './redis-server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the fleet tests on a machine without redis-server', () => {
  it('skip outside CI, saying so in one line that tells how to enable them', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(redisTestsRun('/nonexistent/redis-server', false)).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(
      /^fleet tests against Redis skipped: \/nonexistent\/redis-server is missing/,
    );
    warn.mockRestore();
  });

  it('run in CI, so that a missing server fails them', () => {
    expect(redisTestsRun('/nonexistent/redis-server', true)).toBe(true);
  });
});

describe.runIf(redisTestsRun())('a private Redis server for the fleet tests', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('answers on 127.0.0.1 on its own port, and is gone after SIGKILL until restarted on the same port', async () => {
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await ping(redis.port)).toBe(true);
    await redis.kill('SIGKILL');
    expect(redis.pid).toBeNull();
    expect(await ping(redis.port)).toBe(false);
    await redis.restart();
    expect(await ping(redis.port)).toBe(true);
  });

  it('pauses with SIGSTOP and answers again after SIGCONT', async () => {
    await redis.kill('SIGSTOP');
    expect(await ping(redis.port)).toBe(false);
    await redis.kill('SIGCONT');
    expect(await ping(redis.port)).toBe(true);
  });
});

describe.runIf(redisTestsRun())('scripts/redis.sh', () => {
  const dir = `${root}/node_modules/.cache/tripstate-redis-script-test`;
  const run = (command: string) =>
    spawnSync('sh', ['scripts/redis.sh', command], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, TRIPSTATE_REDIS_DIR: dir },
    });
  afterAll(() => {
    run('stop');
  });

  it('starts a private server on a free port, tells its URL, and stops it', async () => {
    const started = run('start');
    expect(started.status, started.stderr).toBe(0);
    const url = started.stdout.trim();
    expect(url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(run('url').stdout.trim()).toBe(url);
    const port = Number(url.split(':').at(-1));
    expect(await ping(port)).toBe(true);
    expect(run('stop').status).toBe(0);
    expect(await ping(port)).toBe(false);
    expect(run('url').status).toBe(1);
  });
});
