/**
 * The breaker chart's actions, by the names the chart uses: context updates (`assign`) and the
 * events the chart emits. Time comes from the event (`at`) or from a deadline in context.
 */
import { enqueueActions } from 'xstate';
import {
  countsAsFailure,
  nextBackoff,
  openDuration,
  remainingBackoff,
  withFailureRecorded,
  withFailuresCleared,
} from './breaker.logic.js';
import { createWindow, withOutcome } from './breaker.window.js';
import {
  countedOutcome,
  initialBreakerContext,
  jitterDraw,
  noProbeResults,
  recovered,
  timeOf,
} from './breaker.context.js';
import { rejectionAnswer } from './breaker.answer.js';
import { breakerSetup } from './breaker.setup.js';
import { keepsGivenContext, stepEvent } from './breaker.start.js';
import { openReason } from './breaker.start.opening.js';
import type {
  BreakerContext,
  BreakerEmitted,
  BreakerEvent,
  BreakerState,
  OpenReason,
} from './breaker.types.js';
import type { ErrorCategory } from './categories.js';

/**
 * Opening the circuit at `at` for `backoffMs` (the backoff before jitter, which a Retry-After of
 * `retryAfterMs` may lengthen): the context fields every opening sets, and the fields of its
 * `opened` event (each action emits it under its own `type: 'opened'`, which the diagram reads).
 */
function openingFor(
  context: BreakerContext,
  at: number,
  backoffMs: number,
  retryAfterMs: number | undefined,
  reason: OpenReason,
  category: ErrorCategory | null,
): { assigned: Partial<BreakerContext>; opened: Omit<Extract<BreakerEmitted, { type: 'opened' }>, 'type'> } {
  const duration = openDuration(context.config, backoffMs, jitterDraw(context.config), retryAfterMs);
  const retryAt = at + duration;
  return {
    assigned: { currentBackoffMs: backoffMs, openedAt: at, retryAt, openCount: context.openCount + 1 },
    opened: {
      reason,
      // As `retryAt - openedAt`, which is what a woken breaker's runtime reads back (exact).
      backoffMs: retryAt - at,
      retryAt,
      failureCount: context.failureCount,
      category,
    },
  };
}

export const breakerActions = {
  /** A new generation on entering a state; a chart started in a given state keeps the given one. */
  nextGeneration: breakerSetup.assign({
    generation: ({ context, event }) =>
      keepsGivenContext(event) ? context.generation : context.generation + 1,
  }),
  /** A counted failure; also a woken breaker's `start.outcome` (stepEvent), as every opening action. */
  recordFailure: breakerSetup.assign(({ context, event: step }) => {
    const event = stepEvent(step);
    return event.type === 'call.failed'
      ? withFailureRecorded(context, event.category, event.at, event.count ?? 1)
      : context;
  }),
  /** The failures a success carries (`failedBefore`), recorded as their own `call.failed` would be. */
  recordFailuresBefore: breakerSetup.assign(({ context, event }) => {
    if (event.type !== 'call.succeeded' || event.failedBefore === undefined) return context;
    const { category, at, count } = event.failedBefore;
    return countsAsFailure(context.config, category)
      ? withFailureRecorded(context, category, at, count)
      : context;
  }),
  clearFailures: breakerSetup.assign(({ context }) => withFailuresCleared(context)),
  recordOutcome: breakerSetup.assign({
    window: ({ context, event: step }) => {
      const event = stepEvent(step);
      const { config, window } = context;
      const outcome = countedOutcome(context, event);
      if (config.window === null || window === null || outcome === null) return window;
      if (event.type === 'call.failed' && event.inWindow === true) return window;
      return withOutcome(config.window, window, (event as { at: number }).at, outcome.failed, outcome.slow);
    },
  }),
  tripCircuit: breakerSetup.enqueueActions(({ context, event: step, enqueue }) => {
    const event = stepEvent(step);
    if (event.type !== 'call.failed' && event.type !== 'call.succeeded') return;
    const reason = openReason(context, event.at);
    const failed = event.type === 'call.failed';
    const { assigned, opened } = openingFor(
      context,
      event.at,
      nextBackoff(context.config, 0),
      failed ? event.retryAfterMs : undefined,
      reason,
      failed ? event.category : null,
    );
    enqueue.assign(assigned);
    enqueue.emit({ type: 'opened', ...opened });
  }),
  reopenAfterProbeFailure: breakerSetup.enqueueActions(({ context, event, enqueue }) => {
    if (event.type !== 'call.failed' && event.type !== 'call.succeeded') return;
    const failed = event.type === 'call.failed';
    const { assigned, opened } = openingFor(
      context,
      event.at,
      nextBackoff(context.config, context.currentBackoffMs),
      failed ? event.retryAfterMs : undefined,
      'probeFailed',
      failed ? event.category : null,
    );
    enqueue.assign({
      ...assigned,
      lastErrorCategory: failed ? event.category : context.lastErrorCategory,
      lastErrorAt: failed ? event.at : context.lastErrorAt,
      probesInFlight: 0,
      probeStartedAt: null,
      ...noProbeResults,
    });
    enqueue.emit({ type: 'opened', ...opened });
  }),
  reopenAfterProbeTimeout: breakerSetup.enqueueActions(({ context, enqueue }) => {
    const at = (context.probeStartedAt ?? 0) + context.config.probeTimeoutMs;
    const { assigned, opened } = openingFor(
      context,
      at,
      nextBackoff(context.config, context.currentBackoffMs),
      undefined,
      'probeTimeout',
      'timeout',
    );
    enqueue.assign({
      ...assigned,
      lastErrorCategory: 'timeout',
      lastErrorAt: at,
      probesInFlight: 0,
      probeStartedAt: null,
      ...noProbeResults,
    });
    enqueue.emit({ type: 'opened', ...opened });
  }),
  enterHalfOpen: breakerSetup.enqueueActions(({ context, event, enqueue }) => {
    if (keepsGivenContext(event)) return; // started in half-open: the given context is as it was
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
  markIdle: breakerSetup.assign({ idleSince: ({ context, event }) => timeOf(event, context.idleSince) }),
  startHealthCheck: breakerSetup.enqueueActions(({ context, enqueue }) => {
    const at = (context.idleSince ?? 0) + (context.config.healthCheckGraceMs ?? 0);
    enqueue.assign({ probeStartedAt: at });
    enqueue.emit({ type: 'healthCheckStarted', generation: context.generation, at });
  }),
  claimProbe: breakerSetup.assign({
    probesInFlight: ({ context }) => context.probesInFlight + 1,
    probeStartedAt: ({ context, event }) => context.probeStartedAt ?? timeOf(event, null),
  }),
  freeProbe: breakerSetup.assign(({ context, event }) => {
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
  abandonProbes: breakerSetup.assign({
    generation: ({ context }) => context.generation + 1,
    probesInFlight: 0,
    probeStartedAt: null,
  }),
  closeAfterProbe: breakerSetup.enqueueActions(({ context, enqueue }) => {
    enqueue.assign(recovered(context.config));
    enqueue.emit({ type: 'closed', reason: 'probeSucceeded' });
  }),
  resetCircuit: breakerSetup.enqueueActions(({ context, enqueue }) => {
    enqueue.assign({
      ...initialBreakerContext(context.config),
      generation: context.generation,
    });
    enqueue.emit({ type: 'closed', reason: 'reset' });
  }),
  isolateCircuit: breakerSetup.enqueueActions(({ event, enqueue }) => {
    enqueue.assign({
      retryAt: null,
      openedAt: timeOf(event, null),
      probesInFlight: 0,
      probeStartedAt: null,
    });
    enqueue.emit({ type: 'isolated' });
  }),
  releaseIsolation: breakerSetup.enqueueActions(({ context, enqueue }) => {
    enqueue.assign(recovered(context.config));
    enqueue.emit({ type: 'closed', reason: 'released' });
  }),
  /**
   * A request refused in `params.state`: counted, announced (`rejected`), and answered
   * `tool.rejected` when it asks for an answer (`replyTo`).
   */
  recordDenial: enqueueActions<
    BreakerContext,
    BreakerEvent,
    { state: Exclude<BreakerState, 'closed'> },
    BreakerEvent,
    never,
    never,
    never,
    never,
    BreakerEmitted
  >(({ context, event, enqueue }, params: { state: Exclude<BreakerState, 'closed'> }) => {
    const at = timeOf(event, null);
    enqueue.assign({ deniedRequests: context.deniedRequests + 1, lastDeniedAt: at });
    enqueue.emit({
      type: 'rejected',
      state: params.state,
      count: 1,
      remainingBackoffMs: remainingBackoff(context, at),
    });
    // A request that asks for an answer (a registry driven by events) is told it was refused.
    const reply = rejectionAnswer(context, event, params.state);
    if (reply !== undefined) enqueue.sendTo(reply.to, reply.answer);
  }),
  recordDenials: breakerSetup.enqueueActions(({ context, event, enqueue }) => {
    if (event.type !== 'call.rejected') return;
    enqueue.assign({
      deniedRequests: context.deniedRequests + event.count,
      lastDeniedAt: event.at,
    });
    enqueue.emit({
      type: 'rejected',
      state: event.state,
      count: event.count,
      remainingBackoffMs: remainingBackoff(context, event.at),
    });
  }),
};
