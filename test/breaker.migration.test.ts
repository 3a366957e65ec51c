/**
 * Coming from opossum 10 or cockatiel 4: the same scripted outcomes (successes and failures at
 * times on a fake clock) through the real libraries and through tripstate with the options
 * docs/migrating.md maps them to. Each opens on the same call, except in the deliberate
 * differences that docs/migrating.md names, each shown by its own test.
 */
import { CircuitState, ConsecutiveBreaker, CountBreaker, SamplingBreaker, type IBreaker } from 'cockatiel';
import CircuitBreaker from 'opossum';
import { afterEach, beforeEach, describe, expect, vi } from 'vitest';
import { fc, it } from '@fast-check/vitest';
import { createBreaker, type BreakerOptions } from '../src/index.js';
import { TestClock } from '../src/testing/index.js';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => vi.useRealTimers());

/** One call of a script: its outcome, `gapMs` after the previous one. */
interface Step {
  readonly ok: boolean;
  readonly gapMs: number;
}

/** No consecutive-failure rule: only the window decides, as in the other libraries. */
const RATE_ONLY = { failureThreshold: Number.MAX_SAFE_INTEGER, minBackoffMs: 3_600_000 } as const;

/** The index of the call after which tripstate is open, or -1. */
function tripstateOpensAt(options: BreakerOptions, script: readonly Step[]): number {
  const clock = new TestClock(0);
  const breaker = createBreaker({ ...options, clock });
  try {
    for (const [i, step] of script.entries()) {
      clock.advance(step.gapMs);
      const permit = breaker.tryAcquire();
      if (permit === undefined) return i - 1;
      if (step.ok) permit.success();
      else permit.failure('network');
      if (breaker.state === 'open') return i;
    }
    return -1;
  } finally {
    breaker.stop();
  }
}

/** The index of the call after which a cockatiel breaker (its `IBreaker` alone) opens, or -1. */
function cockatielOpensAt(breaker: IBreaker, script: readonly Step[]): number {
  for (const [i, step] of script.entries()) {
    vi.advanceTimersByTime(step.gapMs);
    if (step.ok) breaker.success(CircuitState.Closed);
    else if (breaker.failure(CircuitState.Closed)) return i;
  }
  return -1;
}

/** The index of the call after which an opossum circuit opens, or -1. */
async function opossumOpensAt(
  options: ConstructorParameters<typeof CircuitBreaker>[1],
  script: readonly Step[],
) {
  let ok = true;
  const circuit = new CircuitBreaker(() => (ok ? Promise.resolve('ok') : Promise.reject(new Error('down'))), {
    timeout: false,
    resetTimeout: 3_600_000,
    ...options,
  });
  try {
    for (const [i, step] of script.entries()) {
      vi.advanceTimersByTime(step.gapMs);
      ok = step.ok;
      await circuit.fire().catch(() => undefined);
      if (circuit.opened) return i;
    }
    return -1;
  } finally {
    circuit.shutdown();
  }
}

/**
 * tripstate checks its rates on every outcome, the others only on a failure: a script on which
 * tripstate opens on a success shows that difference (tested on its own), not a mapping's.
 */
function opensOnFailure(script: readonly Step[], opened: number): boolean {
  return opened < 0 || script[opened]?.ok === false;
}

const run = (outcomes: string, gapMs = 0): Step[] => [...outcomes].map((c) => ({ ok: c === '.', gapMs }));

/** Scripts of up to 60 calls, a few seconds apart at most, sometimes after a long pause. */
const scriptArb = fc.array(
  fc.record({
    ok: fc.boolean(),
    gapMs: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0, max: 700 }) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 30_000 }) },
    ),
  }),
  { maxLength: 60 },
);

describe('cockatiel 4 ConsecutiveBreaker(n) is failureThreshold: n', () => {
  it.prop([fc.integer({ min: 1, max: 5 }), scriptArb], { numRuns: 200 })(
    'opens on the same call',
    (n, script) => {
      const expected = cockatielOpensAt(new ConsecutiveBreaker(n), script);
      expect(tripstateOpensAt({ failureThreshold: n, minBackoffMs: 3_600_000 }, script)).toBe(expected);
    },
  );
});

describe('cockatiel 4 CountBreaker is a count window', () => {
  // 0.55 and 0.35 are no ratio k/n of n <= 10 calls: the rate never equals the threshold.
  it.prop([fc.constantFrom(0.35, 0.55), fc.integer({ min: 1, max: 10 }), scriptArb], { numRuns: 300 })(
    'opens on the same call when the rate never equals the threshold',
    (threshold, size, script) => {
      const minimumNumberOfCalls = Math.max(1, Math.ceil(size / 2));
      const expected = cockatielOpensAt(new CountBreaker({ threshold, size, minimumNumberOfCalls }), script);
      const options = {
        ...RATE_ONLY,
        window: { calls: size },
        failureRateThreshold: threshold,
        minimumCalls: minimumNumberOfCalls,
      };
      const opened = tripstateOpensAt(options, script);
      fc.pre(opensOnFailure(script, opened));
      expect(opened).toBe(expected);
    },
  );

  it('differs on purpose when a success completes minimumCalls above the rate: tripstate opens on it', () => {
    const script = run('xx.');
    const options = { ...RATE_ONLY, window: { calls: 3 }, failureRateThreshold: 0.35, minimumCalls: 3 };
    expect(tripstateOpensAt(options, script)).toBe(2);
    expect(cockatielOpensAt(new CountBreaker({ threshold: 0.35, size: 3 }), script)).toBe(-1);
  });

  it('differs on purpose at a rate equal to the threshold: tripstate opens (>=), cockatiel does not (>)', () => {
    const script = run('.x.x');
    const options = { ...RATE_ONLY, window: { calls: 4 }, failureRateThreshold: 0.5, minimumCalls: 4 };
    expect(tripstateOpensAt(options, script)).toBe(3);
    expect(cockatielOpensAt(new CountBreaker({ threshold: 0.5, size: 4 }), script)).toBe(-1);
  });
});

describe('cockatiel 4 SamplingBreaker is a time window', () => {
  it('opens on the same call for steady traffic', () => {
    // 5 windows of 2 s; 1 call every 100 ms (20 rps); minimumRps 5 = 50 calls in 10 s.
    const script = [...run('.'.repeat(60), 100), ...run('x'.repeat(40), 100)];
    const cockatiel = new SamplingBreaker({ threshold: 0.3, duration: 10_000, minimumRps: 5 });
    const expected = cockatielOpensAt(cockatiel, script);
    const options = {
      ...RATE_ONLY,
      window: { ms: 10_000, buckets: 5 },
      failureRateThreshold: 0.3,
      minimumCalls: 50,
    };
    expect(expected).toBeGreaterThan(0);
    expect(tripstateOpensAt(options, script)).toBe(expected);
  });

  it('differs on purpose after an idle gap: old successes no longer count in tripstate', () => {
    // 200 successes, a minute of silence, then 120 straight failures.
    const script = [...run('.'.repeat(200), 10), { ok: false, gapMs: 60_000 }, ...run('x'.repeat(119), 10)];
    const cockatiel = new SamplingBreaker({ threshold: 0.5, duration: 10_000, minimumRps: 1 });
    expect(cockatielOpensAt(cockatiel, script)).toBe(-1);
    const options = {
      ...RATE_ONLY,
      window: { ms: 10_000, buckets: 5 },
      failureRateThreshold: 0.5,
      minimumCalls: 10,
    };
    expect(tripstateOpensAt(options, script)).toBe(209);
  });
});

describe('opossum 10 rolling window', () => {
  /** 45 % is no ratio k/n of fewer than 20 calls (the scripts below stay under 20). */
  const opossumOptions = {
    errorThresholdPercentage: 45,
    rollingCountTimeout: 10_000,
    rollingCountBuckets: 10,
  };
  const tripstateOptions = (volumeThreshold: number) => ({
    ...RATE_ONLY,
    window: { ms: 10_000, buckets: 10 },
    failureRateThreshold: 0.45,
    minimumCalls: Math.max(1, volumeThreshold),
  });

  it.prop([fc.integer({ min: 0, max: 8 }), scriptArb], { numRuns: 100 })(
    'opens on the same call when the rate never equals the threshold',
    async (volumeThreshold, script) => {
      // 45 % is k/n only for n a multiple of 20: keep every window below 20 calls.
      fc.pre(script.length < 20);
      const opened = tripstateOpensAt(tripstateOptions(volumeThreshold), script);
      fc.pre(opensOnFailure(script, opened));
      expect(opened).toBe(await opossumOpensAt({ ...opossumOptions, volumeThreshold }, script));
    },
  );

  it('differs on purpose at a rate equal to the threshold: tripstate opens (>=), opossum does not (>)', async () => {
    const script = run('.x.x');
    const options = { errorThresholdPercentage: 50, volumeThreshold: 4 };
    expect(await opossumOpensAt(options, script)).toBe(-1);
    const mapped = {
      ...RATE_ONLY,
      window: { ms: 10_000, buckets: 10 },
      failureRateThreshold: 0.5,
      minimumCalls: 4,
    };
    expect(tripstateOpensAt(mapped, script)).toBe(3);
  });

  it('differs on purpose on rejected calls: opossum counts them among its calls, tripstate does not', async () => {
    const circuit = new CircuitBreaker(() => Promise.reject(new Error('down')), {
      timeout: false,
      resetTimeout: 3_600_000,
      volumeThreshold: 2,
      errorThresholdPercentage: 40,
    });
    const breaker = createBreaker({ ...RATE_ONLY, window: { ms: 10_000, buckets: 10 }, minimumCalls: 2 });
    try {
      for (let i = 0; i < 5; i++) {
        await circuit.fire().catch(() => undefined);
        await breaker.execute(() => Promise.reject(new Error('down'))).catch(() => undefined);
      }
      expect(circuit.opened).toBe(true);
      expect(circuit.stats).toMatchObject({ fires: 5, failures: 2, rejects: 3 });
      expect(breaker.diagnostics()).toMatchObject({ state: 'open', windowCalls: 2, deniedRequests: 3 });
    } finally {
      circuit.shutdown();
      breaker.stop();
    }
  });
});
