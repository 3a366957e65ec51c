/**
 * Pure functions of the breaker's context. The machine's guards and actions are built
 * from them, and the runtime calls the same functions to decide which events the
 * machine would ignore (and so need not be sent): one definition of every rule.
 */
import type { ErrorCategory } from './categories.js';
import type { BreakerConfig, BreakerContext } from './breaker.types.js';
import { ringIndex, stepsTo, type WindowTotals } from './breaker.window.js';

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

/**
 * True when one more outcome at `at` brings the closed circuit's window to a rate threshold:
 * `rateReached(config, totalsWith(...)) !== null`, computed without building the totals, since
 * it runs on every outcome of a windowed breaker (a count window does not read `at`).
 */
export function tripsOnRate(context: BreakerContext, at: number, failed: boolean, slow: boolean): boolean {
  const { config, window } = context;
  const spec = config.window;
  if (spec === null || window === null) return false;
  let calls = window.calls + 1;
  let failures = failed ? window.failures + 1 : window.failures;
  let slowCalls = slow ? window.slow + 1 : window.slow;
  // No failure and no slow call: both rates are 0, below any threshold the options allow.
  if (
    failures === 0 &&
    slowCalls === 0 &&
    config.failureRateThreshold > 0 &&
    config.slowCallRateThreshold > 0
  )
    return false;
  const c = window.counts;
  // A count window drops its oldest call; a time window the buckets older than `at`'s.
  const drop = spec.kind === 'count' ? 1 : stepsTo(spec, window, at);
  for (let i = 1; i <= drop; i++) {
    const k = 3 * ringIndex(window.head, i, spec.size);
    calls -= c[k] as number;
    failures -= c[k + 1] as number;
    slowCalls -= c[k + 2] as number;
  }
  if (calls < config.minimumCalls) return false;
  return failures / calls >= config.failureRateThreshold || slowCalls / calls >= config.slowCallRateThreshold;
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

/** A context whose fields may be written: a fresh copy, before it is returned. */
type Draft = { -readonly [K in keyof BreakerContext]-?: BreakerContext[K] };

/**
 * A copy of `context`, every field written out (the type makes a new field a compile error
 * here). On Node 20 a spread of this many fields measured about 1 µs, this copy about 10 ns,
 * and the runtime copies a dormant breaker's context on every failure and the success after.
 */
function copyOf(context: BreakerContext): Draft {
  return {
    config: context.config,
    generation: context.generation,
    failureCount: context.failureCount,
    currentBackoffMs: context.currentBackoffMs,
    retryAt: context.retryAt,
    openedAt: context.openedAt,
    openCount: context.openCount,
    halfOpenCount: context.halfOpenCount,
    deniedRequests: context.deniedRequests,
    lastDeniedAt: context.lastDeniedAt,
    lastErrorCategory: context.lastErrorCategory,
    lastErrorAt: context.lastErrorAt,
    probesInFlight: context.probesInFlight,
    probeStartedAt: context.probeStartedAt,
    window: context.window,
    probeResults: context.probeResults,
    probeFailures: context.probeFailures,
    probeSlowCalls: context.probeSlowCalls,
    idleSince: context.idleSince,
    fleetGeneration: context.fleetGeneration,
  };
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
  const next = copyOf(context);
  next.failureCount = context.failureCount + count;
  next.lastErrorCategory = category;
  next.lastErrorAt = at;
  return next;
}

/** The context after a success clears the failures counted in `closed` (the `clearFailures` action). */
export function withFailuresCleared(context: BreakerContext): BreakerContext {
  const next = copyOf(context);
  next.failureCount = 0;
  return next;
}
