/**
 * The in-memory ledger (the rules `createMemoryShareHub` runs in unit tests) and the Lua scripts of
 * `tripstate/redis` are two implementations of one set of rules: random sequences of writes give
 * the same records on both (generation, state, reason, backoff, failures, lease granted or not),
 * isolations and their releases included.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisShare } from '../../src/redis/index.js';
import { FleetLedger } from '../../src/share/ledger.js';
import type { FleetRecord, ShareSession } from '../../src/share/types.js';
import { until } from './harness.js';
import { redisTestsRun, startRedis, type RedisServer } from './redis-server.js';

type Op =
  | { kind: 'report'; successes: number; failures: number }
  | { kind: 'open'; expected: 'current' | 'stale' | 'ahead' | 'none' }
  | { kind: 'claim'; token: 'a' | 'b'; stale: boolean }
  | { kind: 'close'; token: 'a' | 'b' | 'none'; stale: boolean }
  | { kind: 'reset' }
  | { kind: 'isolate' }
  | { kind: 'release'; stale: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('report' as const), successes: fc.nat(2), failures: fc.nat(3) }),
  fc.record({
    kind: fc.constant('open' as const),
    expected: fc.constantFrom('current', 'stale', 'ahead', 'none'),
  }),
  fc.record({ kind: fc.constant('claim' as const), token: fc.constantFrom('a', 'b'), stale: fc.boolean() }),
  fc.record({
    kind: fc.constant('close' as const),
    token: fc.constantFrom('a', 'b', 'none'),
    stale: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('reset' as const) }),
  fc.record({ kind: fc.constant('isolate' as const) }),
  fc.record({ kind: fc.constant('release' as const), stale: fc.boolean() }),
);

const comparable = (r: FleetRecord & { granted?: boolean }) => ({
  generation: r.generation,
  state: r.state,
  reason: r.reason,
  backoffMs: r.backoffMs,
  failures: r.failures,
  leased: r.leaseMs > 0,
});

describe.runIf(redisTestsRun())('the in-memory ledger and the Redis scripts', () => {
  let redis: RedisServer;
  let session: ShareSession;
  let prefixes = 0;

  beforeAll(async () => {
    redis = await startRedis();
    let connected = false;
    session = redisShare({ url: redis.url, keyPrefix: 'diff:' }).open({
      record: () => undefined,
      status: (status) => (connected = status === 'connected'),
    });
    await until(() => connected, 5_000, 'connected');
  });
  afterAll(async () => {
    await session.end();
    await redis.stop();
  });

  it('give the same record after every write of a random sequence', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const tool = `t${++prefixes}`;
        const ledger = new FleetLedger(Date.now);
        for (const o of ops) {
          const g = ledger.read(tool).generation;
          const generation = (stale: boolean) => (stale ? g - 1 : g);
          const rule = { failureThreshold: 3, backoffMs: 1_000 };
          let fromRedis: FleetRecord & { granted?: boolean };
          let fromLedger: FleetRecord & { granted?: boolean };
          switch (o.kind) {
            case 'report':
              fromRedis = await session.report(tool, o, rule);
              fromLedger = ledger.report(tool, o, rule).record;
              break;
            case 'open': {
              const expected =
                o.expected === 'none'
                  ? null
                  : o.expected === 'stale'
                    ? g - 1
                    : o.expected === 'ahead'
                      ? g + 2
                      : g;
              const opening = { reason: 'probeFailed' as const, backoffMs: 2_000, remainingMs: 2_000 };
              fromRedis = await session.open(tool, expected, opening);
              fromLedger = ledger.open(tool, expected, opening).record;
              break;
            }
            case 'claim': {
              const claimed = await session.claimProbe(tool, generation(o.stale), o.token, 60_000);
              const mine = ledger.claimProbe(tool, generation(o.stale), o.token, 60_000);
              expect(claimed.granted).toBe(mine.granted);
              fromRedis = claimed.record;
              fromLedger = mine.record;
              break;
            }
            case 'close': {
              const token = o.token === 'none' ? null : o.token;
              fromRedis = await session.close(tool, generation(o.stale), token);
              fromLedger = ledger.close(tool, generation(o.stale), token).record;
              break;
            }
            case 'reset':
              fromRedis = await session.reset(tool);
              fromLedger = ledger.reset(tool).record;
              break;
            case 'isolate':
              fromRedis = await session.isolate(tool);
              fromLedger = ledger.isolate(tool).record;
              break;
            case 'release':
              fromRedis = await session.release(tool, generation(o.stale));
              fromLedger = ledger.release(tool, generation(o.stale)).record;
              break;
          }
          expect(comparable(fromRedis), JSON.stringify(o)).toEqual(comparable(fromLedger));
        }
      }),
      { numRuns: 60 },
    );
  });
});
