import { createActor, type InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { registryMachine } from '../../machines/registry.machine.js';
import { createRegistry } from '../../src/index.js';

const HOUR_MS = 3_600_000;
const openOptions = { failureThreshold: 1, minBackoffMs: HOUR_MS, maxBackoffMs: HOUR_MS };

describe('the registry chart hears a stop of an open circuit as one event', () => {
  it('counts a stopped open circuit recovered, ending the recovery pause it held', () => {
    const registry = createActor(registryMachine, { input: { maxOpenCircuits: 1 } }).start();
    const resumed: unknown[] = [];
    registry.on('recoveryResumed', (event) => resumed.push(event));
    const breaker = createActor(registryMachine, { input: {}, parent: registry }).start(); // any child
    registry.send({ type: 'breaker.spawned', tool: 'a' });
    registry.send({ type: 'breaker.opened', tool: 'a' });
    expect(registry.getSnapshot().value).toBe('recoveryPause');

    registry.send({ type: 'breaker.stop', tool: 'a', breaker, wasOpen: true });

    expect(registry.getSnapshot().value).toBe('running');
    expect(registry.getSnapshot().context).toMatchObject({ openCircuits: 0, liveBreakers: 0 });
    expect(resumed).toEqual([{ type: 'recoveryResumed', openCircuits: 0 }]);
  });

  it('leaves the open count alone for a stop without wasOpen', () => {
    const registry = createActor(registryMachine, { input: {} }).start();
    const breaker = createActor(registryMachine, { input: {}, parent: registry }).start();
    registry.send({ type: 'breaker.spawned', tool: 'a' });
    registry.send({ type: 'breaker.opened', tool: 'a' });
    registry.send({ type: 'breaker.stop', tool: 'a', breaker });
    expect(registry.getSnapshot().context).toMatchObject({ openCircuits: 1, liveBreakers: 0 });
  });

  it('reset(tool) of an open tool sends the registry actor one event, which stops and counts it', () => {
    const toRegistry: string[] = [];
    const watched: { actor?: unknown } = {}; // the registry actor, once created
    const registry = createRegistry({
      defaults: {
        ...openOptions,
        inspect: (event: InspectionEvent) => {
          if (event.type === '@xstate.event' && event.actorRef === watched.actor) {
            toRegistry.push(event.event.type);
          }
        },
      },
    });
    watched.actor = registry.actor;
    registry.tryAcquire('down')?.failure('network');
    expect(registry.state('down')).toBe('open');
    expect(registry.actor.getSnapshot().context.openCircuits).toBe(1);
    toRegistry.length = 0;

    registry.reset('down');

    expect(toRegistry).toEqual(['breaker.stop']);
    expect(registry.actor.getSnapshot().context).toMatchObject({ openCircuits: 0, liveBreakers: 0 });
    expect(registry.openCircuits()).toEqual([]);
    registry.stop();
  });
});
