/**
 * Equally configured breakers of the three libraries. `threshold` consecutive failures open
 * each one, and it stays open `openMs` before a probe is admitted.
 */
import { circuitBreaker, ConsecutiveBreaker, handleAll, type CircuitBreakerPolicy } from 'cockatiel';
import CircuitBreaker from 'opossum';
import { createBreaker, type Breaker, type BreakerClock } from '../src/index.js';

export interface BreakerShape {
  readonly threshold: number;
  readonly openMs: number;
}

/** An hour: long enough that an open breaker stays open for the whole measurement. */
export const HOUR_MS = 3_600_000;

export function tripstateBreaker({ threshold, openMs }: BreakerShape, clock?: BreakerClock): Breaker {
  return createBreaker({
    failureThreshold: threshold,
    minBackoffMs: openMs,
    maxBackoffMs: openMs,
    ...(clock === undefined ? {} : { clock }),
  });
}

export function cockatielBreaker({ threshold, openMs }: BreakerShape): CircuitBreakerPolicy {
  return circuitBreaker(handleAll, { halfOpenAfter: openMs, breaker: new ConsecutiveBreaker(threshold) });
}

/**
 * opossum opens on a failure percentage, not a count: with `volumeThreshold` calls in its window
 * and a 0 % threshold, `threshold` failures of a fresh breaker open it, as in the others. Below
 * the threshold (scenario 2) the percentage must never trip it, so that shape uses 100 %.
 * The lean variant sets `timeout: false` (opossum's default is a 10 s timer on every call) and
 * `rollingPercentilesEnabled: false` (by default every failure concatenates and sorts the
 * latencies of all calls in the 10 s window, so its cost grows with the call rate). The other
 * variant keeps opossum's defaults.
 */
export function opossumBreaker<R>(
  action: () => Promise<R>,
  { threshold, openMs }: BreakerShape,
  defaults: boolean,
): CircuitBreaker<[], R> {
  return new CircuitBreaker(action, {
    ...(defaults ? {} : { timeout: false, rollingPercentilesEnabled: false }),
    resetTimeout: openMs,
    volumeThreshold: threshold,
    errorThresholdPercentage: threshold >= Number.MAX_SAFE_INTEGER ? 100 : 0,
  });
}

/** A threshold that is never reached. */
export const NEVER = Number.MAX_SAFE_INTEGER;

/** What the two opossum rows mean, for the tables' notes. */
export const OPOSSUM_VARIANTS =
  'opossum lean = timeout: false, rollingPercentilesEnabled: false; defaults = a 10 s timer per call and rolling latency percentiles';
