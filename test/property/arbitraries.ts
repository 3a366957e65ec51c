/** Random breaker configurations and caller operations for the property and differential tests. */
import { fc } from '@fast-check/vitest';
import { ERROR_CATEGORIES, type ErrorCategory } from '../../machines/index.js';

/** One thing a caller (or time) does to a breaker. Permit indexes wrap around the permits held. */
export type Op =
  | { readonly op: 'acquire'; readonly times: number }
  | { readonly op: 'success'; readonly permit: number; readonly durationMs?: number }
  | {
      readonly op: 'failure';
      readonly permit: number;
      readonly category: ErrorCategory;
      readonly retryAfterMs: number;
      readonly durationMs?: number;
    }
  | { readonly op: 'release'; readonly permit: number }
  | { readonly op: 'advance'; readonly ms: number }
  | { readonly op: 'reset' }
  | { readonly op: 'isolate' }
  | { readonly op: 'releaseIsolation' };

/** Options of a random breaker; durations in milliseconds, small so time advances reach them. */
export interface RandomConfig {
  readonly failureThreshold: number;
  readonly halfOpenProbes: number;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly backoffFactor: number;
  readonly probeTimeoutMs: number;
  readonly window?: { readonly calls: number } | { readonly ms: number; readonly buckets: number };
  readonly failureRateThreshold?: number;
  readonly minimumCalls?: number;
  readonly slowCallDurationMs?: number;
  readonly slowCallRateThreshold?: number;
}

const factor = fc.oneof(
  fc.double({ min: 1, max: 10, noNaN: true }),
  fc.constantFrom(1, 2, 1e6, 1e300, Number.MAX_VALUE, Number.POSITIVE_INFINITY),
);

const rateArb = fc.oneof(fc.constantFrom(0.25, 0.5, 0.6, 1), fc.double({ min: 0.01, max: 1, noNaN: true }));

/** A window and its rate rules: a count window or a time window of a few buckets. */
export const windowArb = fc.record(
  {
    window: fc.oneof(
      fc.record({ calls: fc.integer({ min: 1, max: 6 }) }),
      fc.record({ ms: fc.integer({ min: 1, max: 3_000 }), buckets: fc.integer({ min: 1, max: 5 }) }),
    ),
    failureRateThreshold: rateArb,
    minimumCalls: fc.integer({ min: 1, max: 5 }),
    slowCallDurationMs: fc.integer({ min: 0, max: 20 }),
    slowCallRateThreshold: rateArb,
  },
  { requiredKeys: ['window'] },
);

export const configArb: fc.Arbitrary<RandomConfig> = fc
  .record({
    failureThreshold: fc.integer({ min: 1, max: 4 }),
    halfOpenProbes: fc.integer({ min: 1, max: 4 }),
    minBackoffMs: fc.integer({ min: 0, max: 500 }),
    spread: fc.integer({ min: 0, max: 5_000 }),
    backoffFactor: factor,
    probeTimeoutMs: fc.integer({ min: 1, max: 1_000 }),
    windowed: fc.option(windowArb, { nil: undefined }),
  })
  .map(({ spread, windowed, ...rest }) => ({
    ...rest,
    ...windowed,
    maxBackoffMs: rest.minBackoffMs === 0 ? 0 : rest.minBackoffMs + spread,
  }));

const permit = fc.nat({ max: 15 });

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('acquire'), times: fc.integer({ min: 1, max: 4 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('success'), permit, durationMs: fc.integer({ min: 0, max: 30 }) }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('failure'),
      permit,
      category: fc.constantFrom(...ERROR_CATEGORIES),
      retryAfterMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3_000 })),
      durationMs: fc.integer({ min: 0, max: 30 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('release'), permit }) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('advance'),
      ms: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 6_000 })),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'reset' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'isolate' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'releaseIsolation' as const }) },
);

export const opsArb: fc.Arbitrary<Op[]> = fc.array(opArb, { minLength: 1, maxLength: 60 });

/** Runs in every property: at least 1,000 sequences, as the issue asks. */
export const RUNS = 1_000;
