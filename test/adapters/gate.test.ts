import { describe, expect, it } from 'vitest';
import { reportFailure } from '../../src/adapters/gate.js';
import { createBreaker } from '../../src/index.js';

describe('reportFailure', () => {
  it('counts a tool that throws a plain string as a failure, never a TypeError', () => {
    const breaker = createBreaker({ failureThreshold: 2 });
    for (let i = 0; i < 2; i++) {
      const permit = breaker.tryAcquire();
      expect(permit).toBeDefined();
      expect(() => reportFailure(permit!, 'upstream exploded', undefined)).not.toThrow();
    }
    expect(breaker.state).toBe('open');
    expect(breaker.stats().failuresByCategory).toEqual({ execution_error: 2 });
  });
});
