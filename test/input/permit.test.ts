import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testBreaker } from '../helpers.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('permit.failure', () => {
  it('throws a TypeError naming the nearest category for a misspelt category name', () => {
    const breaker = testBreaker();
    const permit = breaker.tryAcquire();
    // @ts-expect-error a string that is not a category name does not compile
    expect(() => permit?.failure('invalid_parameter')).toThrow(
      /permit\.failure\("invalid_parameter"\): not an error category \(did you mean invalid_parameters\?\)/,
    );
  });

  it('counts nothing for a rejected name, and the permit can still be settled', () => {
    const breaker = testBreaker({ failureThreshold: 3 });
    for (let i = 0; i < 3; i++) {
      const permit = breaker.tryAcquire();
      // @ts-expect-error not a category
      expect(() => permit?.failure('invalid_parameter')).toThrow(TypeError);
      expect(permit?.failure('invalid_parameters')).toBe(true);
    }
    expect(breaker.diagnostics()).toMatchObject({ state: 'closed', failureCount: 0 });
  });

  it('still takes a category name, an Error and a thrown value of unknown type', () => {
    const breaker = testBreaker({ failureThreshold: 10 });
    const thrown: unknown = new Error('boom');
    expect(breaker.tryAcquire()?.failure('network')).toBe(true);
    expect(breaker.tryAcquire()?.failure(new Error('boom'))).toBe(true);
    expect(breaker.tryAcquire()?.failure(thrown)).toBe(true);
    expect(breaker.tryAcquire()?.failure({ status: 503 })).toBe(true);
    expect(breaker.tryAcquire()?.failure()).toBe(true);
    expect(breaker.diagnostics().failureCount).toBe(5);
  });

  it('rejects a string typed only as string, at compile time and at run time', () => {
    const breaker = testBreaker();
    const name: string = 'netwrok';
    // @ts-expect-error a plain string is not known to be a category
    expect(() => breaker.tryAcquire()?.failure(name)).toThrow(/did you mean network\?/);
  });
});
