import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBreaker, createRegistry, type BreakerOptions } from '../src/index.js';
import { fail, recordEvents } from './helpers.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** Opens at once, backs off 1 s (doubling), waits 100 ms for a caller, probes for at most 2 s. */
function checked(healthCheck: (signal: AbortSignal) => Promise<unknown>, options: BreakerOptions = {}) {
  const breaker = createBreaker({
    failureThreshold: 1,
    minBackoffMs: 1_000,
    probeTimeoutMs: 2_000,
    healthCheck,
    healthCheckGraceMs: 100,
    ...options,
  });
  const events = recordEvents(breaker);
  breaker.on('healthCheckStarted', () => events.push('healthCheckStarted'));
  fail(breaker);
  return { breaker, events };
}

describe('health check', () => {
  it('runs as the probe when no caller comes within the grace, and closes when it resolves', async () => {
    const check = vi.fn(() => Promise.resolve('ok'));
    const { breaker, events } = checked(check);
    vi.advanceTimersByTime(1_000 + 99);
    expect(check).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(check).toHaveBeenCalledTimes(1);
    expect(breaker.state).toBe('closed');
    expect(events).toEqual(['opened:threshold', 'halfOpened', 'healthCheckStarted', 'closed:probeSucceeded']);
  });

  it('does not run when a caller takes the probe within the grace', async () => {
    const check = vi.fn(() => Promise.resolve());
    const { breaker } = checked(check);
    vi.advanceTimersByTime(1_050);
    await breaker.execute(async () => 'caller');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(check).not.toHaveBeenCalled();
    expect(breaker.state).toBe('closed');
  });

  it('reopens with a longer backoff when it fails, and runs again after that backoff', async () => {
    const check = vi.fn(() => Promise.reject(new Error('still down')));
    const { breaker, events } = checked(check);
    await vi.advanceTimersByTimeAsync(1_100);
    expect(breaker.diagnostics()).toMatchObject({ state: 'open', currentBackoffMs: 2_000 });
    await vi.advanceTimersByTimeAsync(2_100);
    expect(check).toHaveBeenCalledTimes(2);
    expect(events.filter((e) => e === 'opened:probeFailed')).toHaveLength(2);
  });

  it('is cut at probeTimeoutMs: its signal aborts and the circuit reopens', async () => {
    let given: AbortSignal | undefined;
    const { breaker } = checked((signal) => {
      given = signal;
      return new Promise(() => undefined);
    });
    await vi.advanceTimersByTimeAsync(1_100);
    expect(breaker.diagnostics()).toMatchObject({ state: 'halfOpen', probesInFlight: 1 });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(given?.aborted).toBe(true);
    expect(breaker.diagnostics()).toMatchObject({ state: 'open', lastErrorCategory: 'timeout' });
  });

  it('stops with the breaker: a running check is aborted and no timer is left', async () => {
    let given: AbortSignal | undefined;
    const { breaker } = checked((signal) => {
      given = signal;
      return new Promise(() => undefined);
    });
    await vi.advanceTimersByTimeAsync(1_100);
    breaker.stop();
    expect(given?.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sets no timer in an idle half-open breaker without a health check', () => {
    const breaker = createBreaker({ failureThreshold: 1, minBackoffMs: 1_000 });
    fail(breaker);
    vi.advanceTimersByTime(1_000);
    expect(breaker.state).toBe('halfOpen');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses a grace without a health check, and a health check that is not a function', () => {
    expect(() => createBreaker({ healthCheckGraceMs: 10 })).toThrow(
      /healthCheckGraceMs needs option healthCheck/,
    );
    expect(() => createBreaker({ healthCheck: 'ping' as unknown as () => Promise<void> })).toThrow(TypeError);
    expect(() => createBreaker({ healthCheck: () => Promise.resolve(), healthCheckGraceMs: -1 })).toThrow(
      RangeError,
    );
  });

  it('runs per tool in a registry, from an override', async () => {
    const check = vi.fn(() => Promise.resolve());
    const registry = createRegistry({
      defaults: { failureThreshold: 1, minBackoffMs: 1_000 },
      overrides: [{ tool: 'search', options: { healthCheck: check, healthCheckGraceMs: 100 } }],
    });
    try {
      const boom = (): Promise<never> => Promise.reject(new Error('down'));
      await expect(registry.execute('search', boom)).rejects.toThrow('down');
      await expect(registry.execute('files', boom)).rejects.toThrow('down');
      await vi.advanceTimersByTimeAsync(1_100);
      expect(check).toHaveBeenCalledTimes(1);
      expect(registry.state('search')).toBe('closed');
      expect(registry.state('files')).toBe('halfOpen');
    } finally {
      registry.stop();
    }
  });
});
