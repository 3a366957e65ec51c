import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBreaker } from '../src/index.js';
import { fail, recordEvents, testBreaker } from './helpers.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('a standalone breaker before its chart has work', () => {
  it('has no actor while closed: calls, successes and failures below the threshold keep it dormant', async () => {
    const breaker = testBreaker();
    expect(breaker.dormant).toBe(true);
    await breaker.execute(() => 'ok');
    fail(breaker, 2);
    breaker.tryAcquire()?.success();
    expect(breaker.dormant).toBe(true);
    expect(breaker.diagnostics()).toMatchObject({ state: 'closed', failureCount: 0, generation: 1 });
  });

  it('starts its actor on the failure that reaches the threshold, and its listeners hear it open', () => {
    const breaker = testBreaker();
    const events = recordEvents(breaker);
    fail(breaker, 3);
    expect(breaker.dormant).toBe(false);
    expect(breaker.state).toBe('open');
    expect(events).toEqual(['opened:threshold']);
    vi.advanceTimersByTime(1_000);
    expect(breaker.state).toBe('halfOpen');
    breaker.stop();
  });

  it('starts its actor when asked for it, closed with the same generation', () => {
    const breaker = createBreaker();
    const generation = breaker.tryAcquire()?.generation;
    expect(breaker.actor.getSnapshot()).toMatchObject({ value: 'closed', context: { generation } });
    expect(breaker.dormant).toBe(false);
    breaker.stop();
  });

  it('is watched at once when an inspector is given', () => {
    const seen: string[] = [];
    const breaker = createBreaker({ inspect: (event) => void seen.push(event.type) });
    expect(breaker.dormant).toBe(false);
    expect(seen).toContain('@xstate.actor');
    breaker.stop();
  });
});

describe('removing a breaker listener', () => {
  it('does not scan the other listeners, and only the removed one stops hearing', () => {
    const breaker = testBreaker();
    const heard: number[] = [];
    const offs = Array.from({ length: 1_000 }, (_, i) => breaker.on('opened', () => heard.push(i)));
    const filter = vi.spyOn(Array.prototype, 'filter');
    const indexOf = vi.spyOn(Array.prototype, 'indexOf');
    for (const off of offs.slice(1)) off();
    const scans = filter.mock.calls.length + indexOf.mock.calls.length;
    vi.restoreAllMocks();
    expect(scans).toBe(0);
    fail(breaker, 3);
    expect(heard).toEqual([0]);
    breaker.stop();
  });
});
