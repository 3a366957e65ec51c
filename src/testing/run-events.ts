/** The events of a breaker test path, as `runBreakerPath` makes them concrete and runs them. */
import type { BreakerModelEvent, BreakerModelSnapshot } from './machine.js';
import { modelState } from './model.js';

/** Every event type a breaker test path may hold. */
export const PATH_EVENT_TYPES = [
  'call.requested',
  'call.rejected',
  'call.succeeded',
  'call.failed',
  'call.released',
  'breaker.reset',
  'breaker.isolate',
  'breaker.release',
  'breaker.rearm',
  'clock.backoffElapsed',
  'clock.probeTimedOut',
  'clock.healthCheckDue',
  'clock.fleetAnswerDue',
  'fleet.opened',
  'fleet.closed',
  'fleet.reset',
  'fleet.isolated',
  'fleet.released',
  'fleet.probeGranted',
  'fleet.probeTaken',
] as const;

/** A path's event, made concrete for the replayed model `now`. */
export function concreteEvent(event: BreakerModelEvent, now: BreakerModelSnapshot): BreakerModelEvent {
  const c = now.context;
  const at = c.test.now;
  const generation = event.intent === 'stale' ? c.generation - 1 : c.generation;
  switch (event.type) {
    case 'call.requested':
      return { ...event, at: event.intent === 'late' ? (c.retryAt ?? at) : at };
    case 'call.rejected':
      return { ...event, state: modelState(now) as typeof event.state, at };
    case 'call.succeeded':
    case 'call.failed':
      return { ...event, generation, at };
    case 'call.released':
      return { ...event, generation, at };
    case 'clock.backoffElapsed':
      return { ...event, at: c.retryAt ?? at };
    case 'clock.probeTimedOut':
      return { ...event, at: c.probeStartedAt === null ? at : c.probeStartedAt + c.config.probeTimeoutMs };
    case 'clock.healthCheckDue':
      return { ...event, at: (c.idleSince ?? at) + (c.config.healthCheckGraceMs ?? 0) };
    case 'clock.fleetAnswerDue':
      return { ...event, at: (c.idleSince ?? at) + c.config.probeTimeoutMs };
    case 'fleet.opened':
    case 'fleet.closed':
    case 'fleet.reset':
    case 'fleet.isolated':
    case 'fleet.released':
    case 'fleet.probeGranted':
    case 'fleet.probeTaken': {
      const fleetGeneration =
        event.intent === 'sameFleet' ? (c.fleetGeneration ?? 0) : (c.fleetGeneration ?? 0) + 1;
      return { ...event, fleetGeneration, at };
    }
    default:
      return { ...event, at };
  }
}
