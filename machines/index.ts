export { breakerMachine, initialBreakerContext, type BreakerMachine } from './breaker.machine.js';
export * from './breaker.logic.js';
export type * from './breaker.types.js';
export {
  DEFAULT_TRIP_CATEGORIES,
  ERROR_CATEGORIES,
  isErrorCategory,
  type ErrorCategory,
} from './categories.js';
