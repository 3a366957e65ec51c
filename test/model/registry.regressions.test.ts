/**
 * Bugs the registry model found in the runtime, kept as regression tests; each states what
 * the charts and the docs expect.
 */
import { describe, expect, it } from 'vitest';
import { createBreaker, createRegistry, type Breaker } from '../../src/index.js';
import { TestClock } from '../../src/testing/index.js';

const options = { failureThreshold: 1, minBackoffMs: 100, maxBackoffMs: 100, probeTimeoutMs: 50 };

/** The events a breaker actor emits while two calls are rejected and its backoff ends. */
function rejectThenHalfOpen(breaker: Breaker): unknown[] {
  const seen: unknown[] = [];
  breaker.actor.on('rejected', (event) => seen.push(event));
  breaker.actor.on('halfOpened', (event) => seen.push(event));
  return seen;
}

describe('registry regressions found by the registry model', () => {
  it('reports batched rejections of a tool before its backoff timer fires, as a bare breaker does', () => {
    const bareClock = new TestClock();
    const bare = createBreaker({ ...options, clock: bareClock });
    bare.tryAcquire()?.failure('network');
    const expected = rejectThenHalfOpen(bare);
    bare.tryAcquire();
    bare.tryAcquire();
    bareClock.advanceTo(100);

    const clock = new TestClock();
    const registry = createRegistry({ defaults: options, clock });
    registry.tryAcquire('search')?.failure('network');
    const seen = rejectThenHalfOpen(registry.breaker('search'));
    registry.tryAcquire('search');
    registry.tryAcquire('search');
    clock.advanceTo(100);

    // A bare breaker: rejected (open, 2 calls, 100 ms left), then halfOpened. In a registry the
    // breaker actor's timers run on the registry actor's system clock, which must flush the
    // batched rejections first too, or they are reported after halfOpened, against the
    // half-open context (remainingBackoffMs null).
    expect(expected).toEqual([
      { type: 'rejected', state: 'open', count: 2, remainingBackoffMs: 100 },
      { type: 'halfOpened', at: 100 },
    ]);
    expect(seen).toEqual(expected);
  });

  it('keeps a closed, dormant tool dormant when it is released, since the chart ignores breaker.release in closed', () => {
    const registry = createRegistry({ defaults: options, clock: new TestClock() });
    registry.tryAcquire('search')?.success();
    registry.release('search');
    expect(registry.breaker('search').dormant).toBe(true);
    expect(registry.actor.getSnapshot().context.liveBreakers).toBe(0);
  });
});
