/**
 * The breaker chart's fleet guards, actions and delays, by the names the chart uses. The rules
 * are the pure functions of `breaker.fleet.ts`; here they are typed against the chart.
 */
import { createWindow } from './breaker.window.js';
import { initialBreakerContext, noProbeResults, recovered, timeOf } from './breaker.context.js';
import { isBackoffElapsed } from './breaker.logic.js';
import {
  isCurrentFleetGeneration,
  isFleetShared,
  isFleetStateNotOlder,
  isNewerFleetState,
  withFleetIsolation,
  withFleetOpening,
  withFleetProbeAwaited,
  withFleetRetime,
} from './breaker.fleet.js';
import { breakerSetup, type BreakerArgs } from './breaker.setup.js';

const fleetGenerationOf = (event: BreakerArgs['event']): number | null =>
  'fleetGeneration' in event ? event.fleetGeneration : null;

export const fleetGuards = {
  /** The breaker took a fleet event: at backoff end it asks the fleet for the probe lease. */
  isFleetShared: ({ context }: BreakerArgs) => isFleetShared(context),
  /** A request after the backoff, in the fleet: it waits for the lease answer (and is rejected). */
  isFleetBackoffElapsed: ({ context, event }: BreakerArgs) =>
    event.type === 'call.requested' && isFleetShared(context) && isBackoffElapsed(context, event.at),
  isNewerFleetState: ({ context, event }: BreakerArgs) => {
    const generation = fleetGenerationOf(event);
    return generation !== null && isNewerFleetState(context, generation);
  },
  isFleetStateNotOlder: ({ context, event }: BreakerArgs) => {
    const generation = fleetGenerationOf(event);
    return generation !== null && isFleetStateNotOlder(context, generation);
  },
  isCurrentFleetGeneration: ({ context, event }: BreakerArgs) => {
    const generation = fleetGenerationOf(event);
    return generation !== null && isCurrentFleetGeneration(context, generation);
  },
};

export const fleetActions = {
  applyFleetOpening: breakerSetup.enqueueActions(({ context, event, enqueue }) => {
    if (event.type !== 'fleet.opened') return;
    const next = withFleetOpening(context, event);
    enqueue.assign(next);
    enqueue.emit({
      type: 'opened',
      reason: event.reason,
      backoffMs: (next.retryAt as number) - event.at,
      retryAt: next.retryAt as number,
      failureCount: context.failureCount,
      category: null,
      remote: true,
    });
  }),
  retimeFleetOpening: breakerSetup.assign(({ event }) =>
    event.type === 'fleet.opened' ? withFleetRetime(event) : {},
  ),
  adoptFleetGeneration: breakerSetup.assign(({ context, event }) => {
    const generation = fleetGenerationOf(event);
    return generation === null || !isNewerFleetState(context, generation)
      ? {}
      : { fleetGeneration: generation };
  }),
  /** No lease answer within `probeTimeoutMs`: half-open goes idle from then, deciding alone. */
  decideAlone: breakerSetup.assign({
    idleSince: ({ context, event }) =>
      timeOf(event, (context.idleSince ?? 0) + context.config.probeTimeoutMs),
  }),
  /**
   * Another process holds the probe lease: open again until it ends, announced as an opening
   * (`probeTaken`, remote) so that every `halfOpened` is followed by the state it left for.
   */
  awaitFleetProbe: breakerSetup.enqueueActions(({ context, event, enqueue }) => {
    if (event.type !== 'fleet.probeTaken') return;
    const next = withFleetProbeAwaited(event);
    enqueue.assign(next);
    enqueue.emit({
      type: 'opened',
      reason: 'probeTaken',
      backoffMs: next.retryAt - event.at,
      retryAt: next.retryAt,
      failureCount: context.failureCount,
      category: null,
      remote: true,
    });
  }),
  applyFleetClosing: breakerSetup.enqueueActions(({ context, event, enqueue }) => {
    enqueue.assign({ ...recovered(context.config), fleetGeneration: fleetGenerationOf(event) });
    enqueue.emit({ type: 'closed', reason: 'probeSucceeded', remote: true });
  }),
  /** The fleet's isolation: rejected until the fleet (or this process) releases it. */
  applyFleetIsolation: breakerSetup.enqueueActions(({ event, enqueue }) => {
    if (event.type !== 'fleet.isolated') return;
    enqueue.assign(withFleetIsolation(event));
    enqueue.emit({ type: 'isolated', remote: true });
  }),
  /** The fleet's isolation released: closed with counters cleared, as `release()` leaves it. */
  applyFleetRelease: breakerSetup.enqueueActions(({ context, event, enqueue }) => {
    enqueue.assign({ ...recovered(context.config), fleetGeneration: fleetGenerationOf(event) });
    enqueue.emit({ type: 'closed', reason: 'released', remote: true });
  }),
  applyFleetReset: breakerSetup.enqueueActions(({ context, event, enqueue }) => {
    enqueue.assign({
      ...initialBreakerContext(context.config),
      window: createWindow(context.config.window),
      ...noProbeResults,
      generation: context.generation,
      fleetGeneration: fleetGenerationOf(event),
    });
    enqueue.emit({ type: 'closed', reason: 'reset', remote: true });
  }),
};

export const fleetDelays = {
  /** How long half-open waits for the fleet's answer about the probe lease before deciding alone. */
  fleetAnswer: ({ context }: BreakerArgs) => context.config.probeTimeoutMs,
};
