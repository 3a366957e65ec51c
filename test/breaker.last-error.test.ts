import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBreaker, createRegistry } from '../src/index.js';
import { fail, testBreaker } from './helpers.js';

beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
afterEach(() => vi.useRealTimers());

describe('the last error', () => {
  it('is kept, with its time, after a probe succeeds', () => {
    const breaker = testBreaker({ failureThreshold: 1 });
    fail(breaker, 1, 'service_unavailable');
    vi.advanceTimersByTime(1_000);
    breaker.tryAcquire()?.success();
    expect(breaker.diagnostics()).toMatchObject({
      state: 'closed',
      lastErrorCategory: 'service_unavailable',
      lastErrorAt: 1_000_000,
    });
  });

  it('is kept after a success in closed, the same rule as after a recovery', () => {
    const breaker = testBreaker();
    vi.advanceTimersByTime(5);
    fail(breaker, 1, 'network');
    breaker.tryAcquire()?.success();
    expect(breaker.diagnostics()).toMatchObject({
      failureCount: 0,
      lastErrorCategory: 'network',
      lastErrorAt: 1_000_005,
    });
  });

  it('is replaced by a newer failure, a failed probe and a probe timeout', () => {
    const breaker = testBreaker({ failureThreshold: 1 });
    fail(breaker, 1, 'network');
    vi.advanceTimersByTime(1_000);
    fail(breaker, 1, 'rate_limit');
    expect(breaker.diagnostics()).toMatchObject({ lastErrorCategory: 'rate_limit', lastErrorAt: 1_001_000 });
    vi.advanceTimersByTime(2_000);
    breaker.tryAcquire();
    vi.advanceTimersByTime(5_000);
    expect(breaker.diagnostics()).toMatchObject({ lastErrorCategory: 'timeout', lastErrorAt: 1_008_000 });
  });

  it('records the time of a failure that was batched, not the time it was read', () => {
    const registry = createRegistry({ defaults: { failureThreshold: 5 } });
    registry.tryAcquire('search')?.success();
    registry.tryAcquire('search')?.failure('network');
    vi.advanceTimersByTime(3_000);
    expect(registry.diagnostics('search')).toMatchObject({
      lastErrorCategory: 'network',
      lastErrorAt: 1_000_000,
    });
  });

  it('is cleared by reset()', () => {
    const breaker = testBreaker();
    fail(breaker);
    breaker.reset();
    expect(breaker.diagnostics()).toMatchObject({ lastErrorCategory: null, lastErrorAt: null });
  });

  it('survives a snapshot, and a snapshot saved without lastErrorAt restores with null', () => {
    const breaker = testBreaker();
    fail(breaker);
    const saved = breaker.getPersistedSnapshot();
    expect(createBreaker({ snapshot: saved }).diagnostics().lastErrorAt).toBe(1_000_000);
    const { lastErrorAt: _, ...older } = saved.context;
    const restored = createBreaker({ snapshot: { ...saved, context: older } });
    expect(restored.diagnostics()).toMatchObject({ lastErrorCategory: 'network', lastErrorAt: null });
  });
});
