/**
 * Pure functions behind the breaker chart's fleet guards and actions (`fleet.*` events): when
 * shared state may change a breaker, and the context it leaves. The chart names them; the
 * runtime's share link calls the same functions to decide what to send.
 *
 * A breaker joins the fleet when it first takes a fleet event (its `fleetGeneration` stops
 * being null). Until then, and whenever the share cannot be reached, it decides alone.
 */
import type { BreakerContext } from './breaker.types.js';
import type { FleetEvent, FleetGeneration } from './breaker.fleet.types.js';
import { MAX_DELAY_MS } from './breaker.logic.js';

/** True once the breaker has taken a fleet event: its half-open asks the fleet for the probe lease. */
export function isFleetShared(context: BreakerContext): boolean {
  return context.fleetGeneration !== null;
}

/** True when a fleet record of `generation` is newer than what the breaker has seen. */
export function isNewerFleetState(context: BreakerContext, generation: FleetGeneration): boolean {
  return context.fleetGeneration === null || generation > context.fleetGeneration;
}

/**
 * True when a fleet record of `generation` is at least as new as what the breaker has seen: a
 * breaker that closed or half-opened on its own takes the fleet's opening of the same generation
 * (its own close was refused, or it never reached the share).
 */
export function isFleetStateNotOlder(context: BreakerContext, generation: FleetGeneration): boolean {
  return context.fleetGeneration === null || generation >= context.fleetGeneration;
}

/** True when an answer about the probe lease is for the fleet generation the breaker is in. */
export function isCurrentFleetGeneration(context: BreakerContext, generation: FleetGeneration): boolean {
  return context.fleetGeneration === generation;
}

const clampDelay = (ms: number): number => Math.min(MAX_DELAY_MS, Math.max(0, Number.isFinite(ms) ? ms : 0));

type Opened = Extract<FleetEvent, { type: 'fleet.opened' }>;

/** The context once the fleet's opening is taken: open until `at + remainingMs` (the `applyFleetOpening` action). */
export function withFleetOpening(context: BreakerContext, event: Opened): Partial<BreakerContext> {
  return {
    fleetGeneration: event.fleetGeneration,
    currentBackoffMs: Math.max(0, event.backoffMs),
    openedAt: event.at,
    retryAt: event.at + clampDelay(event.remainingMs),
    openCount: context.openCount + 1,
    probesInFlight: 0,
    probeStartedAt: null,
    probeResults: 0,
    probeFailures: 0,
    probeSlowCalls: 0,
  };
}

/** An open breaker takes a newer opening of the fleet: only its times move (the `retimeFleetOpening` action). */
export function withFleetRetime(event: Opened): Partial<BreakerContext> {
  return {
    fleetGeneration: event.fleetGeneration,
    currentBackoffMs: Math.max(0, event.backoffMs),
    retryAt: event.at + clampDelay(event.remainingMs),
  };
}

/** The context once the fleet's isolation is taken (the `applyFleetIsolation` action): as `isolate()` leaves it. */
export function withFleetIsolation(event: {
  readonly fleetGeneration: FleetGeneration;
  readonly at: number;
}) {
  return {
    fleetGeneration: event.fleetGeneration,
    retryAt: null,
    openedAt: event.at,
    probesInFlight: 0,
    probeStartedAt: null,
  } satisfies Partial<BreakerContext>;
}

type Taken = Extract<FleetEvent, { type: 'fleet.probeTaken' }>;

/** Another process probes: open again until its lease ends (the `awaitFleetProbe` action). */
export function withFleetProbeAwaited(event: Taken): Partial<BreakerContext> & { retryAt: number } {
  return {
    retryAt: event.at + clampDelay(event.leaseMs),
    probesInFlight: 0,
    probeStartedAt: null,
  };
}
