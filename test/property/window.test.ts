/**
 * The outcome window's arithmetic against a naive reference that keeps every outcome with
 * its timestamp: same totals after every outcome and at every later read, idle gaps longer
 * than the window included.
 */
import { describe, expect } from 'vitest';
import { fc, it } from '@fast-check/vitest';
import {
  addOutcome,
  advanceWindow,
  createWindow,
  totalsWith,
  windowTotals,
  withOutcome,
  type OutcomeWindow,
  type WindowConfig,
  type WindowTotals,
} from '../../machines/breaker.window.js';
import { rateReached, tripsOnRate } from '../../machines/breaker.logic.js';
import { initialBreakerContext } from '../../machines/breaker.machine.js';
import { recordQuietSuccess } from '../../src/breaker/window.js';
import { resolveBreakerOptions } from '../../src/options.js';
import { RUNS } from './arbitraries.js';

interface Outcome {
  readonly at: number;
  readonly failed: boolean;
  readonly slow: boolean;
}

/** The totals of the outcomes a window of this shape holds when read at `now`. */
function naive(spec: WindowConfig, outcomes: readonly Outcome[], now: number): WindowTotals {
  const kept =
    spec.kind === 'count'
      ? outcomes.slice(-spec.size)
      : outcomes.filter(
          (o) => Math.floor(o.at / spec.bucketMs) > Math.floor(now / spec.bucketMs) - spec.size,
        );
  return {
    calls: kept.length,
    failures: kept.filter((o) => o.failed).length,
    slow: kept.filter((o) => o.slow).length,
  };
}

const specArb: fc.Arbitrary<WindowConfig> = fc.oneof(
  fc.integer({ min: 1, max: 8 }).map((size) => ({ kind: 'count' as const, size, bucketMs: 0 })),
  fc
    .record({ ms: fc.integer({ min: 1, max: 5_000 }), buckets: fc.integer({ min: 1, max: 8 }) })
    .map(({ ms, buckets }) => ({ kind: 'time' as const, size: buckets, bucketMs: ms / buckets })),
);

/** Steps: an outcome after a gap (often short, sometimes longer than any window), or a read. */
const stepArb = fc.record({
  gap: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 300 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 20_000 }) },
  ),
  failed: fc.boolean(),
  slow: fc.boolean(),
  readOnly: fc.boolean(),
});

const totals = (w: OutcomeWindow): WindowTotals => ({ calls: w.calls, failures: w.failures, slow: w.slow });

describe('outcome window arithmetic', () => {
  it.prop([specArb, fc.integer({ min: 0, max: 1e12 }), fc.array(stepArb, { maxLength: 80 })], {
    numRuns: RUNS,
  })('matches a list of every outcome with its timestamp', (spec, start, steps) => {
    let window = createWindow(spec) as OutcomeWindow;
    const outcomes: Outcome[] = [];
    let now = start;
    for (const step of steps) {
      now += step.gap;
      expect(windowTotals(spec, window, now)).toEqual(naive(spec, outcomes, now));
      if (step.readOnly) continue;
      const predicted = totalsWith(spec, window, now, step.failed, step.slow);
      // The chart's pure copy and the runtime's in-place update agree.
      const copied = withOutcome(spec, window, now, step.failed, step.slow);
      advanceWindow(spec, window, now);
      addOutcome(spec, window, step.failed, step.slow);
      expect(copied).toEqual(window);
      outcomes.push({ at: now, failed: step.failed, slow: step.slow });
      const expected = naive(spec, outcomes, now);
      expect(totals(window)).toEqual(expected);
      expect(predicted).toEqual(expected);
      window = copied;
    }
  });

  it.prop([specArb, fc.array(stepArb, { maxLength: 40 })], { numRuns: RUNS })(
    'never changes the window a copy was made from',
    (spec, steps) => {
      const window = createWindow(spec) as OutcomeWindow;
      const before = JSON.stringify({ ...window, counts: Array.from(window.counts) });
      let copy = window;
      let now = 0;
      for (const step of steps) {
        now += step.gap;
        copy = withOutcome(spec, copy, now, step.failed, step.slow);
        windowTotals(spec, window, now);
        totalsWith(spec, window, now, step.failed, step.slow);
      }
      expect(JSON.stringify({ ...window, counts: Array.from(window.counts) })).toBe(before);
    },
  );

  const ratesArb = fc.record({
    window: fc.oneof(
      fc.integer({ min: 1, max: 8 }).map((calls) => ({ calls })),
      fc.record({ ms: fc.integer({ min: 1, max: 5_000 }), buckets: fc.integer({ min: 1, max: 8 }) }),
    ),
    minimumCalls: fc.integer({ min: 1, max: 10 }),
    failureRateThreshold: fc.oneof(
      fc.constantFrom(0.25, 0.5, 1 / 3, 2 / 3, 1),
      fc.double({ min: 0.01, max: 1, noNaN: true }),
    ),
    slowCallRateThreshold: fc.oneof(
      fc.constantFrom(0.5, 1 / 3, 1),
      fc.double({ min: 0.01, max: 1, noNaN: true }),
    ),
  });

  it.prop([ratesArb, fc.integer({ min: 0, max: 1e12 }), fc.array(stepArb, { maxLength: 80 })], {
    numRuns: RUNS,
  })(
    'decides a trip on one more outcome as the rates of the totals it would have',
    (options, start, steps) => {
      const { config } = resolveBreakerOptions(options);
      const spec = config.window as WindowConfig;
      const context = initialBreakerContext(config);
      const window = context.window as OutcomeWindow;
      let now = start;
      for (const step of steps) {
        now += step.gap;
        const expected = rateReached(config, totalsWith(spec, window, now, step.failed, step.slow)) !== null;
        expect(tripsOnRate(context, now, step.failed, step.slow)).toBe(expected);
        if (step.readOnly) continue;
        advanceWindow(spec, window, now);
        addOutcome(spec, window, step.failed, step.slow);
      }
    },
  );

  /** Outcomes mostly plain successes, so that count windows often fill with them. */
  const mostlySuccessArb = fc.record({
    gap: fc.integer({ min: 0, max: 300 }),
    failed: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    slow: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  });

  it.prop([ratesArb, fc.integer({ min: 0, max: 1e12 }), fc.array(mostlySuccessArb, { maxLength: 80 })], {
    numRuns: RUNS,
  })(
    "records a quiet success in place only where the chart's recordOutcome would only turn the ring",
    (options, start, steps) => {
      const { config } = resolveBreakerOptions(options);
      const spec = config.window as WindowConfig;
      const context = initialBreakerContext(config);
      const window = context.window as OutcomeWindow;
      let now = start;
      for (const step of steps) {
        now += step.gap;
        if (!step.failed && !step.slow) {
          const trips = tripsOnRate(context, now, false, false);
          const expected = withOutcome(spec, window, now, false, false);
          if (recordQuietSuccess(context)) {
            expect(trips).toBe(false);
            expect(window).toEqual(expected);
            continue;
          }
          // Not taken: the window is untouched, for the general path to record.
          expect(window).not.toEqual(expected);
        }
        advanceWindow(spec, window, now);
        addOutcome(spec, window, step.failed, step.slow);
      }
    },
  );

  it('turns a full count window of plain successes in place, and stops doing so after a failure', () => {
    const { config } = resolveBreakerOptions({ window: { calls: 3 } });
    const context = initialBreakerContext(config);
    const window = context.window as OutcomeWindow;
    const spec = config.window as WindowConfig;
    const results: boolean[] = [];
    for (const failed of [false, false, false, false, true, false]) {
      const quiet = !failed && recordQuietSuccess(context);
      results.push(quiet);
      if (quiet) continue;
      advanceWindow(spec, window, 0);
      addOutcome(spec, window, failed, false);
    }
    expect(results).toEqual([false, false, false, true, false, false]);
    expect(totals(window)).toEqual({ calls: 3, failures: 1, slow: 0 });
  });
});
