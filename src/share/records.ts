/** A fleet record as the breaker-chart event it stands for (the chart's guards decide what it changes). */
import type { FleetEvent } from '../../machines/breaker.fleet.types.js';
import type { FleetRecord } from './types.js';

/** The chart event of `record`, arriving at `at` (epoch milliseconds on the receiver's clock). @internal */
export function recordEvent(record: FleetRecord, at: number): FleetEvent {
  const fleetGeneration = record.generation;
  if (record.state === 'isolated') return { type: 'fleet.isolated', fleetGeneration, at };
  if (record.state === 'closed') {
    const type =
      record.reason === 'reset'
        ? 'fleet.reset'
        : record.reason === 'released'
          ? 'fleet.released'
          : 'fleet.closed';
    return { type, fleetGeneration, at };
  }
  const { reason } = record;
  return {
    type: 'fleet.opened',
    fleetGeneration,
    remainingMs: record.remainingMs,
    backoffMs: record.backoffMs,
    reason:
      reason === 'closed' || reason === 'reset' || reason === 'isolated' || reason === 'released'
        ? 'threshold'
        : reason,
    at,
  };
}
