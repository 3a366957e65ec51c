import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBreaker, createRegistry, type Breaker, type BreakerOptions } from '../src/index.js';
import { fail, recordEvents } from './helpers.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A breaker that trips on rates only (consecutive failures set out of reach). */
function windowed(options: BreakerOptions = {}): Breaker {
  return createBreaker({
    failureThreshold: 1_000,
    minBackoffMs: 1_000,
    window: { calls: 10 },
    minimumCalls: 4,
    ...options,
  });
}

const succeed = (breaker: Breaker, n = 1, durationMs?: number): void => {
  for (let i = 0; i < n; i++) breaker.tryAcquire()?.success(durationMs);
};

describe('failure-rate window', () => {
  it('opens with reason failureRate once the failure rate reaches the threshold', () => {
    const breaker = windowed({ failureRateThreshold: 0.5 });
    const events = recordEvents(breaker);
    succeed(breaker, 3);
    fail(breaker, 2);
    expect(breaker.state).toBe('closed');
    expect(breaker.diagnostics()).toMatchObject({ failureRate: 0.4, windowCalls: 5 });
    fail(breaker);
    expect(breaker.state).toBe('open');
    expect(events).toEqual(['opened:failureRate']);
  });

  it('counts no rate before minimumCalls', () => {
    const breaker = windowed({ minimumCalls: 5 });
    fail(breaker, 4);
    expect(breaker.state).toBe('closed');
    expect(breaker.diagnostics()).toMatchObject({ failureRate: null, slowCallRate: null, windowCalls: 4 });
    fail(breaker);
    expect(breaker.state).toBe('open');
  });

  it('forgets the oldest call of a count window', () => {
    const breaker = windowed({ window: { calls: 4 }, failureRateThreshold: 0.75 });
    fail(breaker, 2);
    succeed(breaker, 2);
    succeed(breaker, 2);
    expect(breaker.diagnostics()).toMatchObject({ failureRate: 0, windowCalls: 4 });
    fail(breaker, 2);
    expect(breaker.state).toBe('closed');
    fail(breaker);
    expect(breaker.state).toBe('open');
  });

  it('keeps consecutive failures working beside the window, with reason threshold', () => {
    const breaker = windowed({ failureThreshold: 3, minimumCalls: 10, window: { calls: 100 } });
    const events = recordEvents(breaker);
    fail(breaker, 3);
    expect(events).toEqual(['opened:threshold']);
  });

  it('counts a failure whose category does not trip as neither success nor failure', () => {
    const breaker = windowed();
    succeed(breaker);
    fail(breaker, 3, 'invalid_parameters');
    expect(breaker.diagnostics().windowCalls).toBe(1);
  });

  it('does not count rejected calls', () => {
    const breaker = windowed({ minimumCalls: 2, window: { calls: 4 } });
    fail(breaker, 2);
    expect(breaker.state).toBe('open');
    for (let i = 0; i < 5; i++) expect(breaker.tryAcquire()).toBeUndefined();
    expect(breaker.diagnostics()).toMatchObject({ windowCalls: 2, deniedRequests: 5 });
  });

  it('lets old successes of a time window expire over an idle gap, then opens on fresh failures', () => {
    // cockatiel's SamplingBreaker rotates one bucket per call and still counts the old successes.
    const breaker = windowed({ window: { ms: 10_000, buckets: 10 }, minimumCalls: 10 });
    succeed(breaker, 200);
    vi.advanceTimersByTime(60_000);
    expect(breaker.diagnostics()).toMatchObject({ windowCalls: 0, failureRate: null });
    fail(breaker, 9);
    expect(breaker.state).toBe('closed');
    fail(breaker);
    expect(breaker.state).toBe('open');
  });

  it('drops a time window bucket by bucket', () => {
    const calm = windowed({ window: { ms: 3_000, buckets: 3 }, minimumCalls: 1, failureRateThreshold: 1 });
    succeed(calm);
    vi.advanceTimersByTime(1_000);
    succeed(calm);
    expect(calm.diagnostics().windowCalls).toBe(2);
    vi.advanceTimersByTime(2_000);
    expect(calm.diagnostics().windowCalls).toBe(1);
    vi.advanceTimersByTime(1_000);
    expect(calm.diagnostics().windowCalls).toBe(0);
  });
});

describe('slow-call rate', () => {
  it('opens with reason slowCallRate on slow successes (strictly longer than slowCallDurationMs)', () => {
    const breaker = windowed({ slowCallDurationMs: 100, slowCallRateThreshold: 0.5 });
    const events = recordEvents(breaker);
    succeed(breaker, 2, 100);
    succeed(breaker, 1, 101);
    expect(breaker.diagnostics()).toMatchObject({ slowCallRate: null, windowCalls: 3 });
    succeed(breaker, 1, 250);
    expect(breaker.state).toBe('open');
    expect(events).toEqual(['opened:slowCallRate']);
  });

  it('measures the duration of an execute() call on the breaker clock', async () => {
    const breaker = windowed({ slowCallDurationMs: 100, slowCallRateThreshold: 1, minimumCalls: 1 });
    const slow = breaker.execute(() => new Promise((resolve) => setTimeout(resolve, 150)));
    await vi.advanceTimersByTimeAsync(150);
    await slow;
    expect(breaker.diagnostics()).toMatchObject({ slowCallRate: 1, state: 'open' });
  });

  it('measures the duration of a permit from its admission', () => {
    const breaker = windowed({ slowCallDurationMs: 100, slowCallRateThreshold: 1, minimumCalls: 1 });
    const permit = breaker.tryAcquire();
    vi.advanceTimersByTime(99);
    permit?.success();
    expect(breaker.diagnostics()).toMatchObject({ slowCallRate: 0, state: 'closed' });
  });

  it('refuses a negative or non-finite permit duration with a RangeError', () => {
    const breaker = windowed();
    const permit = breaker.tryAcquire();
    expect(() => permit?.success(-1)).toThrow(RangeError);
    expect(() => permit?.failure('network', Number.NaN)).toThrow(/durationMs/);
    expect(permit?.success(1)).toBe(true);
  });
});

describe('half-open with a window', () => {
  function halfOpen(options: BreakerOptions = {}): Breaker {
    const breaker = windowed({ window: { calls: 4 }, minimumCalls: 1, halfOpenProbes: 4, ...options });
    fail(breaker);
    vi.advanceTimersByTime(1_000);
    expect(breaker.state).toBe('halfOpen');
    return breaker;
  }

  it('closes once all halfOpenProbes results are in below the threshold', () => {
    const breaker = halfOpen({ failureRateThreshold: 0.5 });
    const permits = [1, 2, 3, 4].map(() => breaker.tryAcquire());
    expect(breaker.tryAcquire()).toBeUndefined();
    permits[0]?.success();
    permits[1]?.failure('network');
    permits[2]?.success();
    expect(breaker.state).toBe('halfOpen');
    expect(breaker.tryAcquire()).toBeUndefined();
    permits[3]?.success();
    expect(breaker.state).toBe('closed');
    expect(breaker.diagnostics().windowCalls).toBe(0);
  });

  it('reopens as soon as the threshold can no longer be missed', () => {
    const breaker = halfOpen({ failureRateThreshold: 0.5 });
    const events = recordEvents(breaker);
    const permits = [1, 2, 3, 4].map(() => breaker.tryAcquire());
    permits[0]?.failure('network');
    expect(breaker.state).toBe('halfOpen');
    permits[1]?.failure('network');
    expect(breaker.state).toBe('open');
    expect(events).toEqual(['opened:probeFailed']);
  });

  it('admits new probes after earlier ones returned, until n results are in', () => {
    const breaker = halfOpen({ failureRateThreshold: 0.5, halfOpenProbes: 2 });
    breaker.tryAcquire()?.success();
    expect(breaker.diagnostics().probesInFlight).toBe(0);
    const second = breaker.tryAcquire();
    expect(second).toBeDefined();
    expect(breaker.tryAcquire()).toBeUndefined();
    second?.success();
    expect(breaker.state).toBe('closed');
  });
});

describe('window options', () => {
  it.each([
    [{ window: { calls: 0 } }, /window\.calls/],
    [{ window: { calls: 1.5 } }, /window\.calls/],
    [{ window: { ms: 0 } }, /window\.ms/],
    [{ window: { ms: 1_000, buckets: 0 } }, /window\.buckets/],
    [{ window: { calls: 10 }, failureRateThreshold: 0 }, /failureRateThreshold/],
    [{ window: { calls: 10 }, failureRateThreshold: 1.5 }, /failureRateThreshold/],
    [{ window: { calls: 10 }, slowCallRateThreshold: Number.NaN }, /slowCallRateThreshold/],
    [{ window: { calls: 10 }, minimumCalls: 0 }, /minimumCalls/],
    [{ window: { calls: 10 }, slowCallDurationMs: -1 }, /slowCallDurationMs/],
    [{ timeoutMs: 0 }, /timeoutMs/],
  ] as const)('refuses %j with a RangeError naming the option', (options, message) => {
    expect(() => createBreaker(options as BreakerOptions)).toThrow(RangeError);
    expect(() => createBreaker(options as BreakerOptions)).toThrow(message);
  });

  it.each([
    [{ window: 10 }, /option window must be/],
    [{ window: { calls: 10, ms: 5 } }, /unknown window option "ms"/],
    [{ window: { buckets: 5 } }, /window needs calls or ms/],
    [{ failureRateThreshold: 0.5 }, /failureRateThreshold needs option window/],
    [{ slowCallDurationMs: 10 }, /slowCallDurationMs needs option window/],
  ] as const)('refuses %j with a TypeError', (options, message) => {
    expect(() => createBreaker(options as unknown as BreakerOptions)).toThrow(TypeError);
    expect(() => createBreaker(options as unknown as BreakerOptions)).toThrow(message);
  });

  it('clamps minimumCalls to the calls of a count window', () => {
    const breaker = createBreaker({ window: { calls: 3 }, minimumCalls: 50 });
    expect(breaker.config.minimumCalls).toBe(3);
  });
});

describe('window persistence', () => {
  const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

  it('restores the window counts from a JSON snapshot', () => {
    const breaker = windowed();
    succeed(breaker, 2);
    fail(breaker, 1);
    const restored = windowed({ snapshot: roundTrip(breaker.getPersistedSnapshot()) } as BreakerOptions);
    expect(restored.diagnostics()).toMatchObject({ windowCalls: 3, failureCount: 1 });
    fail(restored);
    expect(restored.diagnostics()).toMatchObject({ windowCalls: 4, failureRate: 0.5, state: 'open' });
  });

  it('starts an empty window when the window changed since the snapshot', () => {
    const breaker = windowed();
    succeed(breaker, 2);
    const snapshot = roundTrip(breaker.getPersistedSnapshot());
    const restored = windowed({ window: { calls: 5 }, snapshot } as BreakerOptions);
    expect(restored.diagnostics().windowCalls).toBe(0);
  });

  it('refuses a snapshot whose window counters are not counts', () => {
    const breaker = windowed();
    succeed(breaker);
    const snapshot = roundTrip(breaker.getPersistedSnapshot()) as {
      context: { window: { counts: unknown[] } };
    };
    snapshot.context.window.counts[0] = 7;
    expect(() => windowed({ snapshot } as BreakerOptions)).toThrow(/context\.window\.counts\.0/);
  });
});

describe('windows in a registry', () => {
  it('gives each tool the window of its defaults or override, and trips a dormant tool on its rate', async () => {
    const registry = createRegistry({
      defaults: { failureThreshold: 1_000, window: { calls: 4 }, minimumCalls: 4 },
      overrides: [{ tool: 'strict', options: { window: { calls: 2 }, minimumCalls: 2 } }],
    });
    try {
      const boom = (): Promise<never> => Promise.reject(new Error('down'));
      await registry.execute('strict', () => 'ok');
      await expect(registry.execute('strict', boom)).rejects.toThrow('down');
      expect(registry.state('strict')).toBe('open');
      for (let i = 0; i < 3; i++) await registry.execute('lenient', () => 'ok');
      await expect(registry.execute('lenient', boom)).rejects.toThrow('down');
      expect(registry.diagnostics('lenient')).toMatchObject({
        state: 'closed',
        failureRate: 0.25,
        windowCalls: 4,
      });
    } finally {
      registry.stop();
    }
  });
});
