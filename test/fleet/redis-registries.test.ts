/** Registries in one process sharing through a real Redis; Redis paused or killed under them. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBreaker, createRegistry, type Registry } from '../../src/index.js';
import { redisShare } from '../../src/redis/index.js';
import { sleep, until } from './harness.js';
import { redisTestsRun, startRedis, type RedisServer } from './redis-server.js';

const defaults = {
  failureThreshold: 2,
  minBackoffMs: 300,
  maxBackoffMs: 300,
  probeTimeoutMs: 200,
  jitter: 0,
};
const boom = () => Promise.reject(Object.assign(new Error('down'), { status: 503 }));
const ok = () => Promise.resolve('ok');

describe.runIf(redisTestsRun())('registries sharing through a real Redis', () => {
  let redis: RedisServer;
  let registries: Registry[] = [];
  let prefixes = 0;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    for (const registry of registries) registry.stop();
    registries = [];
    await sleep(50);
  });
  afterAll(async () => {
    await redis.stop();
  });

  /** `n` registries sharing one key prefix, ready. */
  const group = async (n: number, options: object = defaults): Promise<Registry[]> => {
    const keyPrefix = `group${++prefixes}:`;
    const made = Array.from({ length: n }, () =>
      createRegistry({
        defaults: options,
        share: redisShare({ url: redis.url, keyPrefix, commandTimeoutMs: 300, retryIntervalMs: 100 }),
      }),
    );
    registries.push(...made);
    await Promise.all(made.map((r) => r.ready()));
    return made;
  };
  const pair = async (): Promise<[Registry, Registry]> => (await group(2)) as [Registry, Registry];

  it('opens, probes once and closes both registries', async () => {
    const [a, b] = await pair();
    expect([a.shareStatus, b.shareStatus]).toEqual(['connected', 'connected']);
    await a.execute('llm', boom).catch(() => undefined);
    await b.execute('llm', boom).catch(() => undefined);
    await until(() => a.state('llm') === 'open' && b.state('llm') === 'open', 2_000, 'both open');
    const idle = (r: Registry) =>
      JSON.stringify(r.breaker('llm').getSnapshot().value) === '{"halfOpen":"idle"}';
    await until(() => idle(a) || idle(b), 2_000, 'a lease granted');
    // One of the two holds the lease: exactly one admits the probe.
    const admitted = await Promise.all(
      [a.execute('llm', ok), b.execute('llm', ok)].map((p) =>
        p.then(
          () => 1,
          () => 0,
        ),
      ),
    );
    expect(admitted.reduce((x: number, y: number) => x + y, 0)).toBe(1);
    await until(() => a.state('llm') === 'closed' && b.state('llm') === 'closed', 2_000, 'both closed');
  });

  it('opens every registry on the fleet’s failure rate when each stays below its own minimumCalls', async () => {
    const windowed = {
      ...defaults,
      failureThreshold: 1_000,
      window: { ms: 10_000, buckets: 10 },
      failureRateThreshold: 0.5,
      minimumCalls: 10,
    };
    const workers = await group(4, windowed);
    for (const w of workers) {
      expect(workers.every((x) => x.state('llm') === 'closed')).toBe(true);
      // 3 calls, 2 failures: 67 %, but 3 < minimumCalls alone; the fleet's failures are announced.
      for (const outcome of [ok, boom, boom]) await w.execute('llm', outcome).catch(() => undefined);
      await sleep(120); // more than one flush interval (50 ms): every outcome is in the fleet's window
    }
    // 12 calls, 8 failures for the fleet.
    await until(() => workers.every((w) => w.state('llm') === 'open'), 2_000, 'all four open');
  });

  it('isolates a tool in every registry when one isolates it, and releases it in every one', async () => {
    const [a, b] = await pair();
    a.isolate('llm');
    await until(() => b.state('llm') === 'isolated', 2_000, 'isolated in the other registry');
    await expect(b.execute('llm', ok)).rejects.toMatchObject({ name: 'IsolatedCircuitError' });
    b.release('llm');
    await until(() => a.state('llm') === 'closed', 2_000, 'released in the first registry');
    await expect(a.execute('llm', ok)).resolves.toBe('ok');
  });

  it('a standalone breaker in the fleet: ready() loads the open circuit, shareStatus is connected', async () => {
    const [a] = await pair();
    for (let i = 0; i < 2; i++) await a.execute('llm', boom).catch(() => undefined);
    const keyPrefix = `group${prefixes}:`;
    // The opening's OPEN script has answered: the registry's breaker took the fleet generation.
    const joined = () => a.breaker('llm').getSnapshot().context.fleetGeneration !== null;
    await until(() => a.state('llm') === 'open' && joined(), 2_000, 'open for the fleet');
    const breaker = createBreaker({
      ...defaults,
      share: redisShare({ url: redis.url, keyPrefix }),
      name: 'llm',
    });
    try {
      await breaker.ready();
      expect(breaker.shareStatus).toBe('connected');
      expect(breaker.state).toBe('open');
    } finally {
      breaker.stop();
    }
  });

  it('neither fails nor delays a call when Redis stops answering (SIGSTOP); degraded with one warning, then connected again', async () => {
    const [a] = await pair();
    const warnings: string[] = [];
    a.on('warning', (e) => warnings.push(e.message));
    await redis.kill('SIGSTOP');
    try {
      const started = Date.now();
      // Failures need the share (the outbox flushes at once); nothing waits for it.
      for (let i = 0; i < 5; i++) await a.execute('tool', boom).catch(() => undefined);
      for (let i = 0; i < 5; i++) await a.execute('other', ok);
      // A call that waited on a Redis command would wait its timeout (commandTimeoutMs, 500 ms);
      // the ten calls take a few ms (not a speed bound: a margin against a loaded machine).
      expect(Date.now() - started).toBeLessThan(500);
      expect(a.state('tool')).toBe('open'); // its own breaker decided
      await until(() => a.shareStatus === 'degraded', 2_000, 'degraded');
      await a.execute('third', boom).catch(() => undefined);
      await sleep(400);
      expect(warnings).toHaveLength(1);
    } finally {
      await redis.kill('SIGCONT');
    }
    await until(() => a.shareStatus === 'connected', 3_000, 'connected again');
  });

  it('publishes an opening made while degraded once Redis is back', async () => {
    const [a, b] = await pair();
    await redis.kill('SIGKILL');
    await until(() => a.shareStatus === 'degraded' && b.shareStatus === 'degraded', 3_000, 'degraded');
    await a.execute('llm', boom).catch(() => undefined);
    await a.execute('llm', boom).catch(() => undefined);
    expect(a.state('llm')).toBe('open');
    expect(b.state('llm')).toBe('closed');
    await redis.restart();
    await until(() => b.state('llm') === 'open', 3_000, 'the opening reaching the other registry');
    expect(a.shareStatus).toBe('connected');
  });
});
