/** The breaker chart's context: its initial value, and what every way back to `closed` clears. */
import { isCurrent, countsAsFailure, isSlowCall } from './breaker.logic.js';
import { createWindow } from './breaker.window.js';
import type { BreakerConfig, BreakerContext, BreakerEvent } from './breaker.types.js';

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
    fleetGeneration: null,
  };
}

/** The jitter draw of an opening: random only when the config asks for jitter. */
export const jitterDraw = (config: BreakerConfig): number => (config.jitter > 0 ? Math.random() : 0);

/** The time of an event: its `at`, or for a timer's event the deadline that fired it. */
export const timeOf = (event: { type: string }, deadline: number | null): number =>
  'at' in event && typeof event.at === 'number' ? event.at : (deadline ?? 0);

export const noProbeResults = { probeResults: 0, probeFailures: 0, probeSlowCalls: 0 } as const;

/** What every way back to `closed` clears (the last error and its time stay until a newer one). */
export const recovered = (config: BreakerConfig) =>
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

/**
 * A result the window or the probes count: a success, or a failure of a category in `tripOn`
 * (`failed`), slow when it timed out or took longer than `slowCallDurationMs`; null for
 * anything else (a failure that does not trip is neither a success nor a failure).
 */
export function countedOutcome(
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
export function currentOutcome(context: BreakerContext, event: BreakerEvent) {
  return 'generation' in event && isCurrent(context, event.generation)
    ? countedOutcome(context, event)
    : null;
}
