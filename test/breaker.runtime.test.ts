import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from 'xstate';
import {
  BreakerStoppedError,
  BrokenCircuitError,
  IsolatedCircuitError,
  createBreaker,
  isBreakerStoppedError,
  isBrokenCircuitError,
} from '../src/index.js';
import { fail, networkError, recordEvents, testBreaker } from './helpers.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('execute', () => {
  it('returns the callee result and passes the caller signal through', async () => {
    const breaker = testBreaker();
    const controller = new AbortController();
    await expect(
      breaker.execute((signal) => Promise.resolve(signal === controller.signal), {
        signal: controller.signal,
      }),
    ).resolves.toBe(true);
  });

  it('rethrows the callee error unchanged and counts it', async () => {
    const breaker = testBreaker();
    const error = networkError();
    await expect(breaker.execute(() => Promise.reject(error))).rejects.toBe(error);
    expect(breaker.diagnostics()).toMatchObject({ failureCount: 1, lastErrorCategory: 'network' });
  });

  it('counts a synchronous throw like a rejection', async () => {
    const breaker = testBreaker();
    const error = networkError();
    await expect(
      breaker.execute(() => {
        throw error;
      }),
    ).rejects.toBe(error);
    expect(breaker.diagnostics().failureCount).toBe(1);
  });

  it('rejects with a BrokenCircuitError carrying the state and remaining backoff when open', async () => {
    const breaker = testBreaker({ failureThreshold: 1 });
    await breaker.execute(() => Promise.reject(networkError())).catch(() => undefined);
    vi.advanceTimersByTime(400);
    const fn = vi.fn();
    const error = await breaker.execute(fn).catch((e: unknown) => e);
    expect(fn).not.toHaveBeenCalled();
    expect(error).toBeInstanceOf(BrokenCircuitError);
    expect(isBrokenCircuitError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'BrokenCircuitError', state: 'open', remainingBackoffMs: 600 });
    // Control flow, not a bug: no stack trace is captured (most of a rejection's cost), and the
    // global stack trace limit is left as it was.
    expect((error as Error).stack).toBe('BrokenCircuitError: Circuit is open; retry in 600 ms');
    expect(Error.stackTraceLimit).toBeGreaterThan(0);
  });

  it('counts a call that fails after its signal aborted as cancelled, which does not trip', async () => {
    const breaker = testBreaker({ failureThreshold: 1 });
    const controller = new AbortController();
    const call = breaker.execute(
      (signal) =>
        new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Error('stopped')))),
      { signal: controller.signal },
    );
    controller.abort();
    await expect(call).rejects.toThrow('stopped');
    expect(breaker.diagnostics()).toMatchObject({ state: 'closed', failureCount: 0 });
  });

  it('counts a call whose signal timed out as a timeout, which trips', async () => {
    const breaker = testBreaker({ failureThreshold: 1 });
    const controller = new AbortController();
    const call = breaker.execute(
      (signal) => new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
      { signal: controller.signal },
    );
    controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
    await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(breaker.diagnostics()).toMatchObject({ state: 'open', lastErrorCategory: 'timeout' });
  });

  it('does not call the callee when the signal is already aborted', async () => {
    const breaker = testBreaker();
    const fn = vi.fn();
    await expect(breaker.execute(fn, { signal: AbortSignal.abort(new Error('gone')) })).rejects.toThrow(
      'gone',
    );
    expect(fn).not.toHaveBeenCalled();
  });

  it('uses the classify option, and falls back to execution_error when it throws or lies', async () => {
    const breaker = testBreaker({ failureThreshold: 1, classify: () => 'invalid_parameters' });
    await breaker.execute(() => Promise.reject(new Error('bad args'))).catch(() => undefined);
    expect(breaker.state).toBe('closed');
    const throwing = testBreaker({
      failureThreshold: 1,
      classify: () => {
        throw new Error('oops');
      },
    });
    await throwing.execute(() => Promise.reject(new Error('x'))).catch(() => undefined);
    expect(throwing.diagnostics()).toMatchObject({ state: 'open', lastErrorCategory: 'execution_error' });
    const lying = testBreaker({ failureThreshold: 1, classify: () => 'nonsense' as never });
    await lying.execute(() => Promise.reject(new Error('x'))).catch(() => undefined);
    expect(lying.diagnostics().lastErrorCategory).toBe('execution_error');
  });

  it('handles thrown values of any shape without crashing', async () => {
    const breaker = testBreaker({ failureThreshold: 10 });
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    for (const value of [undefined, null, 'text', 42, Symbol('s'), hostile, Object.create(null)]) {
      await expect(breaker.execute(() => Promise.reject(value))).rejects.toBe(value);
    }
    expect(breaker.diagnostics().failureCount).toBe(7);
  });

  it('rejects a callee that is not a function with a TypeError, admitting and counting nothing', async () => {
    const breaker = testBreaker({ failureThreshold: 1 });
    for (const value of [undefined, null, 42, 'fetch', {}]) {
      await expect(breaker.execute(value as never)).rejects.toThrow(
        /^tripstate: execute\(\) needs a function, got /,
      );
    }
    expect(breaker.diagnostics()).toMatchObject({ state: 'closed', failureCount: 0 });
  });

  it('runs nothing once stopped: execute rejects with a BreakerStoppedError, tryAcquire gives nothing', async () => {
    const breaker = testBreaker();
    const callee = vi.fn(async () => 'ran');
    breaker.stop();
    const error: unknown = await breaker.execute(callee).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BreakerStoppedError);
    expect(isBreakerStoppedError(error)).toBe(true);
    expect(isBrokenCircuitError(error)).toBe(false);
    expect(callee).not.toHaveBeenCalled();
    expect(breaker.tryAcquire()).toBeUndefined();
  });

  it('admits exactly one of 10,000 concurrent calls at a half-open breaker', async () => {
    const breaker = createBreaker({ failureThreshold: 1, minBackoffMs: 100 });
    fail(breaker);
    vi.advanceTimersByTime(100);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const results = Array.from({ length: 10_000 }, () =>
      breaker
        .execute(async () => {
          calls++;
          await gate;
          return 'ok';
        })
        .then(
          () => 'admitted',
          (e: unknown) => (isBrokenCircuitError(e) ? 'rejected' : 'other'),
        ),
    );
    release();
    const settled = await Promise.all(results);
    expect(calls).toBe(1);
    expect(settled.filter((r) => r === 'admitted')).toHaveLength(1);
    expect(settled.filter((r) => r === 'rejected')).toHaveLength(9_999);
    expect(breaker.diagnostics()).toMatchObject({ state: 'closed', deniedRequests: 9_999 });
  });
});

describe('batched failures', () => {
  it('counts failures below the threshold in one event, exact on every read', () => {
    const breaker = testBreaker({ failureThreshold: 20 });
    let snapshots = 0;
    breaker.actor.subscribe(() => snapshots++);
    for (let i = 0; i < 10; i++) breaker.tryAcquire()?.failure(i % 2 ? 'timeout' : 'network');
    expect(snapshots).toBe(0);
    expect(breaker.failureCount).toBe(10);
    expect(breaker.diagnostics()).toMatchObject({ failureCount: 10, lastErrorCategory: 'timeout' });
    expect(snapshots).toBe(1);
  });

  it('opens on the failure that reaches the threshold, with the batch counted first', () => {
    const breaker = testBreaker({ failureThreshold: 5 });
    const opened: number[] = [];
    breaker.on('opened', (e) => opened.push(e.failureCount));
    for (let i = 0; i < 5; i++) breaker.tryAcquire()?.failure('network');
    expect(breaker.state).toBe('open');
    expect(opened).toEqual([5]);
  });

  it('a success after batched failures clears them', () => {
    const breaker = testBreaker({ failureThreshold: 3 });
    breaker.tryAcquire()?.failure('network');
    breaker.tryAcquire()?.failure('network');
    breaker.tryAcquire()?.success();
    breaker.tryAcquire()?.failure('network');
    breaker.tryAcquire()?.failure('network');
    expect(breaker.diagnostics()).toMatchObject({ state: 'closed', failureCount: 2 });
  });
});

describe('permits', () => {
  it('settle once', () => {
    const breaker = testBreaker({ failureThreshold: 2 });
    const permit = breaker.tryAcquire();
    expect(permit?.failure('network')).toBe(true);
    expect(permit?.failure('network')).toBe(false);
    expect(permit?.success()).toBe(false);
    expect(breaker.diagnostics().failureCount).toBe(1);
  });

  it('a release frees the probe slot, and so does a non-counting failure', () => {
    const breaker = testBreaker({ failureThreshold: 1 });
    fail(breaker);
    vi.advanceTimersByTime(1_000);
    breaker.tryAcquire()?.release();
    expect(breaker.diagnostics()).toMatchObject({ state: 'halfOpen', probesInFlight: 0 });
    breaker.tryAcquire()?.failure('invalid_parameters');
    expect(breaker.diagnostics()).toMatchObject({ state: 'halfOpen', probesInFlight: 0, openCount: 1 });
    breaker.tryAcquire()?.success();
    expect(breaker.state).toBe('closed');
  });

  it('classifies a thrown value given to failure()', () => {
    const breaker = testBreaker({ failureThreshold: 1 });
    breaker.tryAcquire()?.failure(Object.assign(new Error('x'), { status: 503 }));
    expect(breaker.diagnostics()).toMatchObject({ state: 'open', lastErrorCategory: 'service_unavailable' });
  });

  it('admits halfOpenProbes calls at once when configured', () => {
    const breaker = testBreaker({ failureThreshold: 1, halfOpenProbes: 3 });
    fail(breaker);
    vi.advanceTimersByTime(1_000);
    const permits = Array.from({ length: 5 }, () => breaker.tryAcquire());
    expect(permits.filter(Boolean)).toHaveLength(3);
    permits[0]?.success();
    expect(breaker.state).toBe('closed');
  });
});

describe('backoff', () => {
  it('doubles after each failed probe up to the maximum, and resets after recovery', () => {
    const breaker = testBreaker({ failureThreshold: 1 });
    fail(breaker);
    const seen = [breaker.diagnostics().currentBackoffMs];
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(seen.at(-1) ?? 0);
      breaker.tryAcquire()?.failure('timeout');
      seen.push(breaker.diagnostics().currentBackoffMs);
    }
    expect(seen).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
    vi.advanceTimersByTime(8_000);
    breaker.tryAcquire()?.success();
    fail(breaker);
    expect(breaker.diagnostics().currentBackoffMs).toBe(1_000);
  });

  it('shortens a later open period by at most the jitter fraction', () => {
    const breaker = testBreaker({ failureThreshold: 1, jitter: 0.25 });
    vi.spyOn(Math, 'random').mockReturnValue(0);
    fail(breaker);
    vi.advanceTimersByTime(1_000);
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    fail(breaker); // the probe fails: backoff 2 000 ms, less up to 25 %
    expect(breaker.diagnostics()).toMatchObject({ currentBackoffMs: 2_000, remainingBackoffMs: 1_501 });
    vi.restoreAllMocks();
  });

  it('never jitters an open period below minBackoffMs', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const breaker = testBreaker({ failureThreshold: 1, minBackoffMs: 200, jitter: 0.5 });
    const durations: number[] = [];
    breaker.on('opened', (e) => durations.push(e.backoffMs));
    fail(breaker);
    const full = testBreaker({ failureThreshold: 1, minBackoffMs: 200, maxBackoffMs: 400, jitter: 1 });
    full.on('opened', (e) => durations.push(e.backoffMs));
    fail(full);
    vi.advanceTimersByTime(200);
    fail(full); // the probe fails: backoff 400 ms, jitter 1 would shave it to 1 ms
    expect(durations).toEqual([200, 200, 200]);
    vi.restoreAllMocks();
  });

  it('stays open at least as long as a Retry-After says', async () => {
    const breaker = testBreaker({ failureThreshold: 1 });
    const limited = Object.assign(new Error('slow down'), { status: 429, headers: { 'retry-after': '30' } });
    await breaker.execute(() => Promise.reject(limited)).catch(() => undefined);
    expect(breaker.diagnostics()).toMatchObject({
      state: 'open',
      lastErrorCategory: 'rate_limit',
      remainingBackoffMs: 30_000,
    });
    vi.advanceTimersByTime(29_999);
    expect(breaker.state).toBe('open');
    vi.advanceTimersByTime(1);
    expect(breaker.state).toBe('halfOpen');
  });

  it('reads an HTTP-date Retry-After against the breaker clock, not the wall clock', async () => {
    const clock = new SimulatedClock();
    clock.set(Date.parse('Mon, 23 Nov 2026 12:00:00 GMT'));
    const breaker = createBreaker({ failureThreshold: 1, minBackoffMs: 1_000, clock });
    const unavailable = Object.assign(new Error('down for maintenance'), {
      status: 503,
      headers: { 'retry-after': 'Mon, 23 Nov 2026 12:01:00 GMT' },
    });
    await breaker.execute(() => Promise.reject(unavailable)).catch(() => undefined);
    expect(breaker.diagnostics()).toMatchObject({ state: 'open', remainingBackoffMs: 60_000 });
    clock.increment(59_999);
    expect(breaker.state).toBe('open');
    clock.increment(1);
    expect(breaker.state).toBe('halfOpen');
  });
});

describe('manual control and events', () => {
  it('isolate rejects every call with an IsolatedCircuitError until release', async () => {
    const breaker = testBreaker();
    const events = recordEvents(breaker);
    breaker.isolate();
    await expect(breaker.execute(async () => 1)).rejects.toBeInstanceOf(IsolatedCircuitError);
    vi.advanceTimersByTime(1_000_000);
    expect(breaker.state).toBe('isolated');
    breaker.release();
    await expect(breaker.execute(async () => 1)).resolves.toBe(1);
    expect(events).toEqual(['isolated', 'closed:released']);
  });

  it('reset closes the circuit, clears counters and ignores calls admitted before', () => {
    const breaker = testBreaker({ failureThreshold: 1 });
    const before = breaker.tryAcquire();
    fail(breaker);
    breaker.tryAcquire();
    breaker.reset();
    before?.failure('network');
    expect(breaker.diagnostics()).toMatchObject({
      state: 'closed',
      failureCount: 0,
      openCount: 0,
      deniedRequests: 0,
      currentBackoffMs: 0,
    });
  });

  it('settles each call in the generation it was admitted in, across a reset', async () => {
    const breaker = testBreaker({ failureThreshold: 3 });
    const callee = (): { promise: Promise<never>; reject: (e: unknown) => void } => {
      let reject: (e: unknown) => void = () => undefined;
      const promise = new Promise<never>((_, r) => (reject = r));
      return { promise, reject };
    };
    const before = callee();
    const beforeCall = breaker.execute(() => before.promise).catch(() => undefined);
    breaker.reset();
    const after = callee();
    const afterCall = breaker.execute(() => after.promise).catch(() => undefined);
    before.reject(networkError());
    await beforeCall;
    expect(breaker.failureCount).toBe(0);
    after.reject(networkError());
    await afterCall;
    expect(breaker.failureCount).toBe(1);
  });

  it('survives a listener that throws: the breaker goes on, other listeners run, the error is logged', () => {
    const breaker = testBreaker({ failureThreshold: 1 });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const bug = new Error('listener bug');
    const seen: string[] = [];
    breaker.on('opened', () => {
      throw bug;
    });
    breaker.on('opened', (e) => seen.push(e.reason));
    fail(breaker);
    vi.runAllTimers(); // XState would rethrow a listener's error from a timer, crashing the process
    expect(breaker.state).toBe('halfOpen');
    expect(seen).toEqual(['threshold']);
    expect(logged).toHaveBeenCalledWith('tripstate: a breaker opened listener threw', bug);
    logged.mockRestore();
  });

  it('refuses an unknown event name or a listener that is not a function', () => {
    const breaker = testBreaker();
    expect(() => breaker.on('open' as never, () => undefined)).toThrow(
      /^tripstate: unknown breaker event "open"; one of opened, halfOpened, closed, isolated, rejected, healthCheckStarted$/,
    );
    expect(() => breaker.on('opened', 'log' as never)).toThrow(TypeError);
  });

  it('emits rejected for each rejection to a listener, and stops after unsubscribe', () => {
    const breaker = testBreaker({ failureThreshold: 1 });
    fail(breaker);
    const rejected: unknown[] = [];
    const off = breaker.on('rejected', (event) => rejected.push(event));
    breaker.tryAcquire();
    breaker.tryAcquire();
    off();
    off();
    breaker.tryAcquire();
    expect(rejected).toEqual([
      { type: 'rejected', state: 'open', count: 1, remainingBackoffMs: 1_000 },
      { type: 'rejected', state: 'open', count: 1, remainingBackoffMs: 1_000 },
    ]);
    expect(breaker.diagnostics().deniedRequests).toBe(3);
  });

  it('counts batched rejections exactly across a timer-driven change of state', () => {
    const breaker = testBreaker({ failureThreshold: 1 });
    fail(breaker);
    breaker.tryAcquire();
    breaker.tryAcquire();
    vi.advanceTimersByTime(1_000);
    expect(breaker.tryAcquire()).toBeDefined();
    breaker.tryAcquire();
    expect(breaker.diagnostics()).toMatchObject({
      state: 'halfOpen',
      deniedRequests: 3,
      lastDeniedAt: Date.now(),
    });
  });
});
