/** What `runRegistryPath` takes and reports, and the registry options it builds for a model. */
import type { InspectionEvent, Observer } from 'xstate';
import type { Registry } from '../registry.js';
import type { RegistryOptions } from '../registry-options.js';
import type { TestClock } from './clock.js';
import type { RegistryTestModel } from './registry-model.js';

/** How `runRegistryPath` builds and observes the registry under test. */
export interface RegistryPathRunOptions {
  /**
   * Creates the registry under test with `clock` (and `inspect`, when given) in its
   * `defaults`. @default `createRegistry(registryTestOptions(model, clock, inspect))`
   */
  readonly create?: (clock: TestClock, inspect?: Observer<InspectionEvent>) => Registry;
  /** Listens to `rejected` with `registry.on` and checks each rejection (which also turns off batching). @default false */
  readonly perRejection?: boolean;
  /** Called with a line per step, e.g. `console.log`. */
  readonly log?: (line: string) => void;
}

/** What `runRegistryPath` did. */
export interface RegistryPathReport {
  /** Steps executed (the initial state not counted). */
  readonly steps: number;
  /** State node ids of `registryMachine` the registry actor was in. */
  readonly states: ReadonlySet<string>;
  /** Edges of `registryMachine` the registry actor took, as inspected (empty unless the model's `inspect`). */
  readonly edges: ReadonlySet<string>;
}

/** Thrown when the registry does not do what the model predicts. */
export class RegistryModelMismatchError extends Error {
  override readonly name = 'RegistryModelMismatchError';
}

/** `createRegistry` options for the model's configuration, on `clock`. */
export function registryTestOptions(
  model: RegistryTestModel,
  clock: TestClock,
  inspect?: Observer<InspectionEvent>,
): RegistryOptions {
  const { defaults, overrides = {}, maxOpenCircuits, shardCapacity } = model.registryOptions;
  return {
    clock,
    ...(inspect ? { inspect } : {}),
    ...(defaults ? { defaults } : {}),
    overrides: Object.entries(overrides).map(([tool, options]) => ({ tool, options })),
    ...(maxOpenCircuits === undefined ? {} : { maxOpenCircuits }),
    ...(shardCapacity === undefined ? {} : { shardCapacity }),
  };
}
