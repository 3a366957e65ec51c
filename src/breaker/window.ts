/**
 * The runtime's side of the outcome window: what the chart's `recordOutcome` action does,
 * done in place on the live window when the chart would do nothing else. Nothing here
 * allocates, and a count window reads no clock: it runs on every call of a windowed breaker.
 */
import { tripsOnRate } from '../../machines/breaker.logic.js';
import type { BreakerContext } from '../../machines/breaker.types.js';
import { addOutcome, advanceWindow } from '../../machines/breaker.window.js';

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
