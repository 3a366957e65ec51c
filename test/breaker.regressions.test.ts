/** The seeds' bugs that tripstate must not have. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BrokenCircuitError, createBreaker } from '../src/index.js';
import { fail, recordEvents } from './helpers.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('regressions of the seeds', () => {
  it('(a) admits exactly one caller when half-open, where the per-tool seed admitted all', () => {
    const breaker = createBreaker({ failureThreshold: 1, minBackoffMs: 100 });
    fail(breaker);
    vi.advanceTimersByTime(100);
    const admitted = Array.from({ length: 50 }, () => breaker.tryAcquire()).filter(Boolean);
    expect(admitted).toHaveLength(1);
    expect(breaker.diagnostics()).toMatchObject({ state: 'halfOpen', probesInFlight: 1, deniedRequests: 49 });
  });

  it('(b) remaining backoff and admission agree when the backoff has run out but its timer has not fired', () => {
    const breaker = createBreaker({ failureThreshold: 1, minBackoffMs: 1_000 });
    fail(breaker);
    vi.setSystemTime(Date.now() + 999);
    expect(breaker.diagnostics().remainingBackoffMs).toBe(1);
    expect(breaker.tryAcquire()).toBeUndefined();
    vi.setSystemTime(Date.now() + 1);
    expect(breaker.state).toBe('open');
    expect(breaker.diagnostics().remainingBackoffMs).toBe(0);
    expect(breaker.tryAcquire()).toBeDefined();
    expect(breaker.state).toBe('halfOpen');
  });

  it('(b) with a zero backoff, a call is admitted at once and remaining backoff says 0', () => {
    const breaker = createBreaker({ failureThreshold: 1, minBackoffMs: 0, maxBackoffMs: 0 });
    fail(breaker);
    expect(breaker.diagnostics().remainingBackoffMs).toBe(0);
    expect(breaker.tryAcquire()).toBeDefined();
  });

  it('(c) ignores a late success from a call admitted before the circuit opened', () => {
    const breaker = createBreaker({ failureThreshold: 2, minBackoffMs: 1_000 });
    const slow = breaker.tryAcquire();
    fail(breaker, 2);
    expect(breaker.state).toBe('open');
    expect(slow?.success()).toBe(true);
    expect(breaker.state).toBe('open');
    vi.advanceTimersByTime(1_000);
    expect(breaker.state).toBe('halfOpen');
    const late = breaker.tryAcquire();
    slow?.success();
    expect(breaker.state).toBe('halfOpen');
    late?.success();
    expect(breaker.state).toBe('closed');
  });

  it('(c) ignores a late failure from before a recovery', () => {
    const breaker = createBreaker({ failureThreshold: 1, minBackoffMs: 100 });
    const stale = breaker.tryAcquire();
    fail(breaker);
    vi.advanceTimersByTime(100);
    breaker.tryAcquire()?.success();
    stale?.failure('network');
    expect(breaker.diagnostics()).toMatchObject({ state: 'closed', failureCount: 0 });
  });

  it('(d) reclaims a probe that never reports after probeTimeoutMs, as a failed probe', () => {
    const breaker = createBreaker({ failureThreshold: 1, minBackoffMs: 100, probeTimeoutMs: 5_000 });
    const events = recordEvents(breaker);
    fail(breaker);
    vi.advanceTimersByTime(100);
    const lost = breaker.tryAcquire();
    expect(lost).toBeDefined();
    vi.advanceTimersByTime(4_999);
    expect(breaker.state).toBe('halfOpen');
    vi.advanceTimersByTime(1);
    expect(breaker.diagnostics()).toMatchObject({
      state: 'open',
      currentBackoffMs: 200,
      lastErrorCategory: 'timeout',
    });
    vi.advanceTimersByTime(200);
    expect(breaker.tryAcquire()).toBeDefined();
    lost?.success();
    expect(breaker.state).toBe('halfOpen');
    expect(events).toEqual(['opened:threshold', 'halfOpened', 'opened:probeTimeout', 'halfOpened']);
  });

  it('(d) an execute() whose callee hangs gives its probe back after probeTimeoutMs', async () => {
    const breaker = createBreaker({ failureThreshold: 1, minBackoffMs: 100, probeTimeoutMs: 1_000 });
    fail(breaker);
    vi.advanceTimersByTime(100);
    let given: AbortSignal | undefined;
    const hanging = breaker.execute((signal) => {
      given = signal;
      return new Promise<never>(() => undefined);
    });
    const settled = hanging.catch((error: unknown) => error);
    await expect(breaker.execute(async () => 1)).rejects.toBeInstanceOf(BrokenCircuitError);
    vi.advanceTimersByTime(1_000);
    // The hung probe's caller is rejected, and its callee told to stop.
    const error = await settled;
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('TimeoutError');
    expect(given?.aborted).toBe(true);
    vi.advanceTimersByTime(200);
    await expect(breaker.execute(async () => 'recovered')).resolves.toBe('recovered');
    expect(breaker.state).toBe('closed');
  });
});
