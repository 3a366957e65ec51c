/**
 * A dormant breaker's settlement: closed, no actor, its state a plain context changed only
 * through the chart's own closed-state functions, until an outcome gives the chart work.
 */
import {
  isSlowCall,
  reachesThreshold,
  withFailureRecorded,
  withFailuresCleared,
} from '../../machines/breaker.logic.js';
import type { BreakerContext } from '../../machines/breaker.types.js';
import type { ErrorCategory } from '../../machines/categories.js';
import { recordInPlace, tripsWindow, windowTime } from './window.js';

/** The chart's `clearFailures` and `recordOutcome` for a success; `'wake'` when it trips a rate. */
export function dormantSuccess(
  context: BreakerContext,
  now: () => number,
  durationMs: number | undefined,
): BreakerContext | 'wake' {
  if (context.window !== null) {
    const at = windowTime(context, now);
    const slow = isSlowCall(context.config, null, durationMs);
    if (tripsWindow(context, at, false, slow)) return 'wake';
    recordInPlace(context, at, false, slow);
  }
  return context.failureCount > 0 ? withFailuresCleared(context) : context;
}

/**
 * The chart's `recordFailure` and `recordOutcome` for a counting failure at `at` (epoch
 * milliseconds) below the thresholds; `'wake'` when it reaches the failure threshold or trips a
 * rate, the failure then handed to the chart with the same `at`.
 */
export function dormantFailure(
  context: BreakerContext,
  category: ErrorCategory,
  at: number,
  durationMs: number | undefined,
): BreakerContext | 'wake' {
  if (reachesThreshold(context)) return 'wake';
  const slow = isSlowCall(context.config, category, durationMs);
  if (tripsWindow(context, at, true, slow)) return 'wake';
  recordInPlace(context, at, true, slow);
  return withFailureRecorded(context, category, at);
}
