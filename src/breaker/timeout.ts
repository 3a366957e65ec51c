/**
 * Call timeouts: `fn` gets a signal that aborts with a `TimeoutError` DOMException when the
 * time is up, and the caller's promise rejects at once with it. The timer is cleared as soon
 * as the call settles, so none is left behind.
 */
import type { TimerClock } from '../clock.js';

/** Options of one guarded call. */
export interface ExecuteOptions {
  /**
   * Aborts the call: `fn`'s signal follows it, and a call that fails once it is aborted
   * counts as `cancelled` (as `timeout` when its reason is a `TimeoutError`).
   */
  readonly signal?: AbortSignal | undefined;
  /**
   * Milliseconds this call may take (overrides the breaker's `timeoutMs`): then `fn`'s signal
   * aborts with a `TimeoutError` DOMException, the call rejects with it at once and counts as
   * `timeout`. A probe is also cut at `probeTimeoutMs`. @default the breaker's `timeoutMs`
   */
  readonly timeoutMs?: number | undefined;
}

/**
 * The time limit of one call in milliseconds (the call's own, else the breaker's), null for
 * none, or a RangeError naming the bad value.
 */
export function callTimeout(own: unknown, fallback: number | null): number | null | RangeError {
  const ms = own ?? fallback;
  if (ms === null || (typeof ms === 'number' && ms >= 1 && ms <= 2_147_483_647)) return ms;
  return new RangeError(
    `tripstate: option timeoutMs must be a number of milliseconds in [1, 2147483647], got ${typeof ms === 'number' ? ms : JSON.stringify(ms)}`,
  );
}

/** What a timed call reports. */
export interface TimedCallOutcome {
  /** The call resolved in time. */
  succeeded(): void;
  /** The call threw or rejected in time; `signal` is the one `fn` was given. */
  failed(error: unknown, signal: AbortSignal): void;
  /** The time ran out first (the call's later result is ignored). */
  timedOut(): void;
}

/** The error a timed-out call rejects with, and its signal's abort reason. */
export function timeoutError(timeoutMs: number): DOMException {
  return new DOMException(`tripstate: the call timed out after ${timeoutMs} ms`, 'TimeoutError');
}

/** A signal that never aborts, given to `fn` when the caller passes none and nothing can time out. */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/**
 * Runs `fn` with a signal that aborts when `callerSignal` does, or with a `TimeoutError` after
 * `timeoutMs` milliseconds (on `timers`), and settles as `fn` does, at the timeout or at the
 * caller's abort, whichever comes first.
 */
export function callWithTimeout<T>(
  fn: (signal: AbortSignal) => T | PromiseLike<T>,
  callerSignal: AbortSignal | undefined,
  timeoutMs: number,
  timers: TimerClock,
  outcome: TimedCallOutcome,
): Promise<Awaited<T>> {
  const controller = new AbortController();
  const signal = controller.signal;
  return new Promise<Awaited<T>>((resolve, reject) => {
    let done = false;
    // The caller gave up: the call rejects at once with its reason, and counts as cancelled.
    const onAbort = (): void => {
      controller.abort(callerSignal?.reason);
      failed(callerSignal?.reason);
    };
    const finish = (): boolean => {
      if (done) return false;
      done = true;
      timers.clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onAbort);
      return true;
    };
    const timer = timers.setTimeout(() => {
      if (!finish()) return;
      const error = timeoutError(timeoutMs);
      controller.abort(error);
      outcome.timedOut();
      reject(error);
    }, timeoutMs);
    callerSignal?.addEventListener('abort', onAbort, { once: true });
    const failed = (error: unknown): void => {
      if (!finish()) return;
      outcome.failed(error, signal);
      // The callee's thrown value, unchanged, whatever it is.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      reject(error);
    };
    let pending: T | PromiseLike<T>;
    try {
      pending = fn(signal);
    } catch (error) {
      failed(error);
      return;
    }
    Promise.resolve(pending).then((value) => {
      if (!finish()) return;
      outcome.succeeded();
      resolve(value);
    }, failed);
  });
}
