/**
 * The breaker's public entry: `createBreaker`, the `Breaker` class and their types. The
 * implementation lives in `src/breaker/` (hot path in `breaker/breaker.ts`, actor and
 * commands in `breaker/lifecycle.ts`).
 */
import { checkBreakerArgument } from './option-checks.js';
import type { BreakerOptions } from './options.js';
import { Breaker } from './breaker/breaker.js';
import type { FleetShare } from './share/types.js';
import { sharedBreaker } from './share/standalone.js';

export { Breaker };
export type { ActorPlacement, BreakerHost } from './breaker/host.js';
export { diagnosticsOf, stateName, type BreakerDiagnostics } from './breaker/diagnostics.js';
export type { Permit } from './breaker/permit.js';
export { BREAKER_EVENT_TYPES, checkListener, type BreakerEventMap } from './breaker/events.js';
export type { ExecuteOptions } from './breaker/timeout.js';

/** What `createBreaker` takes besides the breaker options. */
export interface CreateBreakerOptions extends BreakerOptions {
  /** A persisted snapshot to start from (`getPersistedSnapshot()`). */
  readonly snapshot?: unknown;
  /** One state for every process of the fleet (e.g. `redisShare()` of `tripstate/redis`); needs `name`. */
  readonly share?: FleetShare;
  /** The breaker's name in the fleet (the shared record's key); required with `share`. */
  readonly name?: string;
}

/**
 * Creates a circuit breaker. It is dormant (closed, no actor) until its chart has work: the
 * failure that reaches the threshold, `isolate()`, `reset()` or reading `breaker.actor` starts
 * its actor. Throws a RangeError for an invalid option, a TypeError for a `share` without a `name`.
 */
export function createBreaker(options: CreateBreakerOptions = {}): Breaker {
  checkBreakerArgument(options);
  const { snapshot, share, name, ...rest } = options;
  if (share !== undefined || name !== undefined) return sharedBreaker(rest, snapshot, share, name);
  return new Breaker(rest, { snapshot });
}
