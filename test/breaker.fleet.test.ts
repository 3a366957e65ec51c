/** The fleet rules of the breaker chart, as plain functions and through an actor. */
import { createActor, SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { breakerMachine, initialBreakerContext } from '../machines/index.js';
import {
  isCurrentFleetGeneration,
  isFleetShared,
  isFleetStateNotOlder,
  isNewerFleetState,
  withFleetOpening,
  withFleetProbeAwaited,
} from '../machines/breaker.fleet.js';
import { resolveBreakerConfig } from '../src/index.js';

const config = resolveBreakerConfig({
  failureThreshold: 1,
  minBackoffMs: 1_000,
  probeTimeoutMs: 300,
  jitter: 0,
});
const alone = initialBreakerContext(config);
const joined = { ...alone, fleetGeneration: 4 };

describe('fleet guards', () => {
  it('take any fleet record while the breaker has none, then only newer ones', () => {
    expect(isFleetShared(alone)).toBe(false);
    expect(isNewerFleetState(alone, 0)).toBe(true);
    expect(isFleetShared(joined)).toBe(true);
    expect([3, 4, 5].map((g) => isNewerFleetState(joined, g))).toEqual([false, false, true]);
    expect([3, 4, 5].map((g) => isFleetStateNotOlder(joined, g))).toEqual([false, true, true]);
    expect([3, 4, 5].map((g) => isCurrentFleetGeneration(joined, g))).toEqual([false, true, false]);
  });

  it('open for the remaining milliseconds on the receiver’s clock, clamped to a timer’s range', () => {
    const event = {
      type: 'fleet.opened',
      fleetGeneration: 5,
      remainingMs: 700,
      backoffMs: 1_000,
      reason: 'threshold',
      at: 50,
    } as const;
    expect(withFleetOpening(joined, event)).toMatchObject({
      fleetGeneration: 5,
      retryAt: 750,
      openedAt: 50,
      currentBackoffMs: 1_000,
      openCount: 1,
    });
    expect(withFleetOpening(joined, { ...event, remainingMs: -5 }).retryAt).toBe(50);
    expect(withFleetOpening(joined, { ...event, remainingMs: Number.NaN }).retryAt).toBe(50);
    expect(withFleetOpening(joined, { ...event, remainingMs: 1e12 }).retryAt).toBe(50 + 2_147_483_647);
    expect(
      withFleetProbeAwaited({ type: 'fleet.probeTaken', fleetGeneration: 4, leaseMs: 250, at: 10 }),
    ).toMatchObject({ retryAt: 260 });
  });
});

describe('the chart with fleet events', () => {
  const start = () => {
    const clock = new SimulatedClock();
    const actor = createActor(breakerMachine, { input: { config }, clock }).start();
    return { actor, clock };
  };
  /** A breaker opened by the fleet's generation-1 record, whose backoff ends in claiming after 1 s. */
  const openedByFleet = () => {
    const started = start();
    started.actor.send({
      type: 'fleet.opened',
      fleetGeneration: 1,
      remainingMs: 1_000,
      backoffMs: 1_000,
      reason: 'threshold',
      at: 0,
    });
    return started;
  };

  it('ends a fleet breaker’s backoff in claiming, rejecting, and probes only once granted', () => {
    const { actor, clock } = openedByFleet();
    expect(actor.getSnapshot().value).toEqual({ open: 'cooling' });
    clock.increment(1_000);
    expect(actor.getSnapshot().value).toEqual({ halfOpen: 'claiming' });
    actor.send({ type: 'call.requested', at: 1_000 });
    expect(actor.getSnapshot().context.deniedRequests).toBe(1);
    actor.send({ type: 'fleet.probeGranted', fleetGeneration: 0, at: 1_000 }); // another generation's answer
    expect(actor.getSnapshot().value).toEqual({ halfOpen: 'claiming' });
    actor.send({ type: 'fleet.probeGranted', fleetGeneration: 1, at: 1_000 });
    expect(actor.getSnapshot().value).toEqual({ halfOpen: 'idle' });
  });

  it('waits out another process’s lease in open, and decides alone when no answer comes', () => {
    const { actor, clock } = openedByFleet();
    const announced: unknown[] = [];
    actor.on('*', (event) => announced.push(event));
    clock.increment(1_000);
    actor.send({ type: 'fleet.probeTaken', fleetGeneration: 1, leaseMs: 300, at: 1_000 });
    expect(actor.getSnapshot().value).toEqual({ open: 'cooling' });
    // Half-open, then open again: both announced, the opening as the fleet's.
    expect(announced).toEqual([
      { type: 'halfOpened', at: 1_000 },
      {
        type: 'opened',
        reason: 'probeTaken',
        backoffMs: 300,
        retryAt: 1_300,
        failureCount: 0,
        category: null,
        remote: true,
      },
    ]);
    clock.increment(300);
    expect(actor.getSnapshot().value).toEqual({ halfOpen: 'claiming' });
    clock.increment(300); // fleetAnswer: probeTimeoutMs
    expect(actor.getSnapshot().value).toEqual({ halfOpen: 'idle' });
  });

  it('ignores a stale fleet record, keeps an isolation, and reopens a breaker whose own close the fleet refused', () => {
    const { actor } = start();
    actor.send({ type: 'fleet.closed', fleetGeneration: 3, at: 0 });
    expect(actor.getSnapshot().context.fleetGeneration).toBe(3);
    actor.send({
      type: 'fleet.opened',
      fleetGeneration: 2,
      remainingMs: 1_000,
      backoffMs: 1_000,
      reason: 'threshold',
      at: 0,
    });
    expect(actor.getSnapshot().value).toBe('closed');
    // Closed with generation 3 on its own, the fleet says 3 is open: it opens.
    actor.send({
      type: 'fleet.opened',
      fleetGeneration: 3,
      remainingMs: 1_000,
      backoffMs: 1_000,
      reason: 'probeFailed',
      at: 0,
    });
    expect(actor.getSnapshot().value).toEqual({ open: 'cooling' });
    actor.send({ type: 'breaker.isolate', at: 0 });
    actor.send({ type: 'fleet.closed', fleetGeneration: 9, at: 0 });
    expect(actor.getSnapshot().value).toBe('isolated');
    expect(actor.getSnapshot().context.fleetGeneration).toBe(9);
    actor.send({ type: 'fleet.reset', fleetGeneration: 10, at: 0 });
    expect(actor.getSnapshot().value).toBe('closed');
  });

  it('isolates on a newer fleet isolation from any state, keeps it against openings, and releases on its release', () => {
    const { actor } = openedByFleet();
    actor.send({ type: 'fleet.isolated', fleetGeneration: 1, at: 0 }); // not newer: ignored
    expect(actor.getSnapshot().value).toEqual({ open: 'cooling' });
    const isolated: unknown[] = [];
    actor.on('isolated', (event) => isolated.push(event));
    actor.send({ type: 'fleet.isolated', fleetGeneration: 2, at: 5 });
    expect(actor.getSnapshot().value).toBe('isolated');
    expect(actor.getSnapshot().context).toMatchObject({ fleetGeneration: 2, retryAt: null, openedAt: 5 });
    expect(isolated).toEqual([{ type: 'isolated', remote: true }]);
    actor.send({
      type: 'fleet.opened',
      fleetGeneration: 3,
      remainingMs: 1_000,
      backoffMs: 1_000,
      reason: 'threshold',
      at: 0,
    });
    actor.send({ type: 'fleet.isolated', fleetGeneration: 4, at: 0 });
    expect(actor.getSnapshot().value).toBe('isolated');
    expect(actor.getSnapshot().context.fleetGeneration).toBe(4);
    actor.send({ type: 'fleet.released', fleetGeneration: 4, at: 0 }); // not newer
    expect(actor.getSnapshot().value).toBe('isolated');
    const closed: unknown[] = [];
    actor.on('closed', (event) => closed.push(event));
    actor.send({ type: 'fleet.released', fleetGeneration: 5, at: 0 });
    expect(actor.getSnapshot().value).toBe('closed');
    expect(closed).toEqual([{ type: 'closed', reason: 'released', remote: true }]);
    // A release heard while closed only moves the fleet generation.
    actor.send({ type: 'fleet.released', fleetGeneration: 6, at: 0 });
    expect(closed).toHaveLength(1);
    expect(actor.getSnapshot().context.fleetGeneration).toBe(6);
  });
});
