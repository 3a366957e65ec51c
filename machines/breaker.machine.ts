/**
 * The breaker statechart: the one specification of tripstate's Closed/Open/HalfOpen
 * lifecycle. Pure: time arrives in events (`at`), never from a clock.
 *
 *   closed ──threshold──▶ open.cooling ──backoff──▶ halfOpen.idle ──request──▶ halfOpen.probing
 *     ▲                        ▲                                                   │ │ │
 *     └────── probe succeeded ─┼───────────────────────────────────────────────────┘ │ │
 *                              └──── probe failed / probeTimeout ────────────────────┘ │
 *                                               halfOpen.idle ◀── probe freed ─────────┘
 *   any ──breaker.isolate──▶ isolated ──breaker.release──▶ closed;  any ──breaker.reset──▶ closed
 */
import { assign, enqueueActions, setup } from 'xstate';
import {
  countsAsFailure,
  hasProbeSlot,
  isBackoffElapsed,
  isCurrent,
  nextBackoff,
  openDuration,
  reachesThreshold,
  remainingBackoff,
  withFailureRecorded,
  withFailuresCleared,
} from './breaker.logic.js';
import type {
  BreakerConfig,
  BreakerContext,
  BreakerEmitted,
  BreakerEvent,
  BreakerInput,
  BreakerState,
} from './breaker.types.js';

/** The context of a breaker that has never seen a call. */
export function initialBreakerContext(config: BreakerConfig): BreakerContext {
  return {
    config,
    generation: 0,
    failureCount: 0,
    currentBackoffMs: 0,
    retryAt: null,
    openedAt: null,
    openCount: 0,
    halfOpenCount: 0,
    deniedRequests: 0,
    lastDeniedAt: null,
    lastErrorCategory: null,
    lastErrorAt: null,
    probesInFlight: 0,
    probeStartedAt: null,
  };
}

const jitterDraw = (config: BreakerConfig): number => (config.jitter > 0 ? Math.random() : 0);

/** The time of an event: its `at`, or for a timer's event the deadline that fired it. */
const timeOf = (event: { type: string }, deadline: number | null): number =>
  'at' in event && typeof event.at === 'number' ? event.at : (deadline ?? 0);

/** What every way back to `closed` clears (the last error and its time stay until a newer one). */
const recovered = {
  failureCount: 0,
  currentBackoffMs: 0,
  retryAt: null,
  openedAt: null,
  probesInFlight: 0,
  probeStartedAt: null,
} as const;

export const breakerMachine = setup({
  types: {
    context: {} as BreakerContext,
    events: {} as BreakerEvent,
    input: {} as BreakerInput,
    emitted: {} as BreakerEmitted,
  },
  guards: {
    isCurrentGeneration: ({ context, event }) =>
      'generation' in event && isCurrent(context, event.generation),
    isCountingFailure: ({ context, event }) =>
      event.type === 'call.failed' &&
      isCurrent(context, event.generation) &&
      countsAsFailure(context.config, event.category),
    isTrippingFailure: ({ context, event }) =>
      event.type === 'call.failed' &&
      isCurrent(context, event.generation) &&
      countsAsFailure(context.config, event.category) &&
      reachesThreshold(context, event.count ?? 1),
    hasFailuresToClear: ({ context, event }) =>
      event.type === 'call.succeeded' && isCurrent(context, event.generation) && context.failureCount > 0,
    isBackoffElapsed: ({ context, event }) =>
      event.type === 'call.requested' && isBackoffElapsed(context, event.at),
    hasProbeSlot: ({ context }) => hasProbeSlot(context),
    isLastProbe: ({ context, event }) =>
      'generation' in event && isCurrent(context, event.generation) && context.probesInFlight <= 1,
  },
  delays: {
    /** Until `retryAt`, as seen from the event that entered `open.cooling`. */
    backoff: ({ context, event }) => remainingBackoff(context, timeOf(event, context.openedAt)) ?? 0,
    probeTimeout: ({ context }) => context.config.probeTimeoutMs,
  },
  actions: {
    nextGeneration: assign({ generation: ({ context }) => context.generation + 1 }),
    recordFailure: assign(({ context, event }) =>
      event.type === 'call.failed'
        ? withFailureRecorded(context, event.category, event.at, event.count ?? 1)
        : context,
    ),
    clearFailures: assign(({ context }) => withFailuresCleared(context)),
    tripCircuit: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'call.failed') return;
      const backoffMs = nextBackoff(context.config, 0);
      const duration = openDuration(
        context.config,
        backoffMs,
        jitterDraw(context.config),
        event.retryAfterMs,
      );
      const retryAt = event.at + duration;
      enqueue.assign({
        currentBackoffMs: backoffMs,
        openedAt: event.at,
        retryAt,
        openCount: context.openCount + 1,
      });
      enqueue.emit({
        type: 'opened',
        reason: 'threshold',
        backoffMs: duration,
        retryAt,
        failureCount: context.failureCount,
        category: event.category,
      });
    }),
    reopenAfterProbeFailure: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'call.failed') return;
      const backoffMs = nextBackoff(context.config, context.currentBackoffMs);
      const duration = openDuration(
        context.config,
        backoffMs,
        jitterDraw(context.config),
        event.retryAfterMs,
      );
      const retryAt = event.at + duration;
      enqueue.assign({
        currentBackoffMs: backoffMs,
        openedAt: event.at,
        retryAt,
        openCount: context.openCount + 1,
        lastErrorCategory: event.category,
        lastErrorAt: event.at,
        probesInFlight: 0,
        probeStartedAt: null,
      });
      enqueue.emit({
        type: 'opened',
        reason: 'probeFailed',
        backoffMs: duration,
        retryAt,
        failureCount: context.failureCount,
        category: event.category,
      });
    }),
    reopenAfterProbeTimeout: enqueueActions(({ context, enqueue }) => {
      const at = (context.probeStartedAt ?? 0) + context.config.probeTimeoutMs;
      const backoffMs = nextBackoff(context.config, context.currentBackoffMs);
      const duration = openDuration(context.config, backoffMs, jitterDraw(context.config));
      const retryAt = at + duration;
      enqueue.assign({
        currentBackoffMs: backoffMs,
        openedAt: at,
        retryAt,
        openCount: context.openCount + 1,
        lastErrorCategory: 'timeout',
        lastErrorAt: at,
        probesInFlight: 0,
        probeStartedAt: null,
      });
      enqueue.emit({
        type: 'opened',
        reason: 'probeTimeout',
        backoffMs: duration,
        retryAt,
        failureCount: context.failureCount,
        category: 'timeout',
      });
    }),
    enterHalfOpen: enqueueActions(({ context, event, enqueue }) => {
      enqueue.assign({
        generation: context.generation + 1,
        halfOpenCount: context.halfOpenCount + 1,
        retryAt: null,
        probesInFlight: 0,
        probeStartedAt: null,
      });
      enqueue.emit({ type: 'halfOpened', at: timeOf(event, context.retryAt) });
    }),
    claimProbe: assign({
      probesInFlight: ({ context }) => context.probesInFlight + 1,
      probeStartedAt: ({ context, event }) => context.probeStartedAt ?? timeOf(event, null),
    }),
    freeProbe: assign({
      probesInFlight: ({ context }) => Math.max(0, context.probesInFlight - 1),
      probeStartedAt: ({ context }) => (context.probesInFlight > 1 ? context.probeStartedAt : null),
    }),
    abandonProbes: assign({
      generation: ({ context }) => context.generation + 1,
      probesInFlight: 0,
      probeStartedAt: null,
    }),
    closeAfterProbe: enqueueActions(({ enqueue }) => {
      enqueue.assign(recovered);
      enqueue.emit({ type: 'closed', reason: 'probeSucceeded' });
    }),
    resetCircuit: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({
        ...initialBreakerContext(context.config),
        generation: context.generation,
      });
      enqueue.emit({ type: 'closed', reason: 'reset' });
    }),
    isolateCircuit: enqueueActions(({ event, enqueue }) => {
      enqueue.assign({
        retryAt: null,
        openedAt: timeOf(event, null),
        probesInFlight: 0,
        probeStartedAt: null,
      });
      enqueue.emit({ type: 'isolated' });
    }),
    releaseIsolation: enqueueActions(({ enqueue }) => {
      enqueue.assign(recovered);
      enqueue.emit({ type: 'closed', reason: 'released' });
    }),
    recordDenial: enqueueActions(
      ({ context, event, enqueue }, params: { state: Exclude<BreakerState, 'closed'> }) => {
        const at = timeOf(event, null);
        enqueue.assign({ deniedRequests: context.deniedRequests + 1, lastDeniedAt: at });
        enqueue.emit({
          type: 'rejected',
          state: params.state,
          count: 1,
          remainingBackoffMs: remainingBackoff(context, at),
        });
      },
    ),
    recordDenials: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'call.rejected') return;
      enqueue.assign({ deniedRequests: context.deniedRequests + event.count, lastDeniedAt: event.at });
      enqueue.emit({
        type: 'rejected',
        state: event.state,
        count: event.count,
        remainingBackoffMs: remainingBackoff(context, event.at),
      });
    }),
  },
}).createMachine({
  id: 'breaker',
  context: ({ input }) => initialBreakerContext(input.config),
  initial: 'closed',
  on: {
    'breaker.reset': { target: '.closed', reenter: true, actions: 'resetCircuit' },
    'breaker.isolate': { target: '.isolated', actions: 'isolateCircuit' },
    'call.rejected': { actions: 'recordDenials' },
  },
  states: {
    closed: {
      entry: 'nextGeneration',
      on: {
        'call.failed': [
          { guard: 'isTrippingFailure', target: 'open', actions: ['recordFailure', 'tripCircuit'] },
          { guard: 'isCountingFailure', actions: 'recordFailure' },
        ],
        'call.succeeded': { guard: 'hasFailuresToClear', actions: 'clearFailures' },
      },
    },
    open: {
      entry: 'nextGeneration',
      initial: 'cooling',
      states: {
        cooling: { after: { backoff: { target: '#breaker.halfOpen' } } },
      },
      on: {
        'call.requested': [
          { guard: 'isBackoffElapsed', target: 'halfOpen.probing' },
          { actions: { type: 'recordDenial', params: { state: 'open' } } },
        ],
        'breaker.rearm': { target: '.cooling', reenter: true },
      },
    },
    halfOpen: {
      entry: 'enterHalfOpen',
      initial: 'idle',
      states: {
        idle: {
          on: { 'call.requested': { target: 'probing' } },
        },
        probing: {
          entry: 'claimProbe',
          after: {
            probeTimeout: { target: '#breaker.open', actions: 'reopenAfterProbeTimeout' },
          },
          on: {
            'call.requested': [
              { guard: 'hasProbeSlot', actions: 'claimProbe' },
              { actions: { type: 'recordDenial', params: { state: 'halfOpen' } } },
            ],
            'call.succeeded': {
              guard: 'isCurrentGeneration',
              target: '#breaker.closed',
              actions: 'closeAfterProbe',
            },
            'call.failed': [
              { guard: 'isCountingFailure', target: '#breaker.open', actions: 'reopenAfterProbeFailure' },
              { guard: 'isLastProbe', target: 'idle', actions: 'freeProbe' },
              { guard: 'isCurrentGeneration', actions: 'freeProbe' },
            ],
            'call.released': [
              { guard: 'isLastProbe', target: 'idle', actions: 'freeProbe' },
              { guard: 'isCurrentGeneration', actions: 'freeProbe' },
            ],
            'breaker.rearm': { target: 'idle', actions: 'abandonProbes' },
          },
        },
      },
    },
    isolated: {
      entry: 'nextGeneration',
      on: {
        'call.requested': { actions: { type: 'recordDenial', params: { state: 'isolated' } } },
        'breaker.isolate': { actions: [] },
        'breaker.release': { target: 'closed', actions: 'releaseIsolation' },
      },
    },
  },
});

/** The breaker machine's type, for embedding and `.provide()`. */
export type BreakerMachine = typeof breakerMachine;
