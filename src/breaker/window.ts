/**
 * The runtime's side of the outcome window: what the chart's `recordOutcome` action does,
 * done in place on the live window when the chart would do nothing else.
 */
import { isSlowCall, tripsOnRate } from '../../machines/breaker.logic.js';
import type { BreakerContext } from '../../machines/breaker.types.js';
import { addOutcome, advanceWindow } from '../../machines/breaker.window.js';
import type { ErrorCategory } from '../../machines/categories.js';

/** One counted outcome, as the window sees it. */
export interface WindowOutcome {
  readonly at: number;
  readonly failed: boolean;
  readonly slow: boolean;
}

/** The outcome of a success (`category` null) or of a counting failure at `at`. */
export function outcomeOf(
  context: BreakerContext,
  at: number,
  category: ErrorCategory | null,
  durationMs: number | undefined,
): WindowOutcome {
  return { at, failed: category !== null, slow: isSlowCall(context.config, category, durationMs) };
}

/** True when the outcome would bring the window to a rate threshold (the chart's `isRateReached`). */
export function tripsWindow(context: BreakerContext, outcome: WindowOutcome): boolean {
  return tripsOnRate(context, outcome.at, outcome.failed, outcome.slow);
}

/** Records the outcome in the context's live window, in place (no-op without a window). */
export function recordInPlace(context: BreakerContext, outcome: WindowOutcome): void {
  const spec = context.config.window;
  const window = context.window;
  if (spec === null || window === null) return;
  advanceWindow(spec, window, outcome.at);
  addOutcome(spec, window, outcome.failed, outcome.slow);
}
