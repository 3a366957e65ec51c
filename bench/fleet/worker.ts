/**
 * One process of the fleet benchmark: calls one shared tool for `durationMs` with `concurrency`
 * callers, either through a registry with the Redis share, or through a gobreaker-v2-style
 * distributed breaker (the baseline: read the JSON record, take a lock with SET NX PX, run the
 * call, write the record, release the lock, on every call). Prints the calls it made.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { createRegistry } from '../../src/index.js';
import { redisShare } from '../../src/redis/index.js';

const [mode, url, keyPrefix, duration, callers] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const durationMs = Number(duration);
const concurrency = Number(callers);
const succeed = (): Promise<number> => Promise.resolve(1);
let calls = 0;

async function withShare(): Promise<() => Promise<void>> {
  const registry = createRegistry({ share: redisShare({ url, keyPrefix }) });
  await registry.ready();
  return async () => {
    await registry.execute('tool', succeed);
  };
}

/** gobreaker v2 `DistributedCircuitBreaker.Execute`: GET state, lock (5 s expiry, retried), call, SET state, unlock. */
async function withLock(): Promise<() => Promise<void>> {
  const client = createClient({ url });
  await client.connect();
  const stateKey = `${keyPrefix}gobreaker:state:tool`;
  const mutexKey = `${keyPrefix}gobreaker:mutex:tool`;
  const unlock =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
  if ((await client.get(stateKey)) === null) {
    await client.set(
      stateKey,
      JSON.stringify({ state: 0, generation: 0, counts: { requests: 0 }, expiry: null }),
    );
  }
  return async () => {
    const shared = JSON.parse((await client.get(stateKey)) ?? '{}') as { counts: { requests: number } };
    const token = randomUUID();
    // redsync retries a taken lock after a short random delay; 1–5 ms here (kinder than its default).
    while (
      (await client.set(mutexKey, token, { condition: 'NX', expiration: { type: 'PX', value: 5_000 } })) ===
      null
    ) {
      await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 4));
    }
    try {
      await succeed();
      shared.counts.requests++;
      await client.set(stateKey, JSON.stringify(shared));
    } finally {
      await client.eval(unlock, { keys: [mutexKey], arguments: [token] });
    }
  };
}

const call = mode === 'share' ? await withShare() : await withLock();
process.stdout.write('ready\n');
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
const end = Date.now() + durationMs;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) {
      await call();
      calls++;
    }
  }),
);
process.stdout.write(`${JSON.stringify({ calls })}\n`);
process.exit(0);
