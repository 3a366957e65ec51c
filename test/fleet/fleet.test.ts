/**
 * Eight worker processes share one provider through a real Redis: openings, probes and
 * closings are fleet-wide; Redis lost and restarted; a process paused past its lease.
 * Every wait is bounded.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadavg } from 'node:os';
import { createClient } from 'redis';
import { redisShare } from '../../src/redis/index.js';
import type { FleetRecord } from '../../src/share/types.js';
import { removeCompiledFleet } from './fixtures/compile.js';
import {
  everyFirst,
  firstAfter,
  sleep,
  startProvider,
  startWorker,
  until,
  type Provider,
  type Worker,
  type WorkerLine,
  type WorkerOptions,
} from './harness.js';
import { redisTestsRun, startRedis, type RedisServer } from './redis-server.js';

const WORKERS = 8;
const BACKOFF_MS = 600;
const base = { failureThreshold: 3, backoffMs: BACKOFF_MS, probeTimeoutMs: 400, intervalMs: 50 } as const;

describe.runIf(redisTestsRun())('a fleet of 8 worker processes sharing breakers through Redis', () => {
  let redis: RedisServer;
  let workers: Worker[] = [];
  const providers: Provider[] = [];
  let prefixes = 0;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(() => {
    for (const worker of workers) worker.stop();
    workers = [];
  });
  afterAll(async () => {
    await Promise.all(providers.map((p) => p.close()));
    await redis.stop();
    removeCompiledFleet();
  });

  const fleet = async (options: Omit<WorkerOptions, 'keyPrefix'>, count = WORKERS): Promise<Worker[]> => {
    const keyPrefix = `fleet${++prefixes}:`;
    const started = Array.from({ length: count }, (_, i) => startWorker(i, { ...options, keyPrefix }));
    workers.push(...started);
    await until(
      () => started.every((w) => w.lines.some((l) => l.event === 'ready')),
      20_000,
      'workers ready',
      started,
    );
    return started;
  };
  const provider = async (): Promise<Provider> => {
    const p = await startProvider();
    providers.push(p);
    return p;
  };
  const foreign = (ws: Worker[]) => ws.flatMap((w) => w.lines.filter((l) => l.event === 'foreign'));

  /** Provider fails for 5 backoffs after the first opening: the first opening time and the probes sent. */
  async function outage(
    ws: Worker[],
    p: Provider,
  ): Promise<{ openedAt: number; spread: number; probes: number }> {
    const heard: number[] = [];
    const listener = createClient({ url: redis.url });
    await listener.connect();
    await listener.subscribe(`fleet${prefixes}:records`, (message) => {
      if (message.includes('"open"')) heard.push(Date.now());
    });
    const failingSince = Date.now();
    p.failing = true;
    const times = (await everyFirst(ws, 'opened', failingSince, 10_000)).map((l) => l.t);
    const openedAt = Math.min(...times);
    // Probes: calls the workers admitted while not closed (a call admitted before the opening may
    // reach the provider hundreds of ms later on a loaded machine: it is not a probe).
    const to = openedAt + 5 * BACKOFF_MS + BACKOFF_MS / 2;
    await sleep(to - Date.now() + 50);
    const probes = ws.flatMap((w) =>
      w.lines.filter((l) => l.event === 'probe' && l.t > openedAt && l.t <= to),
    ).length;
    await listener.close();
    console.info(
      `first open record heard by the test process ${heard[0] === undefined ? 'never' : heard[0] - openedAt} ms after the first opening`,
    );
    return { openedAt, spread: Math.max(...times) - openedAt, probes };
  }

  // How fast an opening and a closing reach every process (the 100 ms) is measured by
  // the benchmark (scenario 12), not asserted here: on a loaded machine the scheduler alone
  // delays a process by more. These tests assert what travels, and who acted.
  it('an opening in one process makes the other seven reject, though none of them failed', async () => {
    const p = await provider();
    const ws = await fleet({ ...base, provider: p.url, url: redis.url });
    p.failingWorkers = new Set([0]);
    const failingSince = Date.now();
    p.failing = true;
    const openings = await everyFirst(ws, 'opened', failingSince, 10_000);
    expect(openings.map((o) => o.remote)).toEqual([false, true, true, true, true, true, true, true]);
    // Each of the seven then rejects its own calls (it never saw a failure of its own).
    await until(
      () =>
        ws
          .slice(1)
          .every((w, i) => firstAfter(w, 'rejected', (openings[i + 1] as WorkerLine).t) !== undefined),
      5_000,
      'a rejection in every other worker',
      ws,
    );
    console.info(
      `an opening in worker 0 reached the other ${WORKERS - 1} within ${Math.max(...openings.map((o) => o.t)) - (openings[0] as WorkerLine).t} ms (load average ${loadavg()[0]?.toFixed(1)})`,
    );
    expect(foreign(ws)).toEqual([]);
    p.failing = false;
  });

  it('sends one probe per backoff over an outage, and one process’s successful probe closes all 8', async () => {
    const shared = await provider();
    const ws = await fleet({ ...base, provider: shared.url, url: redis.url });
    expect(ws.every((w) => w.lines.find((l) => l.event === 'ready')?.status === 'connected')).toBe(true);
    const { spread, probes } = await outage(ws, shared);
    const recoveredSince = Date.now();
    shared.failing = false;
    const closes = await everyFirst(ws, 'closed', recoveredSince, 5 * BACKOFF_MS);
    const closeSpread = Math.max(...closes.map((l) => l.t)) - Math.min(...closes.map((l) => l.t));
    const local = closes.filter((l) => l.remote === false);
    console.info(
      `fleet with share: openings reached all ${WORKERS} workers within ${spread} ms, ${probes} probes over 5 backoffs, closings within ${closeSpread} ms (load average ${loadavg()[0]?.toFixed(1)})`,
    );
    expect(probes).toBeLessThanOrEqual(5); // halfOpenProbes (1) per backoff, 5 backoffs
    expect(probes).toBeGreaterThanOrEqual(3);
    expect(local).toHaveLength(1); // one process probed and closed; the others heard it
    expect(foreign(ws)).toEqual([]);
  });

  it('without a share, the same fleet sends a probe per worker per backoff (side by side)', async () => {
    const alone = await provider();
    const ws = await fleet({ ...base, provider: alone.url, url: null });
    const { probes } = await outage(ws, alone);
    console.info(`fleet without share: ${probes} probes over 5 backoffs`);
    expect(probes).toBeGreaterThanOrEqual(WORKERS * 3);
    alone.failing = false;
  });

  it('keeps every worker on its own breakers when Redis is SIGKILLed, and converges once it is back', async () => {
    const p = await provider();
    const ws = await fleet({ ...base, provider: p.url, url: redis.url });
    p.failing = true;
    const since = Date.now();
    await everyFirst(ws, 'opened', since, 10_000);
    const killedAt = Date.now();
    await redis.kill('SIGKILL');
    await until(
      () => ws.every((w) => firstAfter(w, 'status', killedAt)?.status === 'degraded'),
      5_000,
      'every worker degraded',
      ws,
    );
    expect(
      ws.every((w) => w.lines.filter((l) => l.event === 'warning' && l.t >= killedAt).length === 1),
    ).toBe(true);
    // Local breakers keep working: each worker probes on its own and reopens.
    await until(
      () => ws.every((w) => firstAfter(w, 'opened', killedAt, false)),
      4 * BACKOFF_MS,
      'local reopenings',
      ws,
    );
    // Taken before the restart: a worker may reconnect before this process sees Redis answer.
    const restartedAt = Date.now();
    await redis.restart();
    await until(
      () => ws.every((w) => firstAfter(w, 'status', restartedAt)?.status === 'connected'),
      5_000,
      'every worker connected',
      ws,
    );
    const connectedAt = Math.max(...ws.map((w) => (firstAfter(w, 'status', restartedAt) as WorkerLine).t));
    // Within one backoff the fleet shares again: from then, one probe per backoff.
    const from = connectedAt + BACKOFF_MS;
    await sleep(from + 3 * BACKOFF_MS - Date.now());
    const probes = ws.flatMap((w) =>
      w.lines.filter((l) => l.event === 'probe' && l.t > from && l.t <= from + 3 * BACKOFF_MS),
    ).length;
    console.info(
      `after Redis restart: connected ${connectedAt - restartedAt} ms after the restart, ${probes} probes over the next 3 backoffs`,
    );
    expect(probes).toBeLessThanOrEqual(4);
    expect(foreign(ws)).toEqual([]);
    p.failing = false;
  });

  it('a worker SIGSTOPped past its probe lease cannot close the circuit when it resumes', async () => {
    const p = await provider();
    const [worker] = await fleet(
      { ...base, failureThreshold: 1, probeTimeoutMs: 200, provider: p.url, url: redis.url },
      1,
    );
    const w = worker as Worker;
    const keyPrefix = `fleet${prefixes}:`;
    const records: FleetRecord[] = [];
    const other = redisShare({ url: redis.url, keyPrefix }).open({
      record: (record) => records.push(record),
      status: () => undefined,
    });
    try {
      p.failing = true;
      await until(() => records.some((r) => r.state === 'open'), 5_000, 'the fleet open');
      await sleep(100); // calls admitted before the opening have settled; the next request is the probe
      p.failing = false;
      p.delayMs = 150; // the probe's answer: ok, 150 ms later, while the worker is stopped
      let stoppedAt = 0;
      p.onRequest = () => {
        if (stoppedAt > 0) return;
        stoppedAt = Date.now();
        w.child.kill('SIGSTOP');
      };
      await until(() => stoppedAt > 0, 3 * BACKOFF_MS, 'the probe');
      await sleep(400); // the lease (probeTimeoutMs, 200 ms) expires while the worker is stopped
      const [held] = await other.load();
      const claim = await other.claimProbe(
        'provider',
        (held as FleetRecord).generation,
        'other-process',
        10_000,
      );
      expect(claim.granted).toBe(true);
      const resumedAt = Date.now();
      w.child.kill('SIGCONT');
      // Well within one backoff (600 ms): no new probe of the worker can have run yet.
      await sleep(150);
      const [record] = (await other.load()).filter((r) => r.tool === 'provider');
      expect(record?.state).toBe('open');
      // If the worker closed on its stale success, its close was refused and it took the fleet's record again.
      const after = w.lines.filter((l) => (l.event === 'opened' || l.event === 'closed') && l.t >= resumedAt);
      if (after.some((l) => l.event === 'closed')) expect(after.at(-1)?.event).toBe('opened');
      expect(w.lines.filter((l) => l.event === 'foreign')).toEqual([]);
    } finally {
      p.onRequest = null;
      p.delayMs = 0;
      w.child.kill('SIGCONT');
      await other.end();
    }
  });
});
