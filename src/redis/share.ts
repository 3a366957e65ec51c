/**
 * `tripstate/redis`: the fleet share over Redis 7. Writes are the atomic scripts of
 * `scripts.ts` (Redis's clock, generations as fencing tokens); records reach every process by
 * pub/sub on a second connection (`client.duplicate()`). Each command has a timeout: past it,
 * or on any error, the session is degraded (each process decides alone) until a PING answers.
 */
import type { FleetShare } from '../share/types.js';
import { resolveRedisShareOptions, type RedisShareOptions } from './options.js';
import { RedisSession } from './session.js';

export type { RedisShareClient, RedisShareOptions } from './options.js';

/**
 * A fleet share over Redis: pass it as `createRegistry({ share })` or `createBreaker({ share, name })`.
 * Imports the `redis` package (an optional peer dependency) only when it makes its own client.
 * Throws a TypeError for an unknown option (naming the nearest known one), a RangeError for an invalid value.
 */
export function redisShare(options: RedisShareOptions = {}): FleetShare {
  const resolved = resolveRedisShareOptions(options);
  return {
    flushIntervalMs: resolved.flushIntervalMs,
    open: (handlers) => new RedisSession(handlers, resolved),
  };
}
