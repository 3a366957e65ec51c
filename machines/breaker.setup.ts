/**
 * The breaker chart's types, shared by its guards, actions and delays: `breakerSetup.assign`
 * and `breakerSetup.enqueueActions` type an action against the chart's context, events and
 * emitted events without the chart itself.
 */
import { setup } from 'xstate';
import type { BreakerContext, BreakerEmitted, BreakerEvent, BreakerInput } from './breaker.types.js';

export const breakerSetup = setup({
  types: {
    context: {} as BreakerContext,
    events: {} as BreakerEvent,
    input: {} as BreakerInput,
    emitted: {} as BreakerEmitted,
  },
});

/** What a guard or a delay of the chart reads. */
export interface BreakerArgs {
  readonly context: BreakerContext;
  readonly event: BreakerEvent;
}
