/**
 * The registry's dormant breakers (closed tools without an actor, updated through the
 * chart's own closed-state functions) against the pure machine driven with every event:
 * identical state value and context after every step.
 */
import { fc, test } from '@fast-check/vitest';
import { createActor, SimulatedClock } from 'xstate';
import { describe, expect } from 'vitest';
import { breakerMachine, ERROR_CATEGORIES, type ErrorCategory } from '../../machines/index.js';
import { createRegistry, type Permit } from '../../src/index.js';

type Step =
  | { kind: 'acquire' }
  | { kind: 'succeed'; index: number }
  | { kind: 'fail'; index: number; category: ErrorCategory }
  | { kind: 'release'; index: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'isolate' }
  | { kind: 'unisolate' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'acquire' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('succeed' as const), index: fc.nat(5) }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('fail' as const),
      index: fc.nat(5),
      category: fc.constantFrom(...ERROR_CATEGORIES),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), index: fc.nat(5) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3_000 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'isolate' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'unisolate' as const }) },
);

describe('registry breakers against the pure machine', () => {
  test.prop([fc.array(step, { maxLength: 60 }), fc.integer({ min: 1, max: 4 })], { numRuns: 1_000 })(
    'agree on state and context after every step',
    (steps, failureThreshold) => {
      const options = { failureThreshold, minBackoffMs: 500, maxBackoffMs: 4_000, probeTimeoutMs: 1_500 };
      const runtimeClock = new SimulatedClock();
      const registry = createRegistry({ defaults: { ...options, clock: runtimeClock } });
      const breaker = registry.breaker('tool');
      const machineClock = new SimulatedClock();
      const machine = createActor(breakerMachine, {
        input: { config: breaker.config },
        clock: machineClock,
      }).start();
      const permits: { permit: Permit; generation: number }[] = [];

      for (const s of steps) {
        const at = machineClock.now();
        const pick = 'index' in s ? permits.splice(s.index % Math.max(1, permits.length), 1)[0] : undefined;
        switch (s.kind) {
          case 'acquire': {
            const permit = registry.tryAcquire('tool');
            const denied = machine.getSnapshot().context.deniedRequests;
            machine.send({ type: 'call.requested', at });
            const admitted = machine.getSnapshot().context.deniedRequests === denied;
            expect(permit !== undefined).toBe(admitted);
            if (permit) permits.push({ permit, generation: machine.getSnapshot().context.generation });
            break;
          }
          case 'succeed':
            if (!pick) break;
            pick.permit.success();
            machine.send({ type: 'call.succeeded', generation: pick.generation, at });
            break;
          case 'fail':
            if (!pick) break;
            pick.permit.failure(s.category);
            machine.send({ type: 'call.failed', generation: pick.generation, category: s.category, at });
            break;
          case 'release':
            if (!pick) break;
            pick.permit.release();
            // The runtime sends the time of the release (BreakerEvent's `at`): the machine gets the same event.
            machine.send({ type: 'call.released', generation: pick.generation, at });
            break;
          case 'advance':
            runtimeClock.increment(s.ms);
            machineClock.increment(s.ms);
            break;
          case 'isolate':
            registry.isolate('tool');
            machine.send({ type: 'breaker.isolate', at });
            break;
          case 'unisolate':
            registry.release('tool');
            machine.send({ type: 'breaker.release', at });
            break;
        }
        const expected = machine.getSnapshot();
        const actual = breaker.getSnapshot();
        expect(actual.value).toEqual(expected.value);
        expect(actual.context).toEqual(expected.context);
      }
      registry.stop();
    },
  );
});
