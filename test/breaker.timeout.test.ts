import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBreaker, type BreakerOptions } from '../src/index.js';
import { fail, recordEvents } from './helpers.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const hang = (): Promise<never> => new Promise<never>(() => undefined);

function breakerWith(options: BreakerOptions = {}) {
  return createBreaker({ failureThreshold: 3, minBackoffMs: 1_000, ...options });
}

const nameOf = (error: unknown): unknown => (error as { name?: unknown }).name;

describe('call timeouts', () => {
  it('aborts the signal given to fn and rejects the caller at once with a TimeoutError', async () => {
    const breaker = breakerWith({ timeoutMs: 500 });
    let given: AbortSignal | undefined;
    const call = breaker
      .execute((signal) => {
        given = signal;
        return hang();
      })
      .catch((error: unknown) => error);
    vi.advanceTimersByTime(499);
    expect(given?.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    const error = await call;
    expect(error).toBeInstanceOf(DOMException);
    expect(nameOf(error)).toBe('TimeoutError');
    expect(given?.reason).toBe(error);
    expect(breaker.diagnostics()).toMatchObject({ failureCount: 1, lastErrorCategory: 'timeout' });
  });

  it('takes a per-call timeoutMs over the breaker option', async () => {
    const breaker = breakerWith({ timeoutMs: 10_000 });
    const call = breaker.execute(hang, { timeoutMs: 100 }).catch(nameOf);
    vi.advanceTimersByTime(100);
    await expect(call).resolves.toBe('TimeoutError');
  });

  it('leaves no timer behind once the call settles', async () => {
    const breaker = breakerWith({ timeoutMs: 500 });
    await expect(breaker.execute(async () => 'done')).resolves.toBe('done');
    await expect(breaker.execute(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ignores the result of a call that already timed out', async () => {
    const breaker = breakerWith({ timeoutMs: 100 });
    let finish: (value: string) => void = () => undefined;
    const call = breaker.execute(() => new Promise<string>((resolve) => (finish = resolve))).catch(nameOf);
    vi.advanceTimersByTime(100);
    await expect(call).resolves.toBe('TimeoutError');
    finish('late');
    await Promise.resolve();
    expect(breaker.diagnostics().failureCount).toBe(1);
  });

  it("passes the caller's abort on to fn and counts it as cancelled", async () => {
    const breaker = breakerWith({ timeoutMs: 1_000 });
    const controller = new AbortController();
    const call = breaker.execute(
      (signal) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error))),
      { signal: controller.signal },
    );
    controller.abort(new Error('user gave up'));
    await expect(call).rejects.toThrow('user gave up');
    expect(breaker.diagnostics()).toMatchObject({ failureCount: 0, lastErrorCategory: null });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects at once on the caller's abort under a timeout, even when fn ignores its signal", async () => {
    const breaker = breakerWith({ timeoutMs: 1_000 });
    const controller = new AbortController();
    const call = breaker.execute(hang, { signal: controller.signal });
    controller.abort(new Error('user gave up'));
    await expect(call).rejects.toThrow('user gave up');
    expect(breaker.diagnostics().failureCount).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('counts a timed-out call as slow in a window', async () => {
    const breaker = breakerWith({
      failureThreshold: 100,
      timeoutMs: 100,
      window: { calls: 10 },
      minimumCalls: 2,
      failureRateThreshold: 1,
      slowCallRateThreshold: 0.5,
    });
    const events = recordEvents(breaker);
    await breaker.execute(async () => 'fast');
    const call = breaker.execute(hang).catch(nameOf);
    vi.advanceTimersByTime(100);
    await expect(call).resolves.toBe('TimeoutError');
    expect(events).toEqual(['opened:slowCallRate']);
  });

  it('gives fn an AbortSignal that never aborts when there is no signal and no timeout', async () => {
    const breaker = breakerWith();
    const typed = (signal: AbortSignal): boolean => signal instanceof AbortSignal && !signal.aborted;
    await expect(breaker.execute(typed)).resolves.toBe(true);
  });

  it('refuses an invalid per-call timeoutMs with a RangeError, admitting nothing', async () => {
    const breaker = breakerWith();
    await expect(breaker.execute(hang, { timeoutMs: -5 })).rejects.toThrow(RangeError);
    await expect(breaker.execute(hang, { timeoutMs: Number.NaN })).rejects.toThrow(/timeoutMs/);
    expect(breaker.diagnostics().failureCount).toBe(0);
  });

  it('rejects the caller of a probe that times out, and reopens', async () => {
    const breaker = breakerWith({ failureThreshold: 1, timeoutMs: 200, probeTimeoutMs: 10_000 });
    const events = recordEvents(breaker);
    fail(breaker);
    vi.advanceTimersByTime(1_000);
    const probe = breaker.execute(hang).catch(nameOf);
    vi.advanceTimersByTime(200);
    await expect(probe).resolves.toBe('TimeoutError');
    expect(breaker.state).toBe('open');
    expect(events).toEqual(['opened:threshold', 'halfOpened', 'opened:probeFailed']);
  });
});
