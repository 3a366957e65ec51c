/** The breaker chart's `starting` state: a chart that starts in a given state and context. */
import { createActor, SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { breakerMachine, type BreakerEmitted, type BreakerStartValue } from '../machines/index.js';
import type { BreakerContext } from '../machines/breaker.types.js';
import { resolveBreakerConfig } from '../src/options.js';

const config = resolveBreakerConfig({
  failureThreshold: 1,
  minBackoffMs: 100,
  maxBackoffMs: 400,
  probeTimeoutMs: 50,
});

/** A chart driven to each resting state, with the time it is there. */
function reached(): { name: string; value: BreakerStartValue; context: BreakerContext; at: number }[] {
  const clock = new SimulatedClock();
  const actor = createActor(breakerMachine, { input: { config }, clock }).start();
  const seen: { name: string; value: BreakerStartValue; context: BreakerContext; at: number }[] = [];
  const keep = (name: string) => {
    const { value, context } = actor.getSnapshot();
    seen.push({ name, value: value as BreakerStartValue, context, at: clock.now() });
  };
  const gen = () => actor.getSnapshot().context.generation;
  keep('closed');
  actor.send({ type: 'call.failed', generation: gen(), category: 'network', at: 0 });
  keep('open');
  clock.increment(100);
  keep('halfOpen.idle');
  actor.send({ type: 'call.requested', at: 130 });
  keep('halfOpen.probing');
  actor.send({ type: 'breaker.isolate', at: 140 });
  keep('isolated');
  return seen;
}

describe('a breaker chart started in a given state', () => {
  it('starts a new breaker closed in generation 1 without a start', () => {
    const actor = createActor(breakerMachine, { input: { config } }).start();
    expect(actor.getSnapshot().value).toBe('closed');
    expect(actor.getSnapshot().context.generation).toBe(1);
    actor.stop();
  });

  it.each(reached())(
    'starts in $name as a restored snapshot re-armed by breaker.rearm does, emitting nothing',
    ({ value, context, at }) => {
      const now = at + 10;
      // Before: the runtime restored the snapshot, then sent `breaker.rearm` for a pending timer.
      const restored = createActor(breakerMachine, {
        input: { config },
        snapshot: breakerMachine.resolveState({ value, context }),
      }).start();
      if (typeof value === 'object' && !('halfOpen' in value && value.halfOpen === 'idle'))
        restored.send({ type: 'breaker.rearm', at: now });

      const emitted: BreakerEmitted[] = [];
      const started = createActor(breakerMachine, { input: { config, start: { value, context, at: now } } });
      started.on('*', (event) => emitted.push(event));
      started.start();

      expect(started.getSnapshot().value).toEqual(restored.getSnapshot().value);
      expect(started.getSnapshot().context).toEqual(restored.getSnapshot().context);
      // Kept, but for a re-armed timer: `breaker.rearm` re-enters `open` (a new generation) and
      // abandons the old process's probes (a new generation too).
      const rearmed = typeof value === 'object' && !('halfOpen' in value && value.halfOpen === 'idle');
      expect(started.getSnapshot().context.generation).toBe(context.generation + (rearmed ? 1 : 0));
      expect(emitted).toEqual([]);
      restored.stop();
      started.stop();
    },
  );

  it('re-arms a restored open circuit from start.at: it half-opens at retryAt, not a whole backoff later', () => {
    const open = reached().find((state) => state.name === 'open')!;
    expect(open.context.retryAt).toBe(100);
    const clock = new SimulatedClock();
    clock.set(60);
    const actor = createActor(breakerMachine, {
      input: { config, start: { value: open.value, context: open.context, at: 60 } },
      clock,
    }).start();
    clock.increment(39);
    expect(actor.getSnapshot().value).toEqual({ open: 'cooling' });
    clock.increment(1);
    expect(actor.getSnapshot().value).toEqual({ halfOpen: 'idle' });
    actor.stop();
  });

  it('takes the event that wakes a dormant breaker from the given closed context', () => {
    const closed = {
      ...breakerMachine.resolveState({ value: 'closed', context: reached()[0]!.context }).context,
    };
    const actor = createActor(breakerMachine, {
      input: { config, start: { value: 'closed', context: { ...closed, generation: 7 }, at: 0 } },
    }).start();
    expect(actor.getSnapshot().context.generation).toBe(7);
    actor.send({ type: 'call.failed', generation: 7, category: 'network', at: 5 });
    expect(actor.getSnapshot().value).toEqual({ open: 'cooling' });
    expect(actor.getSnapshot().context.generation).toBe(8);
    actor.stop();
  });
});
