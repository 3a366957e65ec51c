/**
 * Model-based tests: paths generated with `xstate/graph` from `breakerMachine` (its timers
 * turned into clock events) run against the real runtime, which must match the chart's state,
 * context and emitted events after every step.
 */
import { describe, expect, it } from 'vitest';
import { describeBreakerPath, runBreakerPath } from '../../src/testing/index.js';
import {
  richModel,
  richOptions,
  runOptions,
  shortestPaths,
  simplePaths,
  smallModel,
  smallOptions,
  windowModel,
  windowOptions,
  windowPaths,
  healthCheckModel,
  healthCheckOptions,
  healthCheckPaths,
} from './paths.js';

describe('shortest paths to every transition of a two-probe breaker', () => {
  it.each(shortestPaths.map((path) => [describeBreakerPath(path), path] as const))(
    'the runtime follows the chart with batched rejections: %s',
    async (_name, path) => {
      const report = await runBreakerPath(richModel, path, runOptions(richOptions));
      expect(report.steps).toBe(path.steps.length - 1);
    },
  );

  it.each(shortestPaths.map((path) => [describeBreakerPath(path), path] as const))(
    'the runtime follows the chart with a rejected listener: %s',
    async (_name, path) => {
      const report = await runBreakerPath(richModel, path, runOptions(richOptions, { perRejection: true }));
      expect(report.steps).toBe(path.steps.length - 1);
    },
  );
});

describe('simple paths of a one-probe breaker', () => {
  it.each(simplePaths.map((path) => [describeBreakerPath(path), path] as const))(
    'the runtime follows the chart: %s',
    async (_name, path) => {
      const report = await runBreakerPath(smallModel, path, runOptions(smallOptions));
      expect(report.steps).toBe(path.steps.length - 1);
    },
  );
});

describe('shortest paths to every transition of a windowed two-probe breaker', () => {
  it.each(windowPaths.map((path) => [describeBreakerPath(path), path] as const))(
    'the runtime follows the chart: %s',
    async (_name, path) => {
      const report = await runBreakerPath(windowModel, path, runOptions(windowOptions));
      expect(report.steps).toBe(path.steps.length - 1);
    },
  );

  it.each(windowPaths.map((path) => [describeBreakerPath(path), path] as const))(
    'the runtime follows the chart with a rejected listener (dormant until a rate trips): %s',
    async (_name, path) => {
      const report = await runBreakerPath(
        windowModel,
        path,
        runOptions(windowOptions, { perRejection: true }),
      );
      expect(report.steps).toBe(path.steps.length - 1);
    },
  );
});

describe('shortest paths of a one-probe breaker with a health check', () => {
  it.each(healthCheckPaths.map((path) => [describeBreakerPath(path), path] as const))(
    'the runtime follows the chart: %s',
    async (_name, path) => {
      const report = await runBreakerPath(healthCheckModel, path, runOptions(healthCheckOptions));
      expect(report.steps).toBe(path.steps.length - 1);
    },
  );
});
