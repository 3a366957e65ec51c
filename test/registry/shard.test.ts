/** The registry chart's shards (`registryShard`): the parents of its breaker actors. */
import { createActor, type AnyActorRef, type InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { registryMachine } from '../../machines/registry.machine.js';
import { createRegistry } from '../../src/index.js';
import { resolveBreakerOptions } from '../../src/options.js';

const HOUR_MS = 3_600_000;
const openOptions = { failureThreshold: 1, minBackoffMs: HOUR_MS, maxBackoffMs: HOUR_MS };
const { config } = resolveBreakerOptions(openOptions);
const at = 0;

type Children = Record<string, AnyActorRef>;
const childrenOf = (actor: AnyActorRef): Children => (actor.getSnapshot() as { children: Children }).children;

/** A registry actor with `tools` spawned and opened; its shards, by id. */
function registryWith(tools: readonly string[], shardCapacity?: number) {
  const registry = createActor(registryMachine, {
    input: shardCapacity === undefined ? {} : { shardCapacity },
  }).start();
  for (const tool of tools) registry.send({ type: 'breaker.spawn', tool, input: { config } });
  for (const [, shard] of Object.entries(childrenOf(registry)))
    for (const breaker of Object.values(childrenOf(shard)))
      breaker.send({ type: 'call.failed', generation: 1, category: 'network', at });
  return registry;
}

describe('a shard of the registry chart', () => {
  it('keeps its breakers in one children record, added to and deleted from in place', () => {
    const registry = registryWith(['a', 'b']);
    const shard = childrenOf(registry)['shard.0']!;
    const record = childrenOf(shard);

    registry.send({ type: 'breaker.spawn', tool: 'c', input: { config } });
    registry.send({ type: 'breaker.stop', tool: 'a', shard: 'shard.0' });

    // No copy of the record per spawn or stop (XState's spawnChild and stopChild make one each).
    expect(childrenOf(shard)).toBe(record);
    expect(Object.keys(record).sort()).toEqual(['b', 'c']);
    expect((shard.getSnapshot() as { context: { breakers: number } }).context.breakers).toBe(2);
    registry.stop();
  });

  it('stops the breaker it takes out, and every breaker it holds when it stops', () => {
    const registry = registryWith(['a', 'b', 'c']);
    const shard = childrenOf(registry)['shard.0']!;
    const [a, b, c] = ['a', 'b', 'c'].map((tool) => childrenOf(shard)[tool]!);

    registry.send({ type: 'breaker.stop', tool: 'a', shard: 'shard.0' });
    expect(a!.getSnapshot().status).toBe('stopped');
    expect(b!.getSnapshot().status).toBe('active');

    registry.stop();
    expect([b, c].map((actor) => actor!.getSnapshot().status as string)).toEqual(['stopped', 'stopped']);
    expect(shard.getSnapshot().status).toBe('stopped');
  });

  it('stops its breakers one stop each, not one stopChild per breaker of the shard', () => {
    const actions: string[] = [];
    const registry = createActor(registryMachine, {
      input: {},
      inspect: (event: InspectionEvent) => {
        if (event.type !== '@xstate.action' || (event.actorRef as AnyActorRef).id !== 'shard.0') return;
        if (event.action.type === 'xstate.stopChild') actions.push(event.action.type);
      },
    }).start();
    for (const tool of ['a', 'b', 'c']) registry.send({ type: 'breaker.spawn', tool, input: { config } });
    registry.stop();
    expect(actions).toEqual([]); // a machine shard resolves a stopChild (a copy of its children) per breaker
    expect(childrenOf(registry)).toEqual({});
  });

  it('takes any tool name as its own key, __proto__ and constructor included', () => {
    const registry = registryWith(['__proto__', 'constructor', 'hasOwnProperty']);
    const shard = childrenOf(registry)['shard.0']!;
    expect(Object.keys(childrenOf(shard)).sort()).toEqual(['__proto__', 'constructor', 'hasOwnProperty']);
    registry.send({ type: 'breaker.stop', tool: '__proto__', shard: 'shard.0' });
    expect(Object.keys(childrenOf(shard)).sort()).toEqual(['constructor', 'hasOwnProperty']);
    registry.stop();
  });

  it('ignores a stop of a tool it does not hold', () => {
    const registry = registryWith(['a']);
    const shard = childrenOf(registry)['shard.0']!;
    shard.send({ type: 'breaker.stop', tool: 'unknown' });
    expect(Object.keys(childrenOf(shard))).toEqual(['a']);
    expect(shard.getSnapshot().status).toBe('active');
    registry.stop();
  });

  it('persists its breakers with the registry actor, and restores them started in their state', () => {
    const before = registryWith(['a', 'b'], 1);
    const saved = before.getPersistedSnapshot();
    before.stop();

    const registry = createActor(registryMachine, { snapshot: saved, input: {} }).start();
    const shards = childrenOf(registry);
    expect(Object.keys(shards)).toEqual(['shard.0', 'shard.1']);
    const a = childrenOf(shards['shard.0']!).a!;
    expect(a.getSnapshot().status).toBe('active');
    expect(a.getSnapshot().matches('open')).toBe(true);
    expect(a._parent).toBe(shards['shard.0']);

    registry.send({ type: 'breaker.stop', tool: 'a', shard: 'shard.0' });
    expect(a.getSnapshot().status).toBe('stopped');
    registry.stop();
  });
});

describe('a registry with many live breakers', () => {
  it('holds one shard per shardCapacity breakers and stops them all with stop()', () => {
    const registry = createRegistry({ defaults: openOptions, shardCapacity: 100 });
    const tools = Array.from({ length: 1_000 }, (_, i) => `tool_${i}`);
    for (const tool of tools) registry.tryAcquire(tool)?.failure('network');
    const shards = Object.values(childrenOf(registry.actor));
    expect(shards).toHaveLength(10);
    const breakers = shards.flatMap((shard) => Object.values(childrenOf(shard)));
    expect(breakers).toHaveLength(1_000);

    registry.stop();
    expect(breakers.filter((actor) => actor.getSnapshot().status !== 'stopped')).toEqual([]);
  });
});
