import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBreaker, createRegistry } from '../../src/index.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const options = { failureThreshold: 2, minBackoffMs: 10_000, maxBackoffMs: 10_000, jitter: 0 };

describe('snapshots taken after stop()', () => {
  it('restore a standalone breaker as it was at stop(), its backoff still running', () => {
    const breaker = createBreaker(options);
    for (let i = 0; i < 2; i++) breaker.tryAcquire()?.failure('network');
    vi.advanceTimersByTime(4_000);
    breaker.stop();
    const snapshot = JSON.parse(JSON.stringify(breaker.getPersistedSnapshot())) as unknown;
    const restored = createBreaker({ ...options, snapshot });
    expect(restored.state).toBe('open');
    expect(restored.diagnostics().remainingBackoffMs).toBe(6_000);
    vi.advanceTimersByTime(6_000);
    expect(restored.state).toBe('halfOpen');
    restored.stop();
  });

  it('restore a registry as it was at stop()', () => {
    const registry = createRegistry({ defaults: options });
    for (let i = 0; i < 2; i++) registry.tryAcquire('down')?.failure('network');
    registry.tryAcquire('flaky')?.failure('network');
    registry.isolate('fenced');
    registry.stop();
    const snapshot = JSON.parse(JSON.stringify(registry.getPersistedSnapshot())) as unknown;
    const restored = createRegistry({ defaults: options, snapshot });
    expect(restored.state('down')).toBe('open');
    expect(restored.state('fenced')).toBe('isolated');
    expect(restored.diagnostics('flaky').failureCount).toBe(1);
    expect(restored.openCircuits().sort()).toEqual(['down', 'fenced']);
    restored.stop();
  });
});
