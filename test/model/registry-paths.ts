/** The registry models and paths the registry model-based tests and the coverage guard share. */
import {
  createRegistryTestModel,
  type RegistryTestModel,
  type RegistryTestModelOptions,
  type RegistryTestPath,
} from '../../src/testing/index.js';

/**
 * Two tools: `search` trips on one failure, `shell` (an override) on two; backoff 100 → 200 ms,
 * probes time out after 50 ms; one open circuit pauses the registry.
 */
export const pauseAtOne = {
  tools: ['search', 'shell'],
  defaults: { failureThreshold: 1, minBackoffMs: 100, maxBackoffMs: 200, probeTimeoutMs: 50 },
  overrides: { shell: { failureThreshold: 2 } },
  maxOpenCircuits: 1,
  startAt: 1_000,
} as const satisfies RegistryTestModelOptions;

/** The same tools, two breakers a shard: a third spawn opens a shard, and the first one is retired once emptied. */
export const shardsOfTwo = {
  ...pauseAtOne,
  shardCapacity: 2,
} as const satisfies RegistryTestModelOptions;

/** The same tools; the registry pauses only when both circuits are open. */
export const pauseAtTwo = { ...pauseAtOne, maxOpenCircuits: 2 } as const satisfies RegistryTestModelOptions;

export interface ModelPaths {
  readonly name: string;
  readonly model: RegistryTestModel;
  readonly paths: readonly RegistryTestPath[];
}

/** A model and its shortest paths (`cover` as the options say, `resets` by default). */
export function modelPaths(name: string, options: RegistryTestModelOptions): ModelPaths {
  const model = createRegistryTestModel(options);
  return { name, model, paths: model.getShortestPaths() };
}
