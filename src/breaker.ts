/**
 * The breaker's public entry: `createBreaker`, the `Breaker` class and their types. The
 * implementation lives in `src/breaker/` (hot path in `breaker/breaker.ts`, actor and
 * commands in `breaker/lifecycle.ts`).
 */
import { checkBreakerArgument } from './option-checks.js';
import type { BreakerOptions } from './options.js';
import { Breaker } from './breaker/breaker.js';

export { Breaker };
export type { ActorPlacement, BreakerHost } from './breaker/host.js';
export { diagnosticsOf, stateName, type BreakerDiagnostics } from './breaker/diagnostics.js';
export type { Permit } from './breaker/permit.js';
export { BREAKER_EVENT_TYPES, checkListener, type BreakerEventMap } from './breaker/events.js';
export type { ExecuteOptions } from './breaker/timeout.js';

/**
 * Creates a circuit breaker. It is dormant (closed, no actor) until its chart has work: the
 * failure that reaches the threshold, `isolate()`, `reset()` or reading `breaker.actor` starts
 * its actor. Throws a RangeError for an invalid option.
 */
export function createBreaker(options: BreakerOptions & { readonly snapshot?: unknown } = {}): Breaker {
  checkBreakerArgument(options);
  const { snapshot, ...rest } = options;
  return new Breaker(rest, { snapshot });
}
