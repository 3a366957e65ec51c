/** A standalone breaker in a fleet: `ready()` and `shareStatus`, as a registry has them (in-memory share). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBreaker, createRegistry, type Breaker, type Registry } from '../../src/index.js';
import { createMemoryShareHub, type MemoryShareHub } from '../../src/testing/index.js';

const defaults = { failureThreshold: 2, minBackoffMs: 1_000, maxBackoffMs: 1_000, jitter: 0 };
const boom = () => Promise.reject(Object.assign(new Error('down'), { status: 503 }));

describe('a standalone breaker’s ready() and shareStatus', () => {
  let hub: MemoryShareHub;
  const stops: (Breaker | Registry)[] = [];
  const shared = (): Breaker => {
    const breaker = createBreaker({ ...defaults, share: hub.share(), name: 'llm' });
    stops.push(breaker);
    return breaker;
  };

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    hub = createMemoryShareHub();
  });
  afterEach(() => {
    for (const s of stops.splice(0)) s.stop();
    vi.useRealTimers();
  });

  it('resolves ready() once the fleet state is loaded: a breaker made while the fleet is open starts open', async () => {
    const registry = createRegistry({ defaults, share: hub.share() });
    stops.push(registry);
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
    hub.reachable = false;
    const breaker = shared();
    await breaker.ready();
    expect(breaker.shareStatus).toBe('degraded');
    hub.reachable = true;
    await vi.advanceTimersByTimeAsync(0);
    expect(breaker.shareStatus).toBe('connected');
  });

  it('without a share: ready() resolves at once and shareStatus is undefined', async () => {
    const breaker = createBreaker(defaults);
    stops.push(breaker);
    await expect(breaker.ready()).resolves.toBeUndefined();
    expect(breaker.shareStatus).toBeUndefined();
  });
});
