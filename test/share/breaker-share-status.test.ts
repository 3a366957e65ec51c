/** A standalone breaker in a fleet: `ready()` and `shareStatus`, as a registry has them (in-memory share). */
import { describe, expect, it, vi } from 'vitest';
import { createBreaker, type Breaker } from '../../src/index.js';
import { boom, memoryFleet } from './fleet-fixture.js';

const defaults = { failureThreshold: 2, minBackoffMs: 1_000, maxBackoffMs: 1_000, jitter: 0 };

describe('a standalone breaker’s ready() and shareStatus', () => {
  const fx = memoryFleet();
  const shared = (): Breaker => fx.track(createBreaker({ ...defaults, share: fx.hub.share(), name: 'llm' }));

  it('resolves ready() once the fleet state is loaded: a breaker made while the fleet is open starts open', async () => {
    const registry = fx.registry(defaults);
    await registry.ready();
    for (let i = 0; i < 2; i++) await registry.execute('llm', boom).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(0);
    const breaker = shared();
    expect(breaker.shareStatus).toBe('degraded'); // the share has not answered yet
    await breaker.ready();
    expect(breaker.shareStatus).toBe('connected');
    expect(breaker.state).toBe('open');
    expect(breaker.diagnostics().remainingBackoffMs).toBe(1_000);
  });

  it('resolves ready() with degraded when the share is unreachable, then reports connected when it returns', async () => {
    fx.hub.reachable = false;
    const breaker = shared();
    await breaker.ready();
    expect(breaker.shareStatus).toBe('degraded');
    fx.hub.reachable = true;
    await vi.advanceTimersByTimeAsync(0);
    expect(breaker.shareStatus).toBe('connected');
  });

  it('without a share: ready() resolves at once and shareStatus is undefined', async () => {
    const breaker = createBreaker(defaults);
    fx.track(breaker);
    await expect(breaker.ready()).resolves.toBeUndefined();
    expect(breaker.shareStatus).toBeUndefined();
  });
});
