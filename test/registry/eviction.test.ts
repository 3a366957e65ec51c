import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRegistry } from '../../src/index.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const defaults = { failureThreshold: 2, minBackoffMs: 1_000 };

describe('eviction (maxTools)', () => {
  it('evicts the least recently used closed tool without failures', () => {
    const registry = createRegistry({ defaults, maxTools: 3 });
    const evicted: string[] = [];
    registry.on('evicted', (e) => evicted.push(e.tool));
    for (const tool of ['a', 'b', 'c']) registry.tryAcquire(tool)?.success();
    registry.tryAcquire('a')?.success();
    registry.tryAcquire('d')?.success();
    registry.tryAcquire('e')?.success();
    expect(evicted).toEqual(['b', 'c']);
    expect(registry.size).toBe(3);
  });

  it('never evicts an open, half-open, isolated or failing tool', () => {
    const registry = createRegistry({ defaults: { ...defaults, probeTimeoutMs: 60_000 }, maxTools: 4 });
    const warnings: string[] = [];
    registry.on('warning', (e) => warnings.push(e.message));
    registry.tryAcquire('half')?.failure('network');
    registry.tryAcquire('half')?.failure('network');
    vi.advanceTimersByTime(1_000);
    expect(registry.tryAcquire('half')).toBeDefined();
    registry.tryAcquire('open')?.failure('network');
    registry.tryAcquire('open')?.failure('network');
    registry.isolate('isolated');
    registry.tryAcquire('failing')?.failure('network');
    for (let i = 0; i < 20; i++) registry.tryAcquire(`burst-${i}`)?.success();
    expect(registry.state('open')).toBe('open');
    expect(registry.state('half')).toBe('halfOpen');
    expect(registry.state('isolated')).toBe('isolated');
    expect(registry.diagnostics('failing').failureCount).toBe(1);
    expect(registry.snapshot().diagnostics.map((d) => d.tool)).toEqual(
      expect.arrayContaining(['open', 'half', 'isolated', 'failing']),
    );
    expect(registry.size).toBe(5);
    expect(warnings[0]).toMatch(/none can be evicted/);
  });

  it('stops the actor of an evicted breaker that had one', () => {
    const registry = createRegistry({ defaults, maxTools: 1 });
    registry.tryAcquire('a')?.failure('network');
    registry.tryAcquire('a')?.failure('network');
    vi.advanceTimersByTime(1_000);
    registry.tryAcquire('a')?.success();
    const actor = registry.breaker('a').actor;
    expect(registry.actor.getSnapshot().context.liveBreakers).toBe(1);
    registry.tryAcquire('b');
    expect(actor.getSnapshot().status).toBe('stopped');
    expect(registry.actor.getSnapshot().context.liveBreakers).toBe(0);
  });
});
