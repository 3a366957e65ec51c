/** What settles a call: shared handlers per generation, and the measured duration of a result. */

/** What settles the calls a standalone breaker admitted in `generation` without a signal. */
export class CallHandlers {
  constructor(
    readonly generation: number,
    readonly succeeded: <V>(value: V) => V,
    readonly failed: (error: unknown) => never,
  ) {}
}

/** The `durationMs` field of a result event, when measured. */
export const measured = (durationMs: number | undefined): { durationMs?: number } =>
  durationMs === undefined ? {} : { durationMs };

// Compared by identity only, never called unbound.
// eslint-disable-next-line @typescript-eslint/unbound-method
const promiseThen = Promise.prototype.then;

/**
 * `Promise.resolve(pending).then(onFulfilled, onRejected)`, without the `Promise.resolve` when
 * `pending` is what it would return unchanged: a promise of this realm whose constructor is
 * `Promise`, here with the intrinsic `then` too. An object that only inherits from
 * `Promise.prototype` passes both checks, but the intrinsic `then` throws on it at once: it then
 * takes the general path, as does anything else (a plain value, a thenable, a subclassed or
 * foreign promise, a promise with its own `then`).
 */
export function thenOf<T, R>(
  pending: T | PromiseLike<T>,
  onFulfilled: (value: Awaited<T>) => R,
  onRejected: (error: unknown) => never,
): Promise<R> {
  if (
    typeof pending === 'object' &&
    pending !== null &&
    (pending as Promise<T>).constructor === Promise &&
    (pending as Promise<T>).then === promiseThen
  ) {
    try {
      return (pending as Promise<Awaited<T>>).then(onFulfilled, onRejected);
    } catch {
      // Not a promise after all: `Promise.resolve` follows it as a thenable (and rejects).
    }
  }
  return Promise.resolve(pending).then(onFulfilled, onRejected);
}
