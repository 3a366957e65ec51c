/**
 * The breaker chart's start: the transient `starting` state chooses, by the input's `start`,
 * the state the chart begins in. Without `start` the chart begins in `closed` as a new breaker
 * does; with `start` it begins in the given state with the given context (a restored snapshot,
 * or a dormant breaker's context when it wakes), its generation kept, and a restored open,
 * probing or claiming circuit re-armed by the chart itself (`breaker.rearm` at `start.at`).
 *
 * A dormant breaker woken by the failure that trips it gives that failure too (`start.outcome`):
 * the first step takes it as `closed` takes a `call.failed`, by the same guards and actions
 * (`isTrippingFailure` / `isRateReached` → `recordFailure`, `recordOutcome`, `tripCircuit`),
 * and the chart starts in `open`: one actor start instead of a start and an event.
 */
import { breakerSetup } from './breaker.setup.js';
import type { BreakerContext, BreakerEvent, BreakerInput } from './breaker.types.js';

/** Every state value the chart can start in: the values of its resting states. */
export type BreakerStartValue =
  | 'closed'
  | { readonly open: 'cooling' }
  | { readonly halfOpen: 'idle' | 'probing' | 'claiming' }
  | 'isolated';

/** Where and how the chart starts: the input's `start`. */
export interface BreakerStart {
  /** The state to start in. */
  readonly value: BreakerStartValue;
  /** The context to start with (its `config` is the one the chart runs with). */
  readonly context: BreakerContext;
  /** Now, in epoch milliseconds: when a restored timer is re-armed from. */
  readonly at: number;
  /**
   * With `value: 'closed'` only: the failure that wakes the breaker, taken in the chart's first
   * step as `closed` takes it. One that trips starts the chart in `open` (a new generation);
   * one that does not is not recorded, and the chart starts closed in a new generation (the
   * permits of the given one are void). Ignored with any other `value`.
   */
  readonly outcome?: StartOutcome;
}

/** The failure a waking breaker hands its chart: the `call.failed` it would have sent. */
export type StartOutcome = Extract<BreakerEvent, { readonly type: 'call.failed' }>;

/** The event of the chart's first step: the actor's input, as XState passes it. */
interface StartEvent {
  readonly type: 'xstate.init';
  readonly input?: BreakerInput;
}

/** The input's `start` when `event` is the chart's first step with one; else undefined. */
export function givenStart(event: { readonly type: string }): BreakerStart | undefined {
  return event.type === 'xstate.init' ? (event as StartEvent).input?.start : undefined;
}

/**
 * The event a guard or action of the chart's step reads: the start's `outcome` in the first
 * step of a chart started closed with one, else the step's own event.
 */
export function stepEvent(event: BreakerEvent): BreakerEvent {
  if ((event as { readonly type: string }).type !== 'xstate.init') return event;
  const start = givenStart(event);
  return start?.outcome !== undefined && start.value === 'closed' ? start.outcome : event;
}

/** The context the chart begins with: the given one, or a new breaker's. */
export const startContext = (input: BreakerInput, fresh: (input: BreakerInput) => BreakerContext) =>
  input.start?.context ?? fresh(input);

const startsIn =
  (test: (value: BreakerStartValue) => boolean) =>
  ({ event }: { readonly event: unknown }): boolean => {
    const start = givenStart(event as BreakerEvent);
    return start !== undefined && test(start.value);
  };

const halfOpenIn = (value: BreakerStartValue): string | undefined =>
  typeof value === 'object' && 'halfOpen' in value ? value.halfOpen : undefined;

export const startGuards = {
  startsClosed: startsIn((value) => value === 'closed'),
  startsOpen: startsIn((value) => typeof value === 'object' && 'open' in value),
  startsHalfOpenIdle: startsIn((value) => halfOpenIn(value) === 'idle'),
  startsProbing: startsIn((value) => halfOpenIn(value) === 'probing'),
  startsClaiming: startsIn((value) => halfOpenIn(value) === 'claiming'),
  startsIsolated: startsIn((value) => value === 'isolated'),
};

export const startActions = {
  /**
   * Re-arms the timer of the state just started in (XState keeps no pending timer in a
   * snapshot): `breaker.rearm` at `start.at`, taken before the actor's start returns.
   */
  rearmStarted: breakerSetup.raise(({ event }) => ({
    type: 'breaker.rearm' as const,
    at: givenStart(event)?.at ?? 0,
  })),
};

/**
 * True when `event` starts the chart in a given state: the entry actions of the state started
 * in leave the given context as it is (its generation was counted when it was first entered).
 * A start with an `outcome` leaves `closed` at once: the state it enters is a new generation.
 */
export const keepsGivenContext = (event: { readonly type: string }): boolean => {
  const start = givenStart(event);
  return start !== undefined && (start.outcome === undefined || start.value !== 'closed');
};
