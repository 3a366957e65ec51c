import { createActor, SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { breakerMachine, type BreakerEmitted } from '../machines/index.js';
import { resolveBreakerConfig } from '../src/options.js';

const config = resolveBreakerConfig({
  failureThreshold: 2,
  minBackoffMs: 100,
  maxBackoffMs: 400,
  probeTimeoutMs: 50,
});

function start() {
  const clock = new SimulatedClock();
  const actor = createActor(breakerMachine, { input: { config }, clock }).start();
  const emitted: BreakerEmitted[] = [];
  actor.on('*', (event) => emitted.push(event));
  const gen = () => actor.getSnapshot().context.generation;
  const fail = (category: 'network' | 'invalid_parameters' = 'network') =>
    actor.send({ type: 'call.failed', generation: gen(), category, at: clock.now() });
  return { actor, clock, emitted, gen, fail };
}

describe('breakerMachine', () => {
  it('opens after the threshold of consecutive counting failures, with the minimum backoff', () => {
    const { actor, fail, emitted } = start();
    fail();
    expect(actor.getSnapshot().value).toBe('closed');
    fail();
    expect(actor.getSnapshot().value).toEqual({ open: 'cooling' });
    expect(actor.getSnapshot().context).toMatchObject({
      failureCount: 2,
      currentBackoffMs: 100,
      retryAt: 100,
      openCount: 1,
    });
    expect(emitted).toContainEqual({
      type: 'opened',
      reason: 'threshold',
      backoffMs: 100,
      retryAt: 100,
      failureCount: 2,
      category: 'network',
    });
  });

  it('goes half-open when the backoff delay fires, and a request claims the probe slot', () => {
    const { actor, clock, fail } = start();
    fail();
    fail();
    clock.increment(99);
    expect(actor.getSnapshot().value).toEqual({ open: 'cooling' });
    clock.increment(1);
    expect(actor.getSnapshot().value).toEqual({ halfOpen: 'idle' });
    actor.send({ type: 'call.requested', at: clock.now() });
    expect(actor.getSnapshot().value).toEqual({ halfOpen: 'probing' });
    expect(actor.getSnapshot().context.probesInFlight).toBe(1);
    actor.send({ type: 'call.requested', at: clock.now() });
    expect(actor.getSnapshot().context).toMatchObject({ probesInFlight: 1, deniedRequests: 1 });
  });

  it('reopens with the doubled backoff when the probe times out', () => {
    const { actor, clock, fail, emitted } = start();
    fail();
    fail();
    clock.increment(100);
    actor.send({ type: 'call.requested', at: clock.now() });
    clock.increment(50);
    expect(actor.getSnapshot().value).toEqual({ open: 'cooling' });
    expect(actor.getSnapshot().context).toMatchObject({
      currentBackoffMs: 200,
      openedAt: 150,
      retryAt: 350,
      lastErrorCategory: 'timeout',
    });
    expect(emitted.at(-1)).toMatchObject({ type: 'opened', reason: 'probeTimeout', backoffMs: 200 });
    clock.increment(200);
    expect(actor.getSnapshot().value).toEqual({ halfOpen: 'idle' });
  });

  it('is re-armed from retryAt after a restore, since XState does not persist delays', () => {
    const { actor, clock, fail } = start();
    fail();
    fail();
    const persisted = actor.getPersistedSnapshot();
    actor.stop();
    const restoredClock = new SimulatedClock();
    restoredClock.set(60);
    const restored = createActor(breakerMachine, {
      snapshot: persisted,
      clock: restoredClock,
      input: { config },
    }).start();
    restored.send({ type: 'breaker.rearm', at: 60 });
    restoredClock.increment(39);
    expect(restored.getSnapshot().value).toEqual({ open: 'cooling' });
    restoredClock.increment(1);
    expect(restored.getSnapshot().value).toEqual({ halfOpen: 'idle' });
    expect(clock.now()).toBe(0);
  });

  it('ignores isolate while isolated and closes on release', () => {
    const { actor, emitted } = start();
    actor.send({ type: 'breaker.isolate', at: 5 });
    actor.send({ type: 'breaker.isolate', at: 9 });
    expect(actor.getSnapshot().context.openedAt).toBe(5);
    expect(emitted.filter((e) => e.type === 'isolated')).toHaveLength(1);
    actor.send({ type: 'breaker.release', at: 10 });
    expect(actor.getSnapshot().value).toBe('closed');
  });

  it('records the failures a success carries, then clears them, as the two events would', () => {
    const separate = start();
    separate.actor.send({ type: 'call.failed', generation: 1, category: 'network', at: 7, count: 1 });
    separate.actor.send({ type: 'call.succeeded', generation: 1, at: 9 });
    const carried = start();
    carried.actor.send({
      type: 'call.succeeded',
      generation: 1,
      at: 9,
      failedBefore: { count: 1, category: 'network', at: 7 },
    });
    expect(carried.actor.getSnapshot().context).toEqual(separate.actor.getSnapshot().context);
    expect(carried.actor.getSnapshot().context).toMatchObject({
      failureCount: 0,
      lastErrorCategory: 'network',
      lastErrorAt: 7,
    });
  });

  it('names every guard, action and delay so .provide() can override them', () => {
    const impl = breakerMachine.implementations;
    expect(Object.keys(impl.guards).sort()).toEqual(
      [
        'failsProbes',
        'hasFailuresToClear',
        'hasHealthCheck',
        'hasProbeSlot',
        'isBackoffElapsed',
        'isCountingFailure',
        'isCurrentGeneration',
        'isLastProbe',
        'isRateReached',
        'isTrippingFailure',
        'isWindowed',
        'passesProbes',
        'isFleetShared',
        'isFleetBackoffElapsed',
        'isNewerFleetState',
        'isFleetStateNotOlder',
        'isCurrentFleetGeneration',
        'startsClosed',
        'startsOpen',
        'startsHalfOpenIdle',
        'startsProbing',
        'startsClaiming',
        'startsIsolated',
      ].sort(),
    );
    expect(Object.keys(impl.delays).sort()).toEqual([
      'backoff',
      'fleetAnswer',
      'healthCheckGrace',
      'probeTimeout',
    ]);
    const longer = breakerMachine.provide({ delays: { backoff: 1_000 } });
    const clock = new SimulatedClock();
    const actor = createActor(longer, { input: { config }, clock }).start();
    actor.send({ type: 'call.failed', generation: 1, category: 'network', at: 0 });
    actor.send({ type: 'call.failed', generation: 1, category: 'network', at: 0 });
    clock.increment(500);
    expect(actor.getSnapshot().value).toEqual({ open: 'cooling' });
    clock.increment(500);
    expect(actor.getSnapshot().value).toEqual({ halfOpen: 'idle' });
  });
});
