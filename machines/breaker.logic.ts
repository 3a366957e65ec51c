/**
 * Pure functions of the breaker's context. The machine's guards and actions are built
 * from them, and the runtime calls the same functions to decide which events the
 * machine would ignore (and so need not be sent): one definition of every rule.
 */
import type { ErrorCategory } from './categories.js';
import type { BreakerConfig, BreakerContext } from './breaker.types.js';

/** The longest delay a JavaScript timer can hold (2^31 - 1 ms, about 24.8 days). */
export const MAX_DELAY_MS = 2_147_483_647;

/** True when a result admitted in `generation` may still change the breaker. */
export function isCurrent(context: BreakerContext, generation: number): boolean {
  return generation === context.generation;
}

/** True when `category` counts toward the threshold and fails a probe. */
export function countsAsFailure(config: BreakerConfig, category: ErrorCategory): boolean {
  return config.tripOn.includes(category);
}

/** True when `count` more trip-counting failures in `closed` open the circuit. */
export function reachesThreshold(context: BreakerContext, count = 1): boolean {
  return context.failureCount + count >= context.config.failureThreshold;
}

/** True when the open circuit's backoff has ended at time `at`: a probe may go. */
export function isBackoffElapsed(context: BreakerContext, at: number): boolean {
  return context.retryAt !== null && at >= context.retryAt;
}

/** True when a half-open breaker can admit one more probe. */
export function hasProbeSlot(context: BreakerContext): boolean {
  return context.probesInFlight < context.config.halfOpenProbes;
}

/** Milliseconds left before an open circuit admits a probe (0 once elapsed); null when not open. */
export function remainingBackoff(context: BreakerContext, at: number): number | null {
  return context.retryAt === null ? null : Math.max(0, context.retryAt - at);
}

/**
 * The backoff after one more opening: `minBackoffMs` for the first one, then the previous
 * backoff times `backoffFactor`, clamped to [min, max]. A product that overflows or is not
 * finite clamps to the maximum.
 */
export function nextBackoff(config: BreakerConfig, currentBackoffMs: number): number {
  if (currentBackoffMs <= 0) return config.minBackoffMs;
  const product = currentBackoffMs * config.backoffFactor;
  if (!Number.isFinite(product)) return config.maxBackoffMs;
  return Math.min(config.maxBackoffMs, Math.max(config.minBackoffMs, product));
}

/**
 * Milliseconds the circuit stays open for a backoff:
 * `max(minBackoffMs, backoffMs − floor(backoffMs × jitter × random))`, `random` in [0, 1),
 * so jitter shaves off up to `jitter × backoffMs` but never goes below `minBackoffMs` (and
 * `backoffMs` is at most `maxBackoffMs`). A Retry-After from the dependency is a floor on
 * top; the result is at most 2^31 − 1 ms.
 */
export function openDuration(
  config: BreakerConfig,
  backoffMs: number,
  random: number,
  retryAfterMs = 0,
): number {
  const draw = random >= 0 && random < 1 ? random : 0;
  const jittered = Math.max(config.minBackoffMs, backoffMs - Math.floor(backoffMs * config.jitter * draw));
  const floor = Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs : 0;
  return Math.min(MAX_DELAY_MS, Math.max(jittered, floor));
}

/**
 * The context after `count` trip-counting failures in `closed`, the latest at `at` (the
 * `recordFailure` action).
 */
export function withFailureRecorded(
  context: BreakerContext,
  category: ErrorCategory,
  at: number,
  count = 1,
): BreakerContext {
  return {
    ...context,
    failureCount: context.failureCount + count,
    lastErrorCategory: category,
    lastErrorAt: at,
  };
}

/** The context after a success clears the failures counted in `closed` (the `clearFailures` action). */
export function withFailuresCleared(context: BreakerContext): BreakerContext {
  return { ...context, failureCount: 0 };
}
