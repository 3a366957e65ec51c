import { describe, expect, it } from 'vitest';
import { createBreaker } from '../../src/index.js';
import { createBreakerTestModel, describeBreakerPath, runBreakerPath } from '../../src/testing/index.js';

// The breaker options under test; durations in milliseconds. jitter must stay 0.
const options = { failureThreshold: 2, minBackoffMs: 1_000, maxBackoffMs: 4_000, probeTimeoutMs: 500 };
const model = createBreakerTestModel(options);

describe('my tool breaker follows its statechart', () => {
  for (const path of model.getShortestPaths()) {
    it(describeBreakerPath(path), async () => {
      const report = await runBreakerPath(model, path, {
        // Build the breaker as your runtime does, on the test clock (and restore `snapshot`).
        create: (clock, snapshot) => createBreaker({ ...options, clock, snapshot }),
      });
      expect(report.steps).toBe(path.steps.length - 1);
    });
  }
});
