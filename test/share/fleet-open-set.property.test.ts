/**
 * No lost circuits in a fleet: under random calls, time, resets, isolations and the share
 * coming and going, every registry's `openCircuits()` (and its chart's count) is exactly the set
 * of tools whose state is open or isolated, after every step.
 */
import { afterEach, beforeEach, describe, expect, vi } from 'vitest';
import { fc, it } from '@fast-check/vitest';
import { createRegistry, type Registry } from '../../src/index.js';
import { createMemoryShareHub } from '../../src/testing/index.js';
import { boom, ok } from './fleet-fixture.js';
import { RUNS } from '../property/arbitraries.js';

const TOOLS = ['llm', 'search'] as const;
const defaults = {
  failureThreshold: 2,
  minBackoffMs: 100,
  maxBackoffMs: 400,
  probeTimeoutMs: 50,
  jitter: 0,
};

type Step =
  | {
      readonly op: 'fail' | 'succeed' | 'reset' | 'isolate' | 'release';
      readonly r: number;
      readonly tool: number;
    }
  | { readonly op: 'advance'; readonly ms: number }
  | { readonly op: 'reachable'; readonly value: boolean };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constantFrom('fail', 'fail', 'succeed', 'reset', 'isolate', 'release'),
      r: fc.nat({ max: 2 }),
      tool: fc.nat({ max: TOOLS.length - 1 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 300 }) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reachable' as const), value: fc.boolean() }) },
);

/** The tools `registry` reports open or isolated by their state. */
const openByState = (registry: Registry): string[] =>
  TOOLS.filter((tool) => ['open', 'isolated'].includes(registry.state(tool)));

describe('a fleet of registries on a shared store', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.prop([fc.array(stepArb, { minLength: 1, maxLength: 40 })], { numRuns: RUNS })(
    'lists exactly the circuits that are open or isolated, in every registry, after every step',
    async (steps) => {
      const hub = createMemoryShareHub();
      const registries = [0, 1, 2].map(() => createRegistry({ defaults, share: hub.share() }));
      try {
        await Promise.all(registries.map((r) => r.ready()));
        for (const [index, step] of steps.entries()) {
          if (step.op === 'advance') await vi.advanceTimersByTimeAsync(step.ms);
          else if (step.op === 'reachable') hub.reachable = step.value;
          else {
            const registry = registries[step.r] as Registry;
            const tool = TOOLS[step.tool] as string;
            if (step.op === 'fail') await registry.execute(tool, boom).catch(() => undefined);
            else if (step.op === 'succeed') await registry.execute(tool, ok).catch(() => undefined);
            else if (step.op === 'reset') registry.reset(tool);
            else if (step.op === 'isolate') registry.isolate(tool);
            else registry.release(tool);
          }
          await vi.advanceTimersByTimeAsync(0); // the hub's deliveries and the registries' reactions
          for (const [r, registry] of registries.entries()) {
            const where = `registry ${r} after step ${index} (${JSON.stringify(step)})`;
            expect([...registry.openCircuits()].sort(), where).toEqual(openByState(registry));
            expect(registry.actor.getSnapshot().context.openCircuits, where).toBe(
              openByState(registry).length,
            );
          }
        }
      } finally {
        for (const registry of registries) registry.stop();
      }
    },
  );
});
