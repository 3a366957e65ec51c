/**
 * Rejections the runtime batches must read, once flushed, as they would have one by one,
 * even when a timer changes the state before the batch is flushed. A timer's transition
 * reaches the actor without going through the runtime's sends, so the actor's clock
 * flushes pending batches before every timer fires.
 */
import { describe, expect, it } from 'vitest';
import { createBreaker, type BreakerEmitted } from '../../src/index.js';
import { TestClock } from '../../src/testing/index.js';

function openBreaker() {
  const clock = new TestClock(1_000);
  const breaker = createBreaker({ failureThreshold: 1, minBackoffMs: 100, probeTimeoutMs: 50, clock });
  const rejected: BreakerEmitted[] = [];
  const order: string[] = [];
  breaker.actor.on('*', (event) => {
    order.push(event.type);
    if (event.type === 'rejected') rejected.push(event);
  });
  breaker.tryAcquire()?.failure('network');
  return { clock, breaker, rejected, order };
}

describe('batched rejections flushed after a timer fired', () => {
  it('reports the remaining backoff the rejected calls were told, not null', () => {
    const { clock, breaker, rejected } = openBreaker();
    clock.advance(40);
    expect(breaker.tryAcquire()).toBeUndefined();
    clock.advance(60);
    breaker.diagnostics();
    expect(rejected).toEqual([{ type: 'rejected', state: 'open', count: 1, remainingBackoffMs: 60 }]);
  });

  it('emits the rejections before the half-open transition that followed them', () => {
    const { clock, breaker, order } = openBreaker();
    expect(breaker.tryAcquire()).toBeUndefined();
    clock.advance(100);
    breaker.diagnostics();
    expect(order).toEqual(['opened', 'rejected', 'halfOpened']);
  });
});
