/**
 * What an opening by the failure count or a rate announces (`tripCircuit`'s `opened` event),
 * read back from the context it left: a woken breaker's chart opens in its first step, before
 * anyone can listen to it, and its runtime hands the same event to the listeners it attaches.
 */
import { rateReached } from './breaker.logic.js';
import { windowTotals } from './breaker.window.js';
import type { BreakerContext, BreakerEmitted } from './breaker.types.js';
import type { StartOutcome } from './breaker.start.js';

type Opened = Extract<BreakerEmitted, { readonly type: 'opened' }>;

/** Why a circuit that counted or recorded its outcome at `at` opens: the threshold or a rate. */
export function openReason(context: BreakerContext, at: number): Opened['reason'] {
  const { config, window } = context;
  if (context.failureCount >= config.failureThreshold) return 'threshold';
  const rate =
    config.window === null || window === null
      ? null
      : rateReached(config, windowTotals(config.window, window, at));
  return rate ?? 'threshold';
}

/**
 * The `opened` event `tripCircuit` emitted when a chart started with `outcome` opened in its
 * first step: equal field by field, read from the open circuit's context.
 */
export function startedOpening(context: BreakerContext, outcome: StartOutcome): Opened {
  const openedAt = context.openedAt ?? outcome.at;
  const retryAt = context.retryAt ?? openedAt;
  return {
    type: 'opened',
    reason: openReason(context, openedAt),
    backoffMs: retryAt - openedAt,
    retryAt,
    failureCount: context.failureCount,
    category: outcome.category,
  };
}
