/**
 * The runtime's side of the outcome window: what the chart's `recordOutcome` action does,
 * done in place on the live window when the chart would do nothing else. Nothing here
 * allocates, and a count window reads no clock: it runs on every call of a windowed breaker.
 */
import { tripsOnRate } from '../../machines/breaker.logic.js';
import type { BreakerConfig, BreakerContext } from '../../machines/breaker.types.js';
import { addOutcome, advanceWindow, ringIndex, type OutcomeWindow } from '../../machines/breaker.window.js';

/** The time to record an outcome at: `now()` for a time window; 0 for a count window, which reads no time. */
export function windowTime(context: BreakerContext, now: () => number): number {
  return context.config.window?.kind === 'time' ? now() : 0;
}

/** True when the outcome would bring the window to a rate threshold (the chart's `isRateReached`). */
export function tripsWindow(context: BreakerContext, at: number, failed: boolean, slow: boolean): boolean {
  return tripsOnRate(context, at, failed, slow);
}

/** Records the outcome in the context's live window, in place (no-op without a window). */
export function recordInPlace(context: BreakerContext, at: number, failed: boolean, slow: boolean): void {
  const spec = context.config.window;
  const window = context.window;
  if (spec === null || window === null) return;
  advanceWindow(spec, window, at);
  addOutcome(spec, window, failed, slow);
}

/**
 * The chart's `recordOutcome` for a success that is not slow, done in place when it only turns
 * the ring: true when it did (or there is no window), false when the general path must run.
 * In a full count window with no failure and no slow call every bucket holds one plain success,
 * so the bucket dropped and the one added are the same: the head moves, no rate can be reached
 * (both are 0, and both thresholds are > 0), and no counter changes. The steady state of a
 * healthy windowed breaker, on every call.
 */
export function recordQuietSuccess(context: BreakerContext): boolean {
  return turnsQuietly(context.window, quietRing(context.config));
}

/**
 * What `recordQuietSuccess` reads of the configuration, fixed for a breaker's life: the size of
 * a count window whose rates a quiet success cannot reach (both thresholds > 0), else -1 (a
 * time window, or no window).
 */
export function quietRing(config: BreakerConfig): number {
  const { window: spec, failureRateThreshold, slowCallRateThreshold } = config;
  return spec !== null && spec.kind === 'count' && failureRateThreshold > 0 && slowCallRateThreshold > 0
    ? spec.size
    : -1;
}

/**
 * `recordQuietSuccess` given `ring = quietRing(config)`: without a window, true; in a full
 * count window (`ring` calls) with no failure and no slow call, turns the ring and true;
 * else false. A few loads and compares: it runs on every quiet call of a windowed breaker.
 */
export function turnsQuietly(window: OutcomeWindow | null, ring: number): boolean {
  if (window === null) return true;
  if (window.calls !== ring || window.failures !== 0 || window.slow !== 0) return false;
  window.head = ringIndex(window.head, 1, ring);
  return true;
}
