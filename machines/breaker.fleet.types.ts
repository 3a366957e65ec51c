/**
 * The fleet events of the breaker chart: facts about the state every process shares (through
 * a `share`, e.g. Redis), delivered to one breaker. Times are remaining milliseconds, never
 * absolute times from another clock: `at` is the receiver's own time of arrival.
 */
import type { OpenReason } from './breaker.types.js';

/**
 * A fleet generation: the fencing token of the shared record of one tool, increased by every
 * fleet-wide opening, closing and reset. Separate from the breaker's own `generation`, which
 * tells current call results from stale ones inside one process.
 */
export type FleetGeneration = number;

/** Events the shared state sends to a breaker. Every `at` is epoch milliseconds on the receiver's clock. */
export type FleetEvent =
  | {
      /** The fleet opened the circuit (any process, by any rule): reject for `remainingMs`. */
      readonly type: 'fleet.opened';
      readonly fleetGeneration: FleetGeneration;
      /** Milliseconds left of the fleet's backoff when the record was read (>= 0). */
      readonly remainingMs: number;
      /** Milliseconds of the fleet's current backoff (before jitter): the next one grows from it. */
      readonly backoffMs: number;
      readonly reason: OpenReason;
      readonly at: number;
    }
  | {
      /** The fleet closed the circuit (a probe succeeded somewhere). */
      readonly type: 'fleet.closed';
      readonly fleetGeneration: FleetGeneration;
      readonly at: number;
    }
  | {
      /** The circuit was reset for the fleet: closed, counters cleared. */
      readonly type: 'fleet.reset';
      readonly fleetGeneration: FleetGeneration;
      readonly at: number;
    }
  | {
      /** An operator isolated the circuit for the fleet (`isolate()` in any process): reject until released. */
      readonly type: 'fleet.isolated';
      readonly fleetGeneration: FleetGeneration;
      readonly at: number;
    }
  | {
      /** The fleet's isolation was released (`release()` in any process): closed, counters cleared. */
      readonly type: 'fleet.released';
      readonly fleetGeneration: FleetGeneration;
      readonly at: number;
    }
  | {
      /** This process holds the fleet's probe lease: half-open admits its probes. */
      readonly type: 'fleet.probeGranted';
      readonly fleetGeneration: FleetGeneration;
      readonly at: number;
    }
  | {
      /** Another process holds the probe lease: stay open until it expires (or its result arrives). */
      readonly type: 'fleet.probeTaken';
      readonly fleetGeneration: FleetGeneration;
      /** Milliseconds left of the other process's lease (>= 0). */
      readonly leaseMs: number;
      readonly at: number;
    };

/** The fleet event types, for routing and validation. */
export const FLEET_EVENT_TYPES = [
  'fleet.opened',
  'fleet.closed',
  'fleet.reset',
  'fleet.isolated',
  'fleet.released',
  'fleet.probeGranted',
  'fleet.probeTaken',
] as const satisfies readonly FleetEvent['type'][];
