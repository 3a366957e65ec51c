/**
 * A dormant breaker's settlement: closed, no actor, its state a plain context changed only
 * through the chart's own closed-state functions, until an outcome gives the chart work.
 */
import { reachesThreshold, withFailureRecorded, withFailuresCleared } from '../../machines/breaker.logic.js';
import type { BreakerContext } from '../../machines/breaker.types.js';
import type { ErrorCategory } from '../../machines/categories.js';
import { outcomeOf, recordInPlace, tripsWindow } from './window.js';

/** The chart's `clearFailures` and `recordOutcome` for a success; `'wake'` when it trips a rate. */
export function dormantSuccess(
  context: BreakerContext,
  now: () => number,
  durationMs: number | undefined,
): BreakerContext | 'wake' {
  if (context.window !== null) {
    const outcome = outcomeOf(context, now(), null, durationMs);
    if (tripsWindow(context, outcome)) return 'wake';
    recordInPlace(context, outcome);
  }
  return context.failureCount > 0 ? withFailuresCleared(context) : context;
}

/**
 * The chart's `recordFailure` and `recordOutcome` for a counting failure below the thresholds;
 * `'wake'` when it reaches the failure threshold or trips a rate.
 */
export function dormantFailure(
  context: BreakerContext,
  category: ErrorCategory,
  now: () => number,
  durationMs: number | undefined,
): BreakerContext | 'wake' {
  const outcome = outcomeOf(context, now(), category, durationMs);
  if (reachesThreshold(context) || tripsWindow(context, outcome)) return 'wake';
  recordInPlace(context, outcome);
  return withFailureRecorded(context, category, now());
}
