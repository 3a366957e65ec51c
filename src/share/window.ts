/**
 * The fleet's outcome window of one tool: calls, failures and slow calls summed over every
 * process, in time buckets on the share's own clock (Redis's `TIME`). The shape and the sums
 * here are the rules the Lua `REPORT` script follows too (src/redis/scripts.ts), step for step.
 *
 * A time window `{ ms, buckets }` is summed fleet-wide over the same `ms`, in at most
 * `FLEET_MAX_BUCKETS` buckets of whole milliseconds. A count window `{ calls }` has no fleet-wide
 * order of calls, so it is approximated by time: the newest whole one-second buckets (over at
 * most `FLEET_COUNT_HORIZON_MS`) that hold at least `calls` calls together.
 */
import type { BreakerConfig } from '../../machines/breaker.types.js';
import { windowTotals, type WindowConfig } from '../../machines/breaker.window.js';
import type { Breaker } from '../breaker.js';

/** The most buckets a fleet window keeps (a finer local time window is summed in coarser buckets). */
export const FLEET_MAX_BUCKETS = 60;
/** Milliseconds of one bucket of a count window's fleet approximation. */
export const FLEET_COUNT_BUCKET_MS = 1_000;
/** Milliseconds a count window's fleet approximation looks back at most. */
export const FLEET_COUNT_HORIZON_MS = 60_000;

/** The rate rule a flush carries to the fleet: the window's shape on the share's clock and the thresholds. */
export interface FleetWindowRule {
  /** Milliseconds per bucket (a whole number >= 1). */
  readonly bucketMs: number;
  /** Buckets summed, newest first (1..FLEET_MAX_BUCKETS). */
  readonly buckets: number;
  /** Count window: stop summing once this many calls are in (0: a time window, sum every bucket). */
  readonly calls: number;
  /** Calls the fleet's window must hold before a rate counts. */
  readonly minimumCalls: number;
  /** Failure rate (0..1] at which the fleet opens. */
  readonly failureRateThreshold: number;
  /** Slow-call rate (0..1] at which the fleet opens. */
  readonly slowCallRateThreshold: number;
}

/** Calls, failures and slow calls of a fleet window. */
export interface FleetWindowTotals {
  readonly calls: number;
  readonly failures: number;
  readonly slow: number;
}

/** The fleet rule of a breaker's window, or null without a window. */
export function fleetWindowRule(config: BreakerConfig): FleetWindowRule | null {
  const spec: WindowConfig | null = config.window;
  if (spec === null) return null;
  const rates = {
    minimumCalls: config.minimumCalls,
    failureRateThreshold: config.failureRateThreshold,
    slowCallRateThreshold: config.slowCallRateThreshold,
  };
  if (spec.kind === 'count') {
    return {
      bucketMs: FLEET_COUNT_BUCKET_MS,
      buckets: FLEET_COUNT_HORIZON_MS / FLEET_COUNT_BUCKET_MS,
      calls: spec.size,
      ...rates,
    };
  }
  const buckets = Math.min(spec.size, FLEET_MAX_BUCKETS);
  return {
    bucketMs: Math.max(1, Math.ceil((spec.size * spec.bucketMs) / buckets)),
    buckets,
    calls: 0,
    ...rates,
  };
}

/** One bucket's counters, by bucket number (`floor(time / bucketMs)`). */
export type FleetBuckets = Map<number, { calls: number; failures: number; slow: number }>;

/** The bucket number of time `now` (share clock, milliseconds). */
export const bucketOf = (rule: FleetWindowRule, now: number): number => Math.floor(now / rule.bucketMs);

/** Drops the buckets older than the rule's span at `now`. In place. */
export function pruneBuckets(rule: FleetWindowRule, buckets: FleetBuckets, now: number): void {
  const oldest = bucketOf(rule, now) - rule.buckets + 1;
  for (const key of buckets.keys()) if (key < oldest) buckets.delete(key);
}

/** The fleet window's totals at `now`: newest bucket first, a count window stopping at `rule.calls` calls. */
export function fleetTotals(rule: FleetWindowRule, buckets: FleetBuckets, now: number): FleetWindowTotals {
  let calls = 0;
  let failures = 0;
  let slow = 0;
  const newest = bucketOf(rule, now);
  for (let i = 0; i < rule.buckets; i++) {
    const b = buckets.get(newest - i);
    if (b !== undefined) {
      calls += b.calls;
      failures += b.failures;
      slow += b.slow;
    }
    if (rule.calls > 0 && calls >= rule.calls) break;
  }
  return { calls, failures, slow };
}

/** The rate rule the fleet's totals reach (failure rate first), or null below `minimumCalls` or the thresholds. */
export function fleetRateReached(
  rule: FleetWindowRule,
  totals: FleetWindowTotals,
): 'failureRate' | 'slowCallRate' | null {
  if (totals.calls === 0 || totals.calls < rule.minimumCalls) return null;
  if (totals.failures / totals.calls >= rule.failureRateThreshold) return 'failureRate';
  if (totals.slow / totals.calls >= rule.slowCallRateThreshold) return 'slowCallRate';
  return null;
}

/** Successes in a breaker's own window at `now` (0 without a window, or for no breaker). */
export function localWindowSuccesses(breaker: Breaker | undefined, now: number): number {
  if (breaker === undefined || breaker.config.window === null) return 0;
  const { window } = breaker.getSnapshot().context;
  if (window === null) return 0;
  const totals = windowTotals(breaker.config.window, window, now);
  return totals.calls - totals.failures;
}
