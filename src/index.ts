export { Breaker, createBreaker, stateName } from './breaker.js';
export { Registry, createRegistry } from './registry.js';
export { NoProviderAvailableError, firstAvailable, isNoProviderAvailableError } from './failover.js';
export type { FailoverOptions, FailoverRegistry, ProviderAttempt } from './failover.js';
export type { RegistryEventMap, RegistrySnapshot, ToolDiagnostics } from './registry.js';
export type { RegistryOptions, ToolOverride } from './registry-options.js';
export type { DashboardHandle, DashboardOptions } from './dashboard/options.js';
export type {
  PersistedRegistrySnapshot,
  PersistedToolState,
  RegistryChanges,
  RegistryStore,
  StoreContext,
} from './registry-snapshot.js';
export { DEFAULT_MAX_TOOL_NAME_LENGTH, InvalidToolNameError } from './tool-name.js';
export type { BreakerDiagnostics, BreakerEventMap, ExecuteOptions, Permit } from './breaker.js';
export type { BreakerStats, CallOutcome } from './stats.js';
export { classifyError, httpStatus, parseRetryAfter, retryAfterFromError } from './classify.js';
export {
  BreakerStoppedError,
  BrokenCircuitError,
  IsolatedCircuitError,
  SnapshotError,
  StoreLockedError,
  isBreakerStoppedError,
  isBrokenCircuitError,
  isIsolatedCircuitError,
  isStoreLockedError,
} from './errors.js';
export type { StoreLockOwner } from './errors.js';
export { DEFAULT_BREAKER_CONFIG, resolveBreakerConfig, resolveBreakerOptions } from './options.js';
export type { BreakerClock, BreakerOptions, ResolvedBreakerOptions, WindowOption } from './options.js';
export type { TimerClock } from './clock.js';
export type {
  BreakerStateValue,
  PersistedBreakerContext,
  PersistedBreakerSnapshot,
  PersistedWindow,
} from './snapshot.js';
export { breakerMachine } from '../machines/breaker.machine.js';
export { registryMachine } from '../machines/registry.machine.js';
export { DEFAULT_TRIP_CATEGORIES, ERROR_CATEGORIES, isErrorCategory } from '../machines/categories.js';
export type { ErrorCategory } from '../machines/categories.js';
export type {
  BreakerConfig,
  BreakerContext,
  BreakerEmitted,
  BreakerEvent,
  BreakerState,
  CloseReason,
  OpenReason,
  ToolAnswer,
} from '../machines/breaker.types.js';
export type {
  RegistryContext,
  RegistryEmitted,
  RegistryEvent,
  RegistryInput,
} from '../machines/registry.machine.js';
export type { RegistryToolEvent, ReportedEvent, ToolEmitted } from '../machines/registry.protocol.js';
export type {
  FleetRecord,
  FleetShare,
  OutcomeBatch,
  ShareHandlers,
  ShareSession,
  ShareStatus,
} from './share/types.js';
export type { FleetEvent, FleetGeneration } from '../machines/breaker.fleet.types.js';
