/**
 * `execute()` without options on a closed breaker takes a short lane once its first call has
 * made the settle handlers of the generation. Whatever changed since (stopped, opened, reset,
 * durations measured), the call must behave as the full path would.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isBreakerStoppedError, isBrokenCircuitError } from '../src/index.js';
import { networkError, testBreaker } from './helpers.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const one = (): Promise<number> => Promise.resolve(1);

describe('execute() after successful calls', () => {
  it('rejects with a BreakerStoppedError once the breaker is stopped, and does not run fn', async () => {
    const breaker = testBreaker();
    await breaker.execute(one);
    await breaker.execute(one);
    breaker.stop();
    const fn = vi.fn(one);
    const error: unknown = await breaker.execute(fn).catch((e: unknown) => e);
    expect(isBreakerStoppedError(error)).toBe(true);
    expect(fn).not.toHaveBeenCalled();
  });

  it('rejects once the circuit has opened', async () => {
    const breaker = testBreaker({ failureThreshold: 1 });
    await breaker.execute(one);
    await breaker.execute(() => Promise.reject(networkError())).catch(() => undefined);
    expect(breaker.state).toBe('open');
    const error: unknown = await breaker.execute(one).catch((e: unknown) => e);
    expect(isBrokenCircuitError(error)).toBe(true);
  });

  it('ignores the result of a call admitted before a reset, and counts calls admitted after it', async () => {
    const breaker = testBreaker();
    await breaker.execute(one);
    let rejectEarlier!: (error: Error) => void;
    const earlier = breaker.execute(() => new Promise<number>((_, reject) => (rejectEarlier = reject)));
    breaker.reset();
    rejectEarlier(networkError());
    await earlier.catch(() => undefined);
    expect(breaker.failureCount).toBe(0);
    await breaker.execute(() => Promise.reject(networkError())).catch(() => undefined);
    expect(breaker.failureCount).toBe(1);
  });

  it('measures the duration of calls once durations are measured', async () => {
    const breaker = testBreaker();
    await breaker.execute(one);
    const durations: number[] = [];
    const unmeasure = breaker.measureDurations((_tool, _outcome, _category, seconds) =>
      durations.push(seconds),
    );
    await breaker.execute(one);
    unmeasure();
    await breaker.execute(one);
    expect(durations).toHaveLength(1);
  });

  it('clears the failure count on a success, so only consecutive failures open the circuit', async () => {
    const breaker = testBreaker({ failureThreshold: 2 });
    await breaker.execute(one);
    for (let i = 0; i < 3; i++) {
      await breaker.execute(() => Promise.reject(networkError())).catch(() => undefined);
      expect(breaker.failureCount).toBe(1);
      await breaker.execute(one);
      expect(breaker.failureCount).toBe(0);
    }
    expect(breaker.state).toBe('closed');
  });

  it('rejects a callee that is not a function with a TypeError, counting nothing', async () => {
    const breaker = testBreaker({ failureThreshold: 1 });
    await breaker.execute(one);
    for (const value of [undefined, null, 42, 'fetch', {}]) {
      await expect(breaker.execute(value as never)).rejects.toThrow(
        /^tripstate: execute\(\) needs a function, got /,
      );
    }
    expect(breaker.stats()).toMatchObject({ calls: 1, successes: 1, failures: 0, ignored: 0 });
    expect(breaker.state).toBe('closed');
  });

  it('counts a synchronous throw as a failure and rejects with the thrown value', async () => {
    const breaker = testBreaker();
    await breaker.execute(one);
    const error = networkError();
    await expect(
      breaker.execute(() => {
        throw error;
      }),
    ).rejects.toBe(error);
    expect(breaker.stats()).toMatchObject({ calls: 2, successes: 1, failures: 1 });
  });
});
