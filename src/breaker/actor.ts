/** How a standalone breaker's actor is created (a registry's breakers are spawned by its chart). */
import { createActor, type Actor } from 'xstate';
import { breakerMachine, type BreakerMachine } from '../../machines/breaker.machine.js';
import type { BreakerStart, StartOutcome } from '../../machines/breaker.start.js';
import { startedOpening } from '../../machines/breaker.start.opening.js';
import type {
  BreakerConfig,
  BreakerContext,
  BreakerEmitted,
  BreakerInput,
} from '../../machines/breaker.types.js';
import { clockRunningFirst, unrefClock } from '../clock.js';
import type { ResolvedBreakerOptions } from '../options.js';
import type { LiveBreakerSnapshot } from '../snapshot.js';
import type { Breaker } from './breaker.js';
import type { BreakerHost } from './host.js';

/**
 * A new, unstarted actor of the breaker chart, started by the chart in `start`'s state and
 * context (none: a new breaker). Batches are flushed (`flush`) before any timer's transition: a
 * standalone actor gets a clock that runs `flush` first; a hosted actor runs on its host's
 * system clock, which flushes every batching breaker of the host.
 */
export function createBreakerActor(
  options: ResolvedBreakerOptions,
  start: BreakerStart | undefined,
  flush: () => void,
): Actor<BreakerMachine> {
  const { config, clock, inspect } = options;
  return createActor(breakerMachine, {
    input: breakerInput(config, start),
    clock: clockRunningFirst(clock ?? unrefClock, flush),
    ...(inspect === undefined ? {} : { inspect }),
  });
}

/** The chart's input: its config, and where it starts. */
export function breakerInput(config: BreakerConfig, start: BreakerStart | undefined): BreakerInput {
  return start === undefined ? { config } : { config, start };
}

/**
 * The chart's `start` for a restored snapshot or a dormant context, re-armed from `at`; with
 * `outcome`, the failure that wakes a dormant breaker, taken in the chart's first step.
 */
export function startOf(snapshot: LiveBreakerSnapshot, at: number, outcome?: StartOutcome): BreakerStart {
  const { value, context } = snapshot;
  return outcome === undefined ? { value, context, at } : { value, context, at, outcome };
}

/** What XState keeps of a running actor to deliver its emitted events (`actor.on`). */
interface EmittingActor {
  readonly _actorScope?: { readonly emit?: (event: BreakerEmitted) => void };
}

/**
 * Hands `actor`'s listeners the `opened` event its chart emitted when it opened in its first
 * step on `outcome`: a hosted actor is started by its host's chart, before its breaker and its
 * host could subscribe, so the event went to no one. Delivered through the actor's own emitter,
 * as the chart's emission is; nothing when the chart did not open.
 */
function announceStartedOpening(actor: Actor<BreakerMachine>, outcome: StartOutcome): void {
  const { value, context } = actor.getSnapshot();
  if (typeof value !== 'object' || !('open' in value)) return;
  const emit = (actor as unknown as EmittingActor)._actorScope?.emit;
  if (typeof emit !== 'function')
    throw new Error('tripstate: this XState actor has no emitter to announce an opening');
  emit(startedOpening(context, outcome));
}

/** The snapshot of a dormant breaker: closed, with its context. */
export function dormantSnapshot(context: BreakerContext): LiveBreakerSnapshot {
  return { status: 'active', value: 'closed', context, historyValue: {}, children: {} };
}

/**
 * Tells `host` its breaker's actor is spawned and subscribed to (`host.adopt`); started with
 * `outcome`, the `opened` event the chart emitted before anyone listened is then announced.
 */
export function adoptBy(
  host: BreakerHost,
  breaker: Breaker,
  actor: Actor<BreakerMachine>,
  outcome: StartOutcome | undefined,
): void {
  host.adopt(breaker);
  if (outcome !== undefined) announceStartedOpening(actor, outcome);
}

/**
 * Lets go of the `start` in a started actor's input: XState keeps an actor's input for its
 * whole life, and the chart reads `start` only in its first step, so an open circuit would
 * otherwise keep the dormant context it woke from and the failure that woke it.
 */
export function forgetStart(actor: Actor<BreakerMachine>): void {
  const input = actor.options.input as { start?: BreakerStart } | undefined;
  if (input?.start !== undefined) delete input.start;
}
