/**
 * Model-based tests of the registry's tool events: the breaker model's paths (every state and
 * edge of the breaker chart but restores, health checks and the fleet) run through a registry
 * actor driven by `tool.request`, `tool.succeeded` … alone, each step checked against the model.
 */
import { describe, expect, it } from 'vitest';
import { createBreakerTestModel } from '../../src/testing/index.js';
import { richOptions, smallOptions, windowOptions } from './paths.js';
import { runProtocolPath } from './protocol-run.js';

const models = {
  rich: createBreakerTestModel({ ...richOptions, restore: false }),
  small: createBreakerTestModel(smallOptions),
  windowed: createBreakerTestModel(windowOptions),
};

describe('a registry driven by tool events follows the breaker model', () => {
  for (const [name, model] of Object.entries(models)) {
    const paths = model.getShortestPaths();
    it(`${name}: ${paths.length} shortest paths, every step as the model says`, () => {
      let steps = 0;
      for (const path of paths) steps += runProtocolPath(model, path).steps;
      expect(steps).toBeGreaterThan(paths.length);
    });
  }
});
