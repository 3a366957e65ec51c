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
 *
 * With a `window`, closed also opens when an outcome brings the window's failure or slow-call
 * rate to its threshold (`isRateReached`), and half-open decides on `halfOpenProbes` results
 * (`failsProbes` / `passesProbes`) instead of the first one.
 */
import { assign, enqueueActions, setup } from 'xstate';
import {
  countsAsFailure,
  hasProbeSlot,
  isBackoffElapsed,
  isCurrent,
  isSlowCall,
  nextBackoff,
  openDuration,
  probeVerdict,
  rateReached,
  reachesThreshold,
  remainingBackoff,
  tripsOnRate,
  withFailureRecorded,
  withFailuresCleared,
} from './breaker.logic.js';
import { createWindow, windowTotals, withOutcome } from './breaker.window.js';
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
    window: createWindow(config.window),
    probeResults: 0,
    probeFailures: 0,
    probeSlowCalls: 0,
    idleSince: null,
  };
}

const jitterDraw = (config: BreakerConfig): number => (config.jitter > 0 ? Math.random() : 0);

/** The time of an event: its `at`, or for a timer's event the deadline that fired it. */
const timeOf = (event: { type: string }, deadline: number | null): number =>
  'at' in event && typeof event.at === 'number' ? event.at : (deadline ?? 0);

/** What every way back to `closed` clears (the last error and its time stay until a newer one). */
const recovered = (config: BreakerConfig) =>
  ({
    failureCount: 0,
    currentBackoffMs: 0,
    retryAt: null,
    openedAt: null,
    probesInFlight: 0,
    probeStartedAt: null,
    window: createWindow(config.window),
    ...noProbeResults,
  }) as const;

const noProbeResults = { probeResults: 0, probeFailures: 0, probeSlowCalls: 0 } as const;

/**
 * A result the window or the probes count: a success, or a failure of a category in `tripOn`
 * (`failed`), slow when it timed out or took longer than `slowCallDurationMs`; null for
 * anything else (a failure that does not trip is neither a success nor a failure).
 */
function countedOutcome(
  context: BreakerContext,
  event: BreakerEvent,
): { failed: boolean; slow: boolean } | null {
  if (event.type === 'call.succeeded') {
    return { failed: false, slow: isSlowCall(context.config, null, event.durationMs) };
  }
  if (event.type === 'call.failed' && countsAsFailure(context.config, event.category)) {
    return { failed: true, slow: isSlowCall(context.config, event.category, event.durationMs) };
  }
  return null;
}

/** The counted outcome of a result of the current generation, or null. */
function currentOutcome(context: BreakerContext, event: BreakerEvent) {
  return 'generation' in event && isCurrent(context, event.generation)
    ? countedOutcome(context, event)
    : null;
}

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
    isRateReached: ({ context, event }) => {
      const outcome = currentOutcome(context, event);
      if (outcome === null || (event.type === 'call.failed' && event.inWindow === true)) return false;
      return tripsOnRate(context, (event as { at: number }).at, outcome.failed, outcome.slow);
    },
    hasHealthCheck: ({ context }) => context.config.healthCheckGraceMs !== null,
    isWindowed: ({ context, event }) =>
      'generation' in event && isCurrent(context, event.generation) && context.window !== null,
    failsProbes: ({ context, event }) => {
      const outcome = currentOutcome(context, event);
      return outcome !== null && probeVerdict(context, outcome.failed, outcome.slow) === 'fail';
    },
    passesProbes: ({ context, event }) => {
      const outcome = currentOutcome(context, event);
      return outcome !== null && probeVerdict(context, outcome.failed, outcome.slow) === 'pass';
    },
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
    /**
     * How long half-open stays idle before the health check runs. Without a health check it is
     * no number, so XState raises its event at once (the guard refuses it) and sets no timer.
     */
    healthCheckGrace: ({ context }) => context.config.healthCheckGraceMs ?? (undefined as unknown as number),
  },
  actions: {
    nextGeneration: assign({ generation: ({ context }) => context.generation + 1 }),
    recordFailure: assign(({ context, event }) =>
      event.type === 'call.failed'
        ? withFailureRecorded(context, event.category, event.at, event.count ?? 1)
        : context,
    ),
    clearFailures: assign(({ context }) => withFailuresCleared(context)),
    recordOutcome: assign({
      window: ({ context, event }) => {
        const { config, window } = context;
        const outcome = countedOutcome(context, event);
        if (config.window === null || window === null || outcome === null) return window;
        if (event.type === 'call.failed' && event.inWindow === true) return window;
        return withOutcome(config.window, window, (event as { at: number }).at, outcome.failed, outcome.slow);
      },
    }),
    tripCircuit: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'call.failed' && event.type !== 'call.succeeded') return;
      const { config, window } = context;
      const rate =
        config.window === null || window === null
          ? null
          : rateReached(config, windowTotals(config.window, window, event.at));
      const reason = context.failureCount >= config.failureThreshold ? 'threshold' : (rate ?? 'threshold');
      const backoffMs = nextBackoff(context.config, 0);
      const duration = openDuration(
        context.config,
        backoffMs,
        jitterDraw(context.config),
        event.type === 'call.failed' ? event.retryAfterMs : undefined,
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
        reason,
        backoffMs: duration,
        retryAt,
        failureCount: context.failureCount,
        category: event.type === 'call.failed' ? event.category : null,
      });
    }),
    reopenAfterProbeFailure: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'call.failed' && event.type !== 'call.succeeded') return;
      const failed = event.type === 'call.failed';
      const backoffMs = nextBackoff(context.config, context.currentBackoffMs);
      const duration = openDuration(
        context.config,
        backoffMs,
        jitterDraw(context.config),
        failed ? event.retryAfterMs : undefined,
      );
      const retryAt = event.at + duration;
      enqueue.assign({
        currentBackoffMs: backoffMs,
        openedAt: event.at,
        retryAt,
        openCount: context.openCount + 1,
        lastErrorCategory: failed ? event.category : context.lastErrorCategory,
        lastErrorAt: failed ? event.at : context.lastErrorAt,
        probesInFlight: 0,
        probeStartedAt: null,
        ...noProbeResults,
      });
      enqueue.emit({
        type: 'opened',
        reason: 'probeFailed',
        backoffMs: duration,
        retryAt,
        failureCount: context.failureCount,
        category: failed ? event.category : null,
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
        ...noProbeResults,
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
        window: createWindow(context.config.window),
        ...noProbeResults,
        idleSince: timeOf(event, context.retryAt),
      });
      enqueue.emit({ type: 'halfOpened', at: timeOf(event, context.retryAt) });
    }),
    markIdle: assign({ idleSince: ({ context, event }) => timeOf(event, context.idleSince) }),
    startHealthCheck: enqueueActions(({ context, enqueue }) => {
      const at = (context.idleSince ?? 0) + (context.config.healthCheckGraceMs ?? 0);
      enqueue.assign({ probeStartedAt: at });
      enqueue.emit({ type: 'healthCheckStarted', generation: context.generation, at });
    }),
    claimProbe: assign({
      probesInFlight: ({ context }) => context.probesInFlight + 1,
      probeStartedAt: ({ context, event }) => context.probeStartedAt ?? timeOf(event, null),
    }),
    freeProbe: assign(({ context, event }) => {
      // With a window, a counted result keeps its slot until all `halfOpenProbes` are in.
      const outcome = context.window === null ? null : countedOutcome(context, event);
      return {
        probesInFlight: Math.max(0, context.probesInFlight - 1),
        probeStartedAt: context.probesInFlight > 1 ? context.probeStartedAt : null,
        ...(outcome === null
          ? {}
          : {
              probeResults: context.probeResults + 1,
              probeFailures: context.probeFailures + (outcome.failed ? 1 : 0),
              probeSlowCalls: context.probeSlowCalls + (outcome.slow ? 1 : 0),
            }),
      };
    }),
    abandonProbes: assign({
      generation: ({ context }) => context.generation + 1,
      probesInFlight: 0,
      probeStartedAt: null,
    }),
    closeAfterProbe: enqueueActions(({ context, enqueue }) => {
      enqueue.assign(recovered(context.config));
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
    releaseIsolation: enqueueActions(({ context, enqueue }) => {
      enqueue.assign(recovered(context.config));
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
          {
            guard: 'isTrippingFailure',
            target: 'open',
            actions: ['recordFailure', 'recordOutcome', 'tripCircuit'],
          },
          {
            guard: 'isRateReached',
            target: 'open',
            actions: ['recordFailure', 'recordOutcome', 'tripCircuit'],
          },
          { guard: 'isCountingFailure', actions: ['recordFailure', 'recordOutcome'] },
        ],
        'call.succeeded': [
          {
            guard: 'isRateReached',
            target: 'open',
            actions: ['clearFailures', 'recordOutcome', 'tripCircuit'],
          },
          { guard: 'hasFailuresToClear', actions: ['clearFailures', 'recordOutcome'] },
          { guard: 'isWindowed', actions: 'recordOutcome' },
        ],
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
          entry: 'markIdle',
          after: {
            healthCheckGrace: { guard: 'hasHealthCheck', target: 'probing', actions: 'startHealthCheck' },
          },
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
            'call.succeeded': [
              { guard: 'failsProbes', target: '#breaker.open', actions: 'reopenAfterProbeFailure' },
              { guard: 'passesProbes', target: '#breaker.closed', actions: 'closeAfterProbe' },
              { guard: 'isLastProbe', target: 'idle', actions: 'freeProbe' },
              { guard: 'isCurrentGeneration', actions: 'freeProbe' },
            ],
            'call.failed': [
              { guard: 'failsProbes', target: '#breaker.open', actions: 'reopenAfterProbeFailure' },
              { guard: 'passesProbes', target: '#breaker.closed', actions: 'closeAfterProbe' },
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
