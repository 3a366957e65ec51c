/**
 * Pure functions of the breaker's context. The machine's guards and actions are built
 * from them, and the runtime calls the same functions to decide which events the
 * machine would ignore (and so need not be sent): one definition of every rule.
 */
import type { ErrorCategory } from './categories.js';
import type { BreakerConfig, BreakerContext } from './breaker.types.js';
import { totalsWith, type WindowTotals } from './breaker.window.js';

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

/** True when a half-open breaker can admit one more probe (with a window, results hold their slot). */
export function hasProbeSlot(context: BreakerContext): boolean {
  return context.probesInFlight + context.probeResults < context.config.halfOpenProbes;
}

/** True when a call is slow: it timed out, or took longer than `slowCallDurationMs` (strictly). */
export function isSlowCall(
  config: BreakerConfig,
  category: ErrorCategory | null,
  durationMs: number | undefined,
): boolean {
  if (category === 'timeout') return true;
  const limit = config.slowCallDurationMs;
  return limit !== null && durationMs !== undefined && durationMs > limit;
}

/** Failure and slow-call rates of window totals; null below `minimumCalls`. */
export function windowRates(
  config: BreakerConfig,
  totals: WindowTotals,
): { readonly failureRate: number | null; readonly slowCallRate: number | null } {
  if (totals.calls === 0 || totals.calls < config.minimumCalls)
    return { failureRate: null, slowCallRate: null };
  return { failureRate: totals.failures / totals.calls, slowCallRate: totals.slow / totals.calls };
}

/** Which rate rule window totals reach (failure rate first), or null. */
export function rateReached(
  config: BreakerConfig,
  totals: WindowTotals,
): 'failureRate' | 'slowCallRate' | null {
  const { failureRate, slowCallRate } = windowRates(config, totals);
  if (failureRate !== null && failureRate >= config.failureRateThreshold) return 'failureRate';
  if (slowCallRate !== null && slowCallRate >= config.slowCallRateThreshold) return 'slowCallRate';
  return null;
}

/** True when one more outcome at `at` brings the closed circuit's window to a rate threshold. */
export function tripsOnRate(context: BreakerContext, at: number, failed: boolean, slow: boolean): boolean {
  const { config, window } = context;
  if (config.window === null || window === null) return false;
  return rateReached(config, totalsWith(config.window, window, at, failed, slow)) !== null;
}

/**
 * What one more counted probe result decides in half-open: `fail` once the rate over all
 * `halfOpenProbes` results can no longer stay below a threshold, `pass` once all are in below
 * both, else `pending`. Without a window the first result decides: a failure fails, a success passes.
 */
export function probeVerdict(
  context: BreakerContext,
  failed: boolean,
  slow: boolean,
): 'fail' | 'pass' | 'pending' {
  const { config } = context;
  if (config.window === null) return failed ? 'fail' : 'pass';
  const n = config.halfOpenProbes;
  const failures = context.probeFailures + (failed ? 1 : 0);
  const slowCalls = context.probeSlowCalls + (slow ? 1 : 0);
  if (failures / n >= config.failureRateThreshold || slowCalls / n >= config.slowCallRateThreshold)
    return 'fail';
  return context.probeResults + 1 >= n ? 'pass' : 'pending';
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
