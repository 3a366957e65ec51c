import { createActor, type InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { registryMachine } from '../../machines/registry.machine.js';
import { createRegistry } from '../../src/index.js';
import { resolveBreakerOptions } from '../../src/options.js';

const HOUR_MS = 3_600_000;
const openOptions = { failureThreshold: 1, minBackoffMs: HOUR_MS, maxBackoffMs: HOUR_MS };
const { config } = resolveBreakerOptions(openOptions);

describe('the registry chart hears a stop of an open circuit as one event', () => {
  it('counts a stopped open circuit recovered, ending the recovery pause it held', () => {
    const registry = createActor(registryMachine, { input: { maxOpenCircuits: 1 } }).start();
    const resumed: unknown[] = [];
    registry.on('recoveryResumed', (event) => resumed.push(event));
    registry.send({ type: 'breaker.spawn', tool: 'a', input: { config } });
    registry.send({ type: 'breaker.opened', tool: 'a' });
    expect(registry.getSnapshot().value).toBe('recoveryPause');

    registry.send({ type: 'breaker.stop', tool: 'a', shard: 'shard.0', wasOpen: true });

    expect(registry.getSnapshot().value).toBe('running');
    expect(registry.getSnapshot().context).toMatchObject({ openCircuits: 0, liveBreakers: 0 });
    expect(resumed).toEqual([{ type: 'recoveryResumed', openCircuits: 0 }]);
  });

  it('leaves the open count alone for a stop without wasOpen', () => {
    const registry = createActor(registryMachine, { input: {} }).start();
    registry.send({ type: 'breaker.spawn', tool: 'a', input: { config } });
    registry.send({ type: 'breaker.opened', tool: 'a' });
    registry.send({ type: 'breaker.stop', tool: 'a', shard: 'shard.0' });
    expect(registry.getSnapshot().context).toMatchObject({ openCircuits: 1, liveBreakers: 0 });
  });

  it('reset(tool) of an open tool sends the registry actor one event, which stops and counts it', () => {
    const toRegistry: string[] = [];
    const watched: { actor?: unknown } = {}; // the registry actor, once created
    const registry = createRegistry({
      defaults: {
        ...openOptions,
        inspect: (event: InspectionEvent) => {
          // Events the runtime sends (a shard's own `shard.emptied` has the shard as source).
          if (event.type === '@xstate.event' && event.actorRef === watched.actor && !event.sourceRef) {
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
