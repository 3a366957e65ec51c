import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../src/index.js';
import {
  createRegistryTestModel,
  describeRegistryPath,
  registryTestOptions,
  runRegistryPath,
} from '../../src/testing/index.js';

// Two tools with small thresholds and timers; one open circuit pauses the registry.
const model = createRegistryTestModel({
  tools: ['search', 'shell'],
  defaults: { failureThreshold: 1, minBackoffMs: 100, maxBackoffMs: 200, probeTimeoutMs: 50 },
  overrides: { shell: { failureThreshold: 2 } },
  maxOpenCircuits: 1,
  cover: 'states',
});

describe('my registry follows its statecharts', () => {
  for (const path of model.getShortestPaths()) {
    it(describeRegistryPath(path), async () => {
      const report = await runRegistryPath(model, path, {
        // Build the registry as your runtime does, with the test clock (and inspector, if given).
        create: (clock, inspect) => createRegistry(registryTestOptions(model, clock, inspect)),
      });
      expect(report.steps).toBe(path.steps.length - 1);
    });
  }
});
