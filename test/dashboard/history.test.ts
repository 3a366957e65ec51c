import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../src/index.js';
import { StatsHistory } from '../../src/dashboard/history.js';
import { TestClock } from '../../src/testing/index.js';

function setup(limits = {}) {
  const clock = new TestClock(10_000);
  const registry = createRegistry({ defaults: { failureThreshold: 3, minBackoffMs: 5_000, clock } });
  const history = new StatsHistory(registry, () => clock.now(), { seconds: 5, ...limits });
  return { clock, registry, history };
}

describe('dashboard stats history', () => {
  it('keeps the calls, failures and rejections of each second, oldest first', () => {
    const { clock, registry, history } = setup();
    registry.tryAcquire('api')?.success();
    history.sample();
    registry.tryAcquire('api')?.success();
    registry.tryAcquire('api')?.failure('network');
    clock.advance(1_000);
    history.sample();
    for (let i = 0; i < 2; i++) registry.tryAcquire('api')?.failure('network');
    for (let i = 0; i < 4; i++) registry.tryAcquire('api');
    clock.advance(1_000);
    history.sample();
    const h = history.history('api');
    expect(h.end).toBe(12_000);
    expect(h.stepMs).toBe(1_000);
    expect(h.calls).toEqual([0, 0, 0, 2, 2]);
    expect(h.failures).toEqual([0, 0, 0, 1, 2]);
    expect(h.rejections).toEqual([0, 0, 0, 0, 4]);
    expect(h.failureRate).toEqual([null, null, null, null, null]);
  });

  it('puts nothing in the seconds no sample read, and forgets seconds older than its span', () => {
    const { clock, registry, history } = setup();
    registry.tryAcquire('api')?.success();
    history.sample();
    clock.advance(1_000);
    registry.tryAcquire('api')?.success();
    history.sample();
    clock.advance(3_000);
    registry.tryAcquire('api')?.success();
    history.sample();
    expect(history.history('api').calls).toEqual([0, 1, 0, 0, 1]);
    clock.advance(10_000);
    expect(history.history('api').calls).toEqual([0, 0, 0, 0, 0]);
  });

  it('follows at most `tools` tools, and a tool asked for replaces the least recently asked-for', () => {
    const { registry, history } = setup({ tools: 2 });
    for (const tool of ['a', 'b', 'c']) registry.tryAcquire(tool)?.success();
    history.sample();
    expect(history.size).toBe(2);
    history.history('b');
    history.history('c');
    expect(history.size).toBe(2);
    registry.tryAcquire('b')?.success();
    history.sample();
    expect(history.history('b').calls.at(-1)).toBe(1);
  });

  it('counts from zero again when a tool is reset', () => {
    const { clock, registry, history } = setup();
    for (let i = 0; i < 3; i++) registry.tryAcquire('api')?.success();
    history.sample();
    clock.advance(1_000);
    registry.reset('api');
    registry.tryAcquire('api')?.success();
    history.sample();
    expect(history.history('api').calls.at(-1)).toBe(1);
  });
});
