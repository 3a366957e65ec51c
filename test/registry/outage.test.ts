import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRegistry, type Registry } from '../../src/index.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

const defaults = { failureThreshold: 3, minBackoffMs: 60_000, maxBackoffMs: 60_000 };

function warningsOf(registry: Registry): string[] {
  const warnings: string[] = [];
  registry.on('warning', (e) => warnings.push(e.message));
  return warnings;
}

function openCircuits(registry: Registry, count: number): string[] {
  const tools = Array.from({ length: count }, (_, i) => `open-${i}`);
  for (const tool of tools) for (let i = 0; i < 3; i++) registry.tryAcquire(tool)?.failure('network');
  return tools;
}

/**
 * Counts the entries of the actor system's table of delayed events that are enumerated (what
 * XState's own `cancelAll` does: walk every scheduled event of the system).
 */
function countScans(registry: Registry): { scanned: number } {
  const system = registry.actor.system as unknown as { _snapshot: { _scheduledEvents: object } };
  const counter = { scanned: 0 };
  system._snapshot._scheduledEvents = new Proxy(system._snapshot._scheduledEvents, {
    ownKeys(target) {
      const keys = Reflect.ownKeys(target);
      counter.scanned += keys.length;
      return keys;
    },
  });
  return counter;
}

describe('a registry through an outage', () => {
  it('adds tools at a cost per tool that does not grow when none can be evicted, and warns once', () => {
    const registry = createRegistry({ defaults, maxTools: 100 });
    const warnings = warningsOf(registry);
    const set = vi.spyOn(Map.prototype, 'set');
    const del = vi.spyOn(Map.prototype, 'delete');
    for (let i = 0; i < 2_000; i++) registry.tryAcquire(`hallucinated-${i}`)?.failure('network');
    const mapWrites = set.mock.calls.length + del.mock.calls.length;
    vi.restoreAllMocks();
    expect(registry.size).toBe(2_000);
    expect(mapWrites).toBeLessThan(3 * 2_000);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/101 tools and none can be evicted/);
  });

  it('warns again only after it was back within maxTools', () => {
    const registry = createRegistry({ defaults, maxTools: 2 });
    const warnings = warningsOf(registry);
    for (const tool of ['a', 'b', 'c', 'd']) registry.tryAcquire(tool)?.failure('network');
    expect(warnings).toHaveLength(1);
    registry.reset('c');
    registry.reset('d');
    registry.tryAcquire('e')?.failure('network');
    expect(warnings).toHaveLength(2);
  });

  it('shrinks back to maxTools as pinned tools recover', () => {
    const registry = createRegistry({ defaults: { ...defaults, failureThreshold: 5 }, maxTools: 10 });
    const failing = Array.from({ length: 30 }, (_, i) => `failing-${i}`);
    for (const tool of failing) registry.tryAcquire(tool)?.failure('network');
    expect(registry.size).toBe(30);
    for (const tool of failing) registry.tryAcquire(tool)?.success();
    for (let i = 0; i < 40; i++) registry.tryAcquire(`fresh-${i}`)?.success();
    expect(registry.size).toBe(10);
  });

  it('stops, resets and evicts open circuits without scanning the other circuits’ timers', () => {
    const registry = createRegistry({ defaults, maxTools: 1_000 });
    const tools = openCircuits(registry, 300);
    expect(vi.getTimerCount()).toBe(300);
    const counter = countScans(registry);
    registry.reset(tools[0]!);
    expect(vi.getTimerCount()).toBe(299);
    registry.resetAll();
    expect(vi.getTimerCount()).toBe(0);
    openCircuits(registry, 300);
    registry.stop();
    expect(vi.getTimerCount()).toBe(0);
    expect(counter.scanned).toBe(0);
  });

  it('never evicts a tool with calls in flight: their failures still open its circuit', async () => {
    const registry = createRegistry({ defaults, maxTools: 100 });
    const rejections: ((error: Error) => void)[] = [];
    const slow = Array.from({ length: 3 }, () =>
      registry.execute('slow', () => new Promise((_, reject) => rejections.push(reject))),
    );
    for (let i = 0; i < 250; i++) await registry.execute(`other-${i}`, () => 'ok');
    for (const reject of rejections) reject(new Error('ECONNRESET'));
    await Promise.allSettled(slow);
    expect(registry.state('slow')).toBe('open');
  });

  it('never evicts a tool holding a permit', () => {
    const registry = createRegistry({ defaults, maxTools: 2 });
    const permit = registry.tryAcquire('held');
    for (let i = 0; i < 5; i++) registry.tryAcquire(`other-${i}`)?.success();
    expect(registry.breaker('held').inFlight).toBe(1);
    permit?.failure('network');
    expect(registry.diagnostics('held').failureCount).toBe(1);
  });

  it('does not grow past maxTools silently when an evicted listener adds tools', () => {
    const registry = createRegistry({ defaults, maxTools: 3 });
    const warnings = warningsOf(registry);
    let added = 0;
    const sizes: number[] = [];
    registry.on('evicted', () => {
      sizes.push(registry.size);
      if (added < 5) registry.breaker(`from-listener-${added++}`);
    });
    for (let i = 0; i < 6; i++) registry.tryAcquire(`tool-${i}`)?.success();
    expect(added).toBe(5);
    expect(Math.max(...sizes, registry.size)).toBe(3);
    expect(warnings).toEqual([]);
  });

  it('restores a snapshot larger than maxTools keeping every open or failing tool, with one warning', async () => {
    const source = createRegistry({ defaults, maxTools: 10_000 });
    for (let i = 0; i < 1_000; i++) source.tryAcquire(`closed-${i}`)?.success();
    const open = openCircuits(source, 10);
    source.tryAcquire('failing')?.failure('network');
    const snapshot = JSON.parse(JSON.stringify(source.getPersistedSnapshot())) as unknown;
    source.stop();
    const registry = createRegistry({ defaults, maxTools: 100, snapshot });
    const warnings = warningsOf(registry);
    await Promise.resolve();
    expect(registry.size).toBe(100);
    for (const tool of open) expect(registry.state(tool)).toBe('open');
    expect(registry.diagnostics('failing').failureCount).toBe(1);
    const tools = registry.snapshot().diagnostics.map((d) => d.tool);
    expect(tools).toContain('closed-999');
    expect(tools).not.toContain('closed-0');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/kept 100 .* dropped 911 closed ones/);
    registry.stop();
  });

  it('keys names longer than V8 hashes by content with a short key, each a distinct tool', () => {
    const registry = createRegistry({
      defaults: { ...defaults, failureThreshold: 1 },
      maxToolNameLength: 40_000,
    });
    const prefix = 'p'.repeat(19_990);
    const names = Array.from({ length: 50 }, (_, i) => `${prefix}${String(i).padStart(10, '0')}`);
    const set = vi.spyOn(Map.prototype, 'set');
    const get = vi.spyOn(Map.prototype, 'get');
    for (const name of names.slice(0, 25)) registry.tryAcquire(name)?.failure('network');
    for (const name of names) registry.tryAcquire(name);
    const keys = [...set.mock.calls, ...get.mock.calls].map(([key]) => key as unknown);
    vi.restoreAllMocks();
    const longest = Math.max(...keys.map((key) => (typeof key === 'string' ? key.length : 0)));
    expect(longest).toBeLessThanOrEqual(16_383);
    expect(registry.size).toBe(50);
    expect(names.map((name) => registry.state(name))).toEqual(
      names.map((_, i) => (i < 25 ? 'open' : 'closed')),
    );
    registry.reset(names[0]!);
    expect(registry.state(names[0]!)).toBe('closed');
    expect(registry.state(names[1]!)).toBe('open');
    expect(registry.size).toBe(49);
  });
});
