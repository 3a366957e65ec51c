/**
 * What `fn` may return: a native promise, a plain value, a thenable, a subclassed promise, a
 * promise with its own `then`, a promise of another realm, an object that only looks like a
 * promise. `execute()` settles with what `Promise.resolve(result)` would give, on its first call
 * (the full path), on later calls (the short lane of a closed breaker) and in a registry alike.
 */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createRegistry, type Breaker } from '../src/index.js';
import { networkError, testBreaker } from './helpers.js';

/** A breaker whose first call is made, so the next one takes the short lane. */
async function warmBreaker(): Promise<Breaker> {
  const breaker = testBreaker();
  await breaker.execute(() => Promise.resolve(0));
  return breaker;
}

/** The settled calls of a breaker beyond its warm-up call. */
function outcomes(breaker: Breaker): { successes: number; failed: number } {
  const { successes, failures, ignored } = breaker.stats();
  return { successes: successes - 1, failed: failures + ignored };
}

class TaggedPromise<T> extends Promise<T> {}

describe.each([
  ['the first call', async () => testBreaker(), 0],
  ['a later call', warmBreaker, 1],
  ['a registry tool', async () => createRegistry().breaker('search'), 0],
] as const)('execute(fn) on %s', (_, make, warm) => {
  const count = (breaker: Breaker): { successes: number; failed: number } => {
    const { successes, failed } = outcomes(breaker);
    return { successes: successes + 1 - warm, failed };
  };

  it('resolves with a plain value fn returns, and counts a success', async () => {
    const breaker = await make();
    await expect(breaker.execute(() => 42)).resolves.toBe(42);
    expect(count(breaker)).toEqual({ successes: 1, failed: 0 });
  });

  it('follows a thenable: resolves with what it fulfils with', async () => {
    const breaker = await make();
    // What a minimal thenable is: a `then` that calls back, returning nothing.
    const thenable = {
      then: (resolve: (value: string) => void) => resolve('ok'),
    } as unknown as PromiseLike<string>;
    await expect(breaker.execute(() => thenable)).resolves.toBe('ok');
    expect(count(breaker)).toEqual({ successes: 1, failed: 0 });
  });

  it('follows a thenable: rejects with the reason it rejects with, and counts a failure', async () => {
    const breaker = await make();
    const error = networkError();
    const thenable: PromiseLike<never> = {
      then: (_resolve, reject) => {
        reject?.(error);
        return thenable;
      },
    };
    await expect(breaker.execute(() => thenable)).rejects.toBe(error);
    expect(count(breaker)).toEqual({ successes: 0, failed: 1 });
    expect(breaker.failureCount).toBe(1);
  });

  it('returns a native promise for a subclassed promise, settled as the subclass settles', async () => {
    const breaker = await make();
    const result = breaker.execute(() => TaggedPromise.resolve(7));
    expect(result).not.toBeInstanceOf(TaggedPromise);
    expect(result.constructor).toBe(Promise);
    await expect(result).resolves.toBe(7);
    const error = networkError();
    await expect(breaker.execute(() => TaggedPromise.reject(error))).rejects.toBe(error);
    expect(count(breaker)).toEqual({ successes: 1, failed: 1 });
  });

  it('settles through the own `then` of a native promise that has one', async () => {
    const breaker = await make();
    const promise = Promise.resolve(3);
    let thenCalls = 0;
    void Object.defineProperty(promise, 'then', {
      value(this: Promise<number>, ...handlers: Parameters<Promise<number>['then']>) {
        thenCalls++;
        return Promise.prototype.then.apply(this, handlers);
      },
    });
    await expect(breaker.execute(() => promise)).resolves.toBe(3);
    expect(thenCalls).toBeGreaterThan(0);
    expect(count(breaker)).toEqual({ successes: 1, failed: 0 });
  });

  it('settles a promise of another realm', async () => {
    const breaker = await make();
    const foreign = runInNewContext('Promise.resolve(5)') as Promise<number>;
    await expect(breaker.execute(() => foreign)).resolves.toBe(5);
    expect(count(breaker)).toEqual({ successes: 1, failed: 0 });
  });

  it('rejects with a TypeError, counted as a failure, for an object that only inherits from Promise.prototype', async () => {
    const breaker = await make();
    const impostor = Object.create(Promise.prototype) as Promise<number>;
    await expect(breaker.execute(() => impostor)).rejects.toBeInstanceOf(TypeError);
    expect(count(breaker)).toEqual({ successes: 0, failed: 1 });
  });
});
