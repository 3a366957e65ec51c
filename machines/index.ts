export { breakerMachine, initialBreakerContext, type BreakerMachine } from './breaker.machine.js';
export * from './breaker.logic.js';
export * from './breaker.window.js';
export type * from './breaker.types.js';
export {
  DEFAULT_TRIP_CATEGORIES,
  ERROR_CATEGORIES,
  isErrorCategory,
  type ErrorCategory,
} from './categories.js';
export { givenStart, type BreakerStart, type BreakerStartValue, type StartOutcome } from './breaker.start.js';
export { registryMachine, type RegistryMachine } from './registry.machine.js';
export type { RegistryContext, RegistryEmitted, RegistryEvent, RegistryInput } from './registry.machine.js';
export type {
  BreakerReported,
  RegistryToolEvent,
  ReportedEvent,
  ToolConfigs,
  ToolEmitted,
  ToolEventWarning,
  ToolSpawn,
} from './registry.protocol.js';
export * from './breaker.fleet.js';
export { FLEET_EVENT_TYPES } from './breaker.fleet.types.js';
export type * from './breaker.fleet.types.js';
