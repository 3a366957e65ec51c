import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { assign, createActor, createMachine, raise, setup } from 'xstate';
import { indexScheduler } from '../../src/registry/scheduler-index.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** Raises `tick` to itself every 10 ms with XState's random ids, counting the ticks. */
const ticker = setup({
  types: { context: {} as { ticks: number }, events: {} as { type: 'tick' } },
  actions: { count: assign({ ticks: ({ context }) => context.ticks + 1 }) },
}).createMachine({
  context: { ticks: 0 },
  entry: raise({ type: 'tick' }, { delay: 10 }),
  on: { tick: { actions: ['count', raise({ type: 'tick' }, { delay: 10 })] } },
});

const waiting = createMachine({
  initial: 'waiting',
  states: { waiting: { after: { 60_000: 'done' } }, done: {} },
});

describe('the indexed scheduler of an actor system', () => {
  it('still fires delayed events, and cancels the pending one when the actor stops', () => {
    const actor = createActor(ticker);
    indexScheduler(actor.system);
    actor.start();
    vi.advanceTimersByTime(1_000);
    expect(actor.getSnapshot().context.ticks).toBe(100);
    expect(vi.getTimerCount()).toBe(1);
    actor.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('cancels exactly the stopped actor’s delays, leaving the others of the system', () => {
    const root = createActor(waiting);
    indexScheduler(root.system);
    root.start();
    const children = Array.from({ length: 3 }, () => createActor(waiting, { parent: root }).start());
    expect(vi.getTimerCount()).toBe(4);
    root.system.scheduler.cancelAll(children[1]!); // what stopping it does first
    expect(vi.getTimerCount()).toBe(3);
    vi.advanceTimersByTime(60_000);
    expect(children.map((child) => child.getSnapshot().value)).toEqual(['done', 'waiting', 'done']);
    expect(root.getSnapshot().value).toBe('done');
  });
});
