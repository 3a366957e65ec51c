/** The registry chart spawns every live breaker through its shards, restored ones included. */
import type { AnyActorRef } from 'xstate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRegistry, type Registry } from '../../src/index.js';

const openOptions = { failureThreshold: 1, minBackoffMs: 1_000, maxBackoffMs: 1_000 };

/** Every breaker actor in the registry chart's shards, by tool. */
function spawned(registry: Registry): Map<string, AnyActorRef> {
  const found = new Map<string, AnyActorRef>();
  const shards = registry.actor.getSnapshot().children as Record<string, AnyActorRef>;
  for (const shard of Object.values(shards)) {
    const children = (shard.getSnapshot() as { children: Record<string, AnyActorRef> }).children;
    for (const [tool, actor] of Object.entries(children)) found.set(tool, actor);
  }
  return found;
}

beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => vi.useRealTimers());

describe('the registry chart spawns its breakers through shards', () => {
  it('puts every live breaker in a shard of at most shardCapacity, and retires a shard once emptied', () => {
    const registry = createRegistry({ defaults: openOptions, shardCapacity: 4 });
    const tools = Array.from({ length: 10 }, (_, i) => `tool_${i}`);
    for (const tool of tools) registry.tryAcquire(tool)?.failure('network');

    const actors = spawned(registry);
    expect([...actors.keys()].sort()).toEqual([...tools].sort());
    for (const tool of tools) expect(actors.get(tool)).toBe(registry.breaker(tool).actor);
    const shards = registry.actor.getSnapshot().children as Record<string, AnyActorRef>;
    expect(Object.keys(shards)).toEqual(['shard.0', 'shard.1', 'shard.2']);
    for (const shard of Object.values(shards))
      expect(Object.keys((shard.getSnapshot() as { children: object }).children).length).toBeLessThanOrEqual(
        4,
      );

    for (const tool of tools.slice(0, 4)) registry.reset(tool); // shard.0's four
    expect(Object.keys(registry.actor.getSnapshot().children as object)).toEqual(['shard.1', 'shard.2']);
    expect(registry.actor.getSnapshot().context).toMatchObject({ liveBreakers: 6, openCircuits: 6 });
    registry.stop();
  });

  it('spawns a restored open circuit in a shard, open, and half-opens it when its backoff ends', () => {
    const before = createRegistry({ defaults: openOptions });
    before.tryAcquire('down')?.failure('network');
    const saved = before.getPersistedSnapshot();
    before.stop();

    vi.advanceTimersByTime(400);
    const registry = createRegistry({ defaults: openOptions, snapshot: saved });
    expect(spawned(registry).get('down')).toBe(registry.breaker('down').actor);
    expect(registry.state('down')).toBe('open');
    vi.advanceTimersByTime(599);
    expect(registry.state('down')).toBe('open');
    vi.advanceTimersByTime(1);
    expect(registry.state('down')).toBe('halfOpen');
    registry.stop();
  });

  it('rejects a shardCapacity that is not a positive integer', () => {
    expect(() => createRegistry({ shardCapacity: 0 })).toThrow(RangeError);
    expect(() => createRegistry({ shardCapacity: 1.5 })).toThrow(/shardCapacity/);
  });
});
