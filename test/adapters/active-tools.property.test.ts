/**
 * activeToolsFor reads admission from diagnostics instead of acquiring: after any sequence of
 * calls, outcomes and time, a tool is offered exactly when its circuit would admit a call,
 * also while a due timer has not fired yet (a busy event loop).
 */
import { fc, it } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { activeToolsFor } from '../../src/adapters/ai.js';
import { createRegistry, type Permit } from '../../src/index.js';
import { configArb, opArb, RUNS, type Op } from '../property/arbitraries.js';

/** A clock whose time and timers move separately: `advance` moves time, `fire` runs what is due. */
class LateClock {
  #now = 1_000_000;
  #id = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();
  now = (): number => this.#now;
  setTimeout = (fn: () => void, ms: number): number => {
    this.#timers.set(++this.#id, { at: this.#now + ms, fn });
    return this.#id;
  };
  clearTimeout = (id: unknown): void => void this.#timers.delete(id as number);
  advance(ms: number): void {
    this.#now += ms;
  }
  fire(): void {
    for (let guard = 0; guard < 100; guard++) {
      const due = [...this.#timers]
        .filter(([, t]) => t.at <= this.#now)
        .sort(([, a], [, b]) => a.at - b.at)[0];
      if (due === undefined) return;
      this.#timers.delete(due[0]);
      due[1].fn();
    }
  }
}

/** The caller operations, biased toward what moves a circuit: failures that count, and time. */
const stepArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: opArb },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('acquire' as const), times: fc.integer({ min: 1, max: 4 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('failure' as const),
      permit: fc.nat({ max: 15 }),
      category: fc.constant('network' as const),
      retryAfterMs: fc.constant(0),
    }),
  },
);

describe('activeToolsFor', () => {
  it.prop([configArb, fc.array(fc.tuple(stepArb, fc.boolean()), { minLength: 1, maxLength: 60 })], {
    numRuns: RUNS,
  })('offers a tool exactly when its circuit admits a call', (config, steps) => {
    const clock = new LateClock();
    const registry = createRegistry({ defaults: { ...config, clock } });
    const held: Permit[] = [];
    const pick = (i: number): Permit | undefined => held.splice(i % Math.max(1, held.length), 1)[0];
    try {
      for (const [step, fire] of steps) {
        if (step.op === 'acquire') {
          for (let i = 0; i < step.times; i++) {
            const permit = registry.tryAcquire('tool');
            if (permit !== undefined) held.push(permit);
          }
        } else if (step.op === 'success') pick(step.permit)?.success();
        else if (step.op === 'failure') pick(step.permit)?.failure(step.category);
        else if (step.op === 'release') pick(step.permit)?.release();
        else if (step.op === 'advance') clock.advance(step.ms);
        else if (step.op === 'reset') registry.reset('tool');
        else if (step.op === 'isolate') registry.isolate('tool');
        else registry.release('tool');
        if (fire) clock.fire();

        const offered = activeToolsFor(registry, ['tool']).includes('tool');
        const permit = registry.tryAcquire('tool');
        expect(permit !== undefined).toBe(offered);
        permit?.release();
      }
    } finally {
      registry.stop();
    }
  });
});
