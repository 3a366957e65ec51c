/** Rejections: when the runtime may decide one without the chart, and the error a rejected call gets. */
import { hasProbeSlot, isBackoffElapsed, remainingBackoff } from '../../machines/breaker.logic.js';
import type { BreakerContext, BreakerState } from '../../machines/breaker.types.js';
import { BreakerStoppedError, BrokenCircuitError, IsolatedCircuitError, withoutStack } from '../errors.js';
import type { Rejecting } from './batch.js';

/** Would the machine answer `call.requested` at `at` only by counting a rejection? */
export function rejectsWithoutChange(state: BreakerState, context: BreakerContext, at: number): boolean {
  if (state === 'open') return !isBackoffElapsed(context, at);
  if (state === 'halfOpen') return !hasProbeSlot(context);
  return state === 'isolated';
}

/**
 * The error a rejected `execute()` rejects with: stackless, since rejections are control flow.
 * `current` is the actor's state and context, undefined while the breaker is dormant.
 */
export function rejectionError(
  tool: string | undefined,
  stopped: boolean,
  current: { readonly state: BreakerState; readonly context: BreakerContext } | undefined,
  now: () => number,
): BrokenCircuitError | BreakerStoppedError {
  if (stopped) return new BreakerStoppedError(tool);
  if (current === undefined) return withoutStack(() => new BrokenCircuitError('open', null, tool));
  const { state, context } = current;
  if (state === 'isolated') return withoutStack(() => new IsolatedCircuitError(tool));
  const remaining = remainingBackoff(context, now());
  return withoutStack(() => new BrokenCircuitError(state as Rejecting, remaining, tool));
}
