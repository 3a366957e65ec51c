/**
 * Every test of the two reference implementations, ported as behaviour
 * (`../shared/seeds/`: the per-tool breaker and the single-probe LLM breaker).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBreaker } from '../src/index.js';
import { fail } from './helpers.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('per-tool seed', () => {
  it('invalid parameters do not open the circuit', () => {
    const breaker = createBreaker({ failureThreshold: 2 });
    fail(breaker, 2, 'invalid_parameters');
    expect(breaker.state).toBe('closed');
    expect(breaker.diagnostics().failureCount).toBe(0);
  });

  it('denied requests are recorded for an open circuit', () => {
    const breaker = createBreaker({ failureThreshold: 1, minBackoffMs: 30_000 });
    fail(breaker, 1, 'execution_error');
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBeUndefined();
    const diagnostics = breaker.diagnostics();
    expect(diagnostics.deniedRequests).toBe(1);
    expect(diagnostics.lastDeniedAt).toBe(Date.now());
    expect(diagnostics.lastErrorCategory).toBe('execution_error');
  });

  it('metrics record the opening, the half-open transition and the denial', () => {
    const breaker = createBreaker({ failureThreshold: 1, minBackoffMs: 10, maxBackoffMs: 1_000 });
    fail(breaker, 1, 'execution_error');
    expect(breaker.tryAcquire()).toBeUndefined();
    vi.advanceTimersByTime(20);
    expect(breaker.tryAcquire()).toBeDefined();
    const { openCount, deniedRequests, halfOpenCount } = breaker.diagnostics();
    expect({ openCount, deniedRequests, halfOpenCount }).toEqual({
      openCount: 1,
      deniedRequests: 1,
      halfOpenCount: 1,
    });
  });

  it('an overflowing half-open backoff clamps to the maximum backoff', () => {
    const breaker = createBreaker({
      failureThreshold: 1,
      minBackoffMs: 1,
      maxBackoffMs: 10,
      backoffFactor: Number.MAX_VALUE,
    });
    fail(breaker, 1, 'execution_error');
    vi.advanceTimersByTime(2);
    const probe = breaker.tryAcquire();
    expect(probe).toBeDefined();
    probe?.failure('execution_error');
    expect(breaker.diagnostics().currentBackoffMs).toBe(10);
  });
});

describe('single-probe seed', () => {
  it('starts closed and admits calls', () => {
    const breaker = createBreaker();
    expect(breaker.tryAcquire()).toBeDefined();
    expect(breaker.state).toBe('closed');
  });

  it('opens after the threshold of failures', () => {
    const breaker = createBreaker({ failureThreshold: 3, minBackoffMs: 60_000 });
    fail(breaker, 2);
    expect(breaker.tryAcquire()).toBeDefined();
    fail(breaker, 1);
    expect(breaker.tryAcquire()).toBeUndefined();
    expect(breaker.state).toBe('open');
  });

  it('closes on success (here: after the backoff, through the probe)', () => {
    const breaker = createBreaker({ failureThreshold: 5, minBackoffMs: 30_000 });
    fail(breaker, 5);
    expect(breaker.state).toBe('open');
    vi.advanceTimersByTime(30_000);
    breaker.tryAcquire()?.success();
    expect(breaker.tryAcquire()).toBeDefined();
    expect(breaker.state).toBe('closed');
  });

  it('admits only one probe when half-open', () => {
    const breaker = createBreaker({ failureThreshold: 1, minBackoffMs: 1_000 });
    fail(breaker, 1);
    expect(breaker.tryAcquire()).toBeUndefined();
    vi.advanceTimersByTime(1_100);
    expect(breaker.tryAcquire()).toBeDefined();
    expect(breaker.tryAcquire()).toBeUndefined();
    expect(breaker.tryAcquire()).toBeUndefined();
    expect(breaker.state).toBe('halfOpen');
  });

  it('reopens when the probe fails, and rejects until the new backoff ends', () => {
    const breaker = createBreaker({ failureThreshold: 1, minBackoffMs: 1_000 });
    fail(breaker, 1);
    vi.advanceTimersByTime(1_100);
    breaker.tryAcquire()?.failure('network');
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBeUndefined();
  });

  it('closes when the probe succeeds, and admits every call again', () => {
    const breaker = createBreaker({ failureThreshold: 1, minBackoffMs: 1_000 });
    fail(breaker, 1);
    vi.advanceTimersByTime(1_100);
    breaker.tryAcquire()?.success();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBeDefined();
    expect(breaker.tryAcquire()).toBeDefined();
  });
});
