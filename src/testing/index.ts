/**
 * `tripstate/testing`: model-based tests of a breaker configuration, generated from the
 * breaker statechart with `xstate/graph`, and a manual clock to drive time. See docs/testing.md.
 */
export { TestClock } from './clock.js';
export {
  BREAKER_TIMER_EVENTS,
  breakerTestMachine,
  modelValue,
  timersAsEvents,
  afterEventType,
} from './machine.js';
export type {
  BreakerModelContext,
  BreakerModelEvent,
  BreakerModelInput,
  BreakerModelSnapshot,
  BreakerTestMachine,
  ModelBookkeeping,
  TimerEvents,
} from './machine.js';
export {
  createBreakerTestModel,
  describeBreakerPath,
  initialModelSnapshot,
  modelRejects,
  modelState,
  serializeBreakerModelSnapshot,
} from './model.js';
export type { BreakerTestModel, BreakerTestModelOptions, BreakerTestPath } from './model.js';
export { BreakerModelMismatchError, runBreakerPath } from './run.js';
export type { BreakerPathReport, BreakerPathRunOptions } from './run.js';
export { edgeKey, machineGraphKeys, testEdgeKey } from './coverage.js';
export type { MachineGraphKeys } from './coverage.js';
export {
  createRegistryTestModel,
  describeRegistryEvent,
  describeRegistryPath,
  dueTimers,
  serializeRegistryModelSnapshot,
  toolTimer,
} from './registry-model.js';
export type {
  RegistryModelEmitted,
  RegistryModelEvent,
  RegistryModelSnapshot,
  RegistryModelStep,
  RegistryTestModel,
  RegistryTestModelOptions,
  RegistryTestPath,
  ToolModel,
  ToolModelOptions,
  ToolPresence,
} from './registry-model.js';
export { RegistryModelMismatchError, registryTestOptions, runRegistryPath } from './registry-run.js';
export type { RegistryPathReport, RegistryPathRunOptions } from './registry-run.js';
export { microstepEdges, registryEdgesTaken, registryGraphKeys } from './registry-coverage.js';
export { createMemoryShareHub } from '../share/memory.js';
export type { MemoryShareHub, MemoryShareHubOptions } from '../share/memory.js';
