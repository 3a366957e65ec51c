/** The models and paths the model-based tests and the coverage guard share. */
import { createBreaker } from '../../src/index.js';
import {
  createBreakerTestModel,
  type BreakerPathRunOptions,
  type BreakerTestModelOptions,
  type BreakerTestPath,
} from '../../src/testing/index.js';

/** Two failures to trip, two probes, backoff 100 → 200 ms, probes time out after 50 ms. */
export const richOptions = {
  failureThreshold: 2,
  halfOpenProbes: 2,
  minBackoffMs: 100,
  maxBackoffMs: 200,
  probeTimeoutMs: 50,
  startAt: 1_000,
} as const satisfies BreakerTestModelOptions;

/** The smallest breaker, whose simple paths stay few: one failure trips, one probe, no restores. */
export const smallOptions = {
  failureThreshold: 1,
  minBackoffMs: 100,
  maxBackoffMs: 100,
  probeTimeoutMs: 50,
  restore: false,
  staleResults: false,
  cover: 'states',
} as const satisfies BreakerTestModelOptions;

/**
 * A windowed breaker: a 2-call window whose failure rate opens at 0.6 and slow-call rate at
 * 0.5 (slow: over 10 ms), three consecutive failures, two probes decided on both results.
 */
export const windowOptions = {
  failureThreshold: 3,
  halfOpenProbes: 2,
  minBackoffMs: 100,
  maxBackoffMs: 100,
  probeTimeoutMs: 50,
  window: { calls: 2 },
  minimumCalls: 2,
  failureRateThreshold: 0.6,
  slowCallDurationMs: 10,
  slowCallRateThreshold: 0.5,
  staleResults: false,
  restore: false,
  startAt: 1_000,
} as const satisfies BreakerTestModelOptions;

/** A one-probe breaker with a health check that never answers (its probe ends by the probe timeout). */
export const healthCheckOptions = {
  failureThreshold: 1,
  minBackoffMs: 100,
  maxBackoffMs: 100,
  probeTimeoutMs: 50,
  healthCheck: () => new Promise<never>(() => undefined),
  healthCheckGraceMs: 20,
  restore: false,
  staleResults: false,
  cover: 'states',
  startAt: 1_000,
} as const satisfies BreakerTestModelOptions;

/** A one-failure, one-probe breaker in a fleet: the model also sends the share's events. */
export const fleetOptions = {
  failureThreshold: 1,
  minBackoffMs: 100,
  maxBackoffMs: 200,
  probeTimeoutMs: 50,
  staleResults: false,
  fleet: true,
  startAt: 1_000,
} as const satisfies BreakerTestModelOptions;

export const richModel = createBreakerTestModel(richOptions);
export const fleetModel = createBreakerTestModel(fleetOptions);
export const fleetPaths: readonly BreakerTestPath[] = fleetModel.getShortestPaths();
export const healthCheckModel = createBreakerTestModel(healthCheckOptions);
export const healthCheckPaths: readonly BreakerTestPath[] = healthCheckModel.getShortestPaths();
export const windowModel = createBreakerTestModel(windowOptions);
export const windowPaths: readonly BreakerTestPath[] = windowModel.getShortestPaths();
export const smallModel = createBreakerTestModel(smallOptions);

export const shortestPaths: readonly BreakerTestPath[] = richModel.getShortestPaths();
export const simplePaths: readonly BreakerTestPath[] = smallModel.getSimplePaths();

/** A runner that builds the breaker from the same options, as a user would. */
export function runOptions(
  options: BreakerTestModelOptions,
  extra: Partial<BreakerPathRunOptions> = {},
): BreakerPathRunOptions {
  const {
    categories: _c,
    restore: _r,
    staleResults: _s,
    startAt: _t,
    cover: _v,
    fleet: _f,
    ...breakerOptions
  } = options;
  return {
    create: (clock, snapshot) => createBreaker({ ...breakerOptions, clock, snapshot }),
    ...extra,
  };
}
