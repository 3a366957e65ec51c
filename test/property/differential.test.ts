/**
 * Differential test: the runtime, which skips events the machine would ignore and batches
 * rejections, against the pure machine sent every event (`call.requested` in `closed`, every
 * success, every result of an older generation). Identical state and context after every step.
 */
import { createActor, SimulatedClock } from 'xstate';
import { afterEach, describe, expect, vi } from 'vitest';
import { fc, it } from '@fast-check/vitest';
import { breakerMachine } from '../../machines/index.js';
import { resolveBreakerConfig } from '../../src/index.js';
import { configArb, opArb, RUNS, type Op, type RandomConfig } from './arbitraries.js';
import { apply, drive } from './driver.js';

afterEach(() => vi.restoreAllMocks());

/**
 * Advances a SimulatedClock by `ms` one deadline at a time, as a real event loop (and
 * TestClock) would. `SimulatedClock.increment` jumps to the end first, so a timer set by a
 * timer it fires starts late, and a zero-delay timer set by the last one does not fire.
 */
function advanceSimulated(clock: SimulatedClock, ms: number): void {
  const end = clock.now() + ms;
  for (;;) {
    const timers = (clock as unknown as { timeouts: Map<number, { start: number; timeout: number }> })
      .timeouts;
    const deadlines = [...timers.values()].map((timer) => timer.start + timer.timeout);
    const next = Math.min(...deadlines);
    if (!(next <= end)) break;
    clock.set(Math.max(next, clock.now()));
  }
  clock.set(end);
}

const duration = (durationMs: number | undefined) => (durationMs === undefined ? {} : { durationMs });

/** The pure machine, driven with every event a caller's action stands for. */
function pureBreaker(config: RandomConfig) {
  const clock = new SimulatedClock();
  clock.set(1_000);
  const actor = createActor(breakerMachine, {
    input: { config: resolveBreakerConfig(config) },
    clock,
  }).start();
  const held: number[] = [];
  const at = () => clock.now();
  const take = (index: number): number | undefined =>
    held.length === 0 ? undefined : held.splice(index % held.length, 1)[0];
  return {
    actor,
    apply(op: Op): void {
      switch (op.op) {
        case 'acquire':
          for (let i = 0; i < op.times; i++) {
            const denied = actor.getSnapshot().context.deniedRequests;
            actor.send({ type: 'call.requested', at: at() });
            const { context } = actor.getSnapshot();
            if (context.deniedRequests === denied) held.push(context.generation);
          }
          return;
        case 'success': {
          const generation = take(op.permit);
          if (generation === undefined) return;
          actor.send({ type: 'call.succeeded', generation, at: at(), ...duration(op.durationMs) });
          return;
        }
        case 'failure': {
          const generation = take(op.permit);
          if (generation === undefined) return;
          const retry = op.retryAfterMs > 0 ? { retryAfterMs: op.retryAfterMs } : {};
          actor.send({
            type: 'call.failed',
            generation,
            category: op.category,
            at: at(),
            ...retry,
            ...duration(op.durationMs),
          });
          return;
        }
        case 'release': {
          const generation = take(op.permit);
          if (generation !== undefined) actor.send({ type: 'call.released', generation, at: at() });
          return;
        }
        case 'advance':
          advanceSimulated(clock, op.ms);
          return;
        case 'reset':
          actor.send({ type: 'breaker.reset', at: at() });
          return;
        case 'isolate':
          actor.send({ type: 'breaker.isolate', at: at() });
          return;
        case 'releaseIsolation':
          actor.send({ type: 'breaker.release', at: at() });
      }
    },
  };
}

/** A step: one to three operations between two reads (so rejections batch across a timer). */
const stepsArb = fc.array(fc.array(opArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 40 });
const jitterArb = fc.oneof(
  fc.constant({ jitter: 0, random: 0 }),
  fc.record({
    jitter: fc.double({ min: 0, max: 1, noNaN: true }),
    random: fc.double({ min: 0, max: 0.999 }),
  }),
);

describe('runtime against the pure machine', () => {
  it.prop([configArb, jitterArb, stepsArb], { numRuns: RUNS })(
    'has the same state value and context after every step of a random sequence',
    (config, { jitter, random }, steps) => {
      vi.spyOn(Math, 'random').mockReturnValue(random);
      const withJitter = { ...config, jitter };
      const driven = drive(withJitter);
      const pure = pureBreaker(withJitter);
      for (const step of steps) {
        for (const op of step) {
          apply(driven, op);
          pure.apply(op);
        }
        const runtime = driven.breaker.getSnapshot();
        const machine = pure.actor.getSnapshot();
        expect(runtime.value).toEqual(machine.value);
        expect(runtime.context).toEqual(machine.context);
      }
    },
  );
});
