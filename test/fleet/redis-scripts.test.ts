/** The fleet share's write scripts against a real Redis: fencing, leases, Redis's clock, pub/sub. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { redisShare } from '../../src/redis/index.js';
import type { FleetRecord, ShareSession, ShareStatus } from '../../src/share/types.js';
import { redisTestsRun, startRedis, type RedisServer } from './redis-server.js';

interface Opened {
  readonly session: ShareSession;
  readonly records: FleetRecord[];
  readonly statuses: ShareStatus[];
  connected(): Promise<void>;
}

const waitFor = async (check: () => boolean, ms = 2_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe.runIf(redisTestsRun())('the Redis fleet share scripts', () => {
  let redis: RedisServer;
  const sessions: ShareSession[] = [];
  let prefixCount = 0;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.end()));
    await redis.stop();
  });

  const open = (keyPrefix: string): Opened => {
    const records: FleetRecord[] = [];
    const statuses: ShareStatus[] = [];
    const session = redisShare({ url: redis.url, keyPrefix, commandTimeoutMs: 1_000 }).open({
      record: (record) => records.push(record),
      status: (status) => statuses.push(status),
    });
    sessions.push(session);
    return { session, records, statuses, connected: () => waitFor(() => statuses.includes('connected')) };
  };
  const prefix = () => `t${++prefixCount}:`;

  it('opens a record only under the generation the writer saw, and publishes it to every process', async () => {
    const p = prefix();
    const a = open(p);
    const b = open(p);
    await Promise.all([a.connected(), b.connected()]);
    const first = await a.session.open('llm', 0, {
      reason: 'threshold',
      backoffMs: 1_000,
      remainingMs: 1_000,
    });
    expect(first).toMatchObject({
      tool: 'llm',
      generation: 1,
      state: 'open',
      reason: 'threshold',
      backoffMs: 1_000,
    });
    expect(first.remainingMs).toBeGreaterThan(900);
    expect(first.remainingMs).toBeLessThanOrEqual(1_000);
    // b's view is stale (generation 0): its opening is refused and it gets the record instead.
    const stale = await b.session.open('llm', 0, {
      reason: 'probeFailed',
      backoffMs: 2_000,
      remainingMs: 2_000,
    });
    expect(stale).toMatchObject({ generation: 1, reason: 'threshold', backoffMs: 1_000 });
    await waitFor(() => b.records.some((r) => r.generation === 1));
    expect(b.records.filter((r) => r.tool === 'llm')).toHaveLength(1);
  });

  it('grants one probe lease per generation (SET NX PX); the lease expires after its milliseconds', async () => {
    const a = open(prefix());
    await a.connected();
    await a.session.open('t', null, { reason: 'threshold', backoffMs: 50, remainingMs: 0 });
    const first = await a.session.claimProbe('t', 1, 'token-a', 150);
    const second = await a.session.claimProbe('t', 1, 'token-b', 150);
    expect(first.granted).toBe(true);
    expect(second.granted).toBe(false);
    expect(second.record.leaseMs).toBeGreaterThan(0);
    expect(second.record.leaseMs).toBeLessThanOrEqual(150);
    expect((await a.session.claimProbe('t', 0, 'token-c', 150)).granted).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await a.session.claimProbe('t', 1, 'token-b', 150)).granted).toBe(true);
  });

  it('closes only with the live lease token and the current generation', async () => {
    const a = open(prefix());
    await a.connected();
    await a.session.open('t', null, { reason: 'threshold', backoffMs: 50, remainingMs: 0 });
    expect((await a.session.claimProbe('t', 1, 'mine', 5_000)).granted).toBe(true);
    expect(await a.session.close('t', 1, 'theirs')).toMatchObject({ generation: 1, state: 'open' });
    expect(await a.session.close('t', 1, null)).toMatchObject({ generation: 1, state: 'open' });
    expect(await a.session.close('t', 0, 'mine')).toMatchObject({ generation: 1, state: 'open' });
    expect(await a.session.close('t', 1, 'mine')).toMatchObject({
      generation: 2,
      state: 'closed',
      leaseMs: 0,
    });
    // The same close again is stale now.
    expect(await a.session.close('t', 1, 'mine')).toMatchObject({ generation: 2, state: 'closed' });
  });

  it('refuses the close of a process whose lease expired (paused past it), even if no one took it since', async () => {
    const a = open(prefix());
    await a.connected();
    await a.session.open('t', null, { reason: 'threshold', backoffMs: 50, remainingMs: 0 });
    expect((await a.session.claimProbe('t', 1, 'paused', 50)).granted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await a.session.close('t', 1, 'paused')).toMatchObject({ generation: 1, state: 'open' });
  });

  it('counts the fleet’s consecutive failures across processes and trips at the threshold; a success clears them', async () => {
    const p = prefix();
    const a = open(p);
    const b = open(p);
    await Promise.all([a.connected(), b.connected()]);
    const rule = { failureThreshold: 5, backoffMs: 800 };
    expect(await a.session.report('t', { successes: 0, failures: 2 }, rule)).toMatchObject({
      failures: 2,
      state: 'closed',
    });
    expect(await b.session.report('t', { successes: 1, failures: 1 }, rule)).toMatchObject({ failures: 1 });
    expect(await a.session.report('t', { successes: 0, failures: 3 }, rule)).toMatchObject({ failures: 4 });
    const tripped = await b.session.report('t', { successes: 0, failures: 1 }, rule);
    expect(tripped).toMatchObject({
      state: 'open',
      generation: 1,
      reason: 'threshold',
      backoffMs: 800,
      failures: 0,
    });
    await waitFor(() => a.records.some((r) => r.state === 'open'));
  });

  it('sums the fleet’s window across processes and opens at its failure rate once it holds minimumCalls', async () => {
    const p = prefix();
    const a = open(p);
    const b = open(p);
    await Promise.all([a.connected(), b.connected()]);
    const window = {
      bucketMs: 1_000,
      buckets: 10,
      calls: 0,
      minimumCalls: 8,
      failureRateThreshold: 0.5,
      slowCallRateThreshold: 1,
    };
    const rule = { failureThreshold: 100, backoffMs: 700, window };
    // 4 calls and 3 failures: 75 %, but below minimumCalls; announced, so every process follows the tool.
    expect(await a.session.report('t', { successes: 1, failures: 3 }, rule)).toMatchObject({
      state: 'closed',
      windowCalls: 4,
      windowFailures: 3,
    });
    await waitFor(() => b.records.some((r) => r.windowFailures === 3));
    expect(await b.session.report('t', { successes: 3, failures: 0 }, rule)).toMatchObject({
      state: 'closed',
      windowCalls: 7,
    });
    // The 8th call brings 4 failures of 8: exactly the threshold.
    expect(await b.session.report('t', { successes: 0, failures: 1, slow: 1 }, rule)).toMatchObject({
      state: 'open',
      reason: 'failureRate',
      generation: 1,
      backoffMs: 700,
      windowCalls: 0,
    });
    await waitFor(() => a.records.some((r) => r.state === 'open' && r.reason === 'failureRate'));
  });

  it('opens at the fleet’s slow-call rate', async () => {
    const a = open(prefix());
    await a.connected();
    const window = {
      bucketMs: 1_000,
      buckets: 10,
      calls: 0,
      minimumCalls: 4,
      failureRateThreshold: 1,
      slowCallRateThreshold: 0.75,
    };
    const rule = { failureThreshold: 100, backoffMs: 700, window };
    expect(await a.session.report('t', { successes: 2, failures: 0, slow: 2 }, rule)).toMatchObject({
      state: 'closed',
      windowSlow: 2,
    });
    expect(await a.session.report('t', { successes: 2, failures: 0, slow: 1 }, rule)).toMatchObject({
      state: 'open',
      reason: 'slowCallRate',
    });
  });

  it('isolates for the fleet whatever the record, and releases only that isolation’s generation', async () => {
    const p = prefix();
    const a = open(p);
    const b = open(p);
    await Promise.all([a.connected(), b.connected()]);
    await a.session.open('t', null, { reason: 'threshold', backoffMs: 1_000, remainingMs: 1_000 });
    expect(await a.session.isolate('t')).toMatchObject({
      state: 'isolated',
      reason: 'isolated',
      generation: 2,
    });
    await waitFor(() => b.records.some((r) => r.state === 'isolated'));
    // Nothing but a release of generation 2 (or a reset) ends it: no report, claim, close or opening.
    const rule = { failureThreshold: 1, backoffMs: 10 };
    expect(await b.session.report('t', { successes: 0, failures: 5 }, rule)).toMatchObject({
      state: 'isolated',
    });
    expect((await b.session.claimProbe('t', 2, 'x', 1_000)).granted).toBe(false);
    expect(await b.session.close('t', 2, null)).toMatchObject({ state: 'isolated' });
    const opening = { reason: 'threshold', backoffMs: 10, remainingMs: 10 } as const;
    expect(await b.session.open('t', 2, opening)).toMatchObject({ state: 'isolated', generation: 2 });
    expect((await b.session.load()).map((r) => r.state)).toEqual(['isolated']);
    expect(await b.session.release('t', 1)).toMatchObject({ state: 'isolated', generation: 2 });
    expect(await b.session.release('t', 2)).toMatchObject({
      state: 'closed',
      reason: 'released',
      generation: 3,
    });
    await waitFor(() => a.records.some((r) => r.reason === 'released'));
  });

  it('measures remaining time on Redis’s clock (TIME), whatever the callers’ clocks say', async () => {
    const a = open(prefix());
    await a.connected();
    const client = createClient({ url: redis.url });
    await client.connect();
    const [seconds, micros] = await client.sendCommand<[string, string]>(['TIME']);
    await client.close();
    const redisNow = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const opened = await a.session.open('t', null, { reason: 'threshold', backoffMs: 400, remainingMs: 400 });
    const raw = createClient({ url: redis.url });
    await raw.connect();
    const until = Number(await raw.hGet(`${'t' + prefixCount}:record:t`, 'u'));
    await raw.close();
    expect(until - redisNow).toBeGreaterThanOrEqual(400);
    expect(until - redisNow).toBeLessThan(400 + 1_000);
    expect(opened.remainingMs).toBeLessThanOrEqual(400);
  });

  it('loads every record that is open or counting, and resets under a new generation', async () => {
    const a = open(prefix());
    await a.connected();
    await a.session.open('x', null, { reason: 'probeFailed', backoffMs: 1_000, remainingMs: 1_000 });
    await a.session.report('y', { successes: 0, failures: 1 }, { failureThreshold: 5, backoffMs: 1 });
    await a.session.report('z', { successes: 1, failures: 0 }, { failureThreshold: 5, backoffMs: 1 });
    const loaded = await a.session.load();
    expect(loaded.map((r) => r.tool).sort()).toEqual(['x', 'y']);
    expect(await a.session.reset('x')).toMatchObject({ generation: 2, state: 'closed', reason: 'reset' });
    expect((await a.session.load()).map((r) => r.tool)).toEqual(['y']);
  });

  it('keeps tool names as data (spaces, braces, glob characters, unicode)', async () => {
    const a = open(prefix());
    await a.connected();
    const tool = 'mcp__srv__{a*b?}[c] ünï';
    expect(
      await a.session.open(tool, null, { reason: 'threshold', backoffMs: 10, remainingMs: 10 }),
    ).toMatchObject({ tool, generation: 1 });
    expect((await a.session.load()).map((r) => r.tool)).toEqual([tool]);
  });
});
