/**
 * The fleet's outcome window: the in-memory ledger and the Lua `REPORT` script sum the same
 * buckets and open on the same rate. The ledger runs on Redis's own clock (read with `TIME`
 * before each write, away from a bucket's edge), so both put every batch in the same bucket.
 */
import fc from 'fast-check';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisShare } from '../../src/redis/index.js';
import { FleetLedger } from '../../src/share/ledger.js';
import type { FleetRecord, ReportRule, ShareSession } from '../../src/share/types.js';
import type { FleetWindowRule } from '../../src/share/window.js';
import { sleep, until } from './harness.js';
import { redisTestsRun, startRedis, type RedisServer } from './redis-server.js';

const BUCKET_MS = 100;
const rates = { minimumCalls: 6, failureRateThreshold: 0.7, slowCallRateThreshold: 0.8 };
const shapes: Record<'time' | 'count' | 'wide', FleetWindowRule> = {
  time: { bucketMs: BUCKET_MS, buckets: 3, calls: 0, ...rates },
  count: { bucketMs: BUCKET_MS, buckets: 3, calls: 5, ...rates },
  wide: { bucketMs: BUCKET_MS, buckets: 5, calls: 0, ...rates },
};

type Op =
  | {
      kind: 'report';
      successes: number;
      failures: number;
      slow: number;
      /** `run`: the shape of the whole sequence; another: a process configured otherwise. */
      shape: keyof typeof shapes | 'run' | 'none';
    }
  | { kind: 'wait'; ms: number }
  | { kind: 'open' }
  | { kind: 'close' }
  | { kind: 'reset' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({
        kind: fc.constant('report' as const),
        successes: fc.nat(3),
        failures: fc.nat(2),
        slow: fc.nat(2),
        shape: fc.constantFrom('run', 'run', 'run', 'run', 'time', 'count', 'wide', 'none'),
      })
      .map((r) => ({ ...r, slow: Math.min(r.slow, r.successes + r.failures) })),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(110, 110, 220, 520) }),
  },
  { weight: 1, arbitrary: fc.constantFrom<Op>({ kind: 'open' }, { kind: 'close' }, { kind: 'reset' }) },
);

const comparable = (r: FleetRecord) => ({
  generation: r.generation,
  state: r.state,
  reason: r.reason,
  failures: r.failures,
  windowCalls: r.windowCalls,
  windowFailures: r.windowFailures,
  windowSlow: r.windowSlow,
});

describe.runIf(redisTestsRun())('the fleet window in the in-memory ledger and the Redis scripts', () => {
  let redis: RedisServer;
  let session: ShareSession;
  let clock: ReturnType<typeof createClient>;
  let tools = 0;

  beforeAll(async () => {
    redis = await startRedis();
    clock = createClient({ url: redis.url });
    await clock.connect();
    let connected = false;
    session = redisShare({ url: redis.url, keyPrefix: 'wdiff:' }).open({
      record: () => undefined,
      status: (status) => (connected = status === 'connected'),
    });
    await until(() => connected, 5_000, 'connected');
  });
  afterAll(async () => {
    await session.end();
    await clock.close();
    await redis.stop();
  });

  /** Redis's clock in milliseconds, at least 15 ms before the next bucket starts. */
  const redisNow = async (): Promise<number> => {
    for (;;) {
      const [s, us] = await clock.sendCommand<[string, string]>(['TIME']);
      const now = Number(s) * 1000 + Math.floor(Number(us) / 1000);
      const left = BUCKET_MS - (now % BUCKET_MS);
      if (left > 15) return now;
      await sleep(left + 1);
    }
  };

  it('give the same record and window after every write of a random sequence', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('time', 'count', 'wide'),
        fc.array(op, { minLength: 1, maxLength: 14 }),
        async (shape, ops) => {
          const tool = `w${++tools}`;
          let now = 0;
          const ledger = new FleetLedger(() => now);
          for (const o of ops) {
            if (o.kind === 'wait') {
              await sleep(o.ms);
              continue;
            }
            now = await redisNow();
            let fromRedis: FleetRecord;
            let fromLedger: FleetRecord;
            switch (o.kind) {
              case 'report': {
                const rule: ReportRule = {
                  failureThreshold: 6,
                  backoffMs: 1_000,
                  window: o.shape === 'none' ? null : shapes[o.shape === 'run' ? shape : o.shape],
                };
                fromRedis = await session.report(tool, o, rule);
                fromLedger = ledger.report(tool, o, rule).record;
                break;
              }
              case 'open': {
                const opening = { reason: 'threshold' as const, backoffMs: 1_000, remainingMs: 1_000 };
                const g = ledger.read(tool).generation;
                fromRedis = await session.open(tool, g, opening);
                fromLedger = ledger.open(tool, g, opening).record;
                break;
              }
              case 'close': {
                const g = ledger.read(tool).generation;
                fromRedis = await session.close(tool, g, null);
                fromLedger = ledger.close(tool, g, null).record;
                break;
              }
              case 'reset':
                fromRedis = await session.reset(tool);
                fromLedger = ledger.reset(tool).record;
                break;
            }
            expect(comparable(fromRedis), JSON.stringify(o)).toEqual(comparable(fromLedger));
          }
          now = await redisNow();
          const loaded = (await session.load()).filter((r) => r.tool === tool).map(comparable);
          expect(loaded).toEqual(
            ledger
              .load()
              .filter((r) => r.tool === tool)
              .map(comparable),
          );
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
