/**
 * The error taxonomy of an agent runtime's tool and provider calls.
 *
 * Only some categories mean "the dependency is unhealthy" and count toward a
 * breaker's failure threshold; the others are the caller's (or the model's) own
 * mistakes and must never trip a tool.
 */
export const ERROR_CATEGORIES = [
  'network',
  'timeout',
  'rate_limit',
  'service_unavailable',
  'circuit_open',
  'authentication',
  'invalid_parameters',
  'tool_not_found',
  'resource_not_found',
  'permission_denied',
  'policy_violation',
  'planning_policy_violation',
  'sandbox_failure',
  'resource_exhausted',
  'cancelled',
  'execution_error',
] as const;

/** One of the 16 error categories. */
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

/** The categories that count toward the failure threshold unless configured otherwise. */
export const DEFAULT_TRIP_CATEGORIES: readonly ErrorCategory[] = [
  'network',
  'timeout',
  'rate_limit',
  'service_unavailable',
  'execution_error',
];

const categorySet: ReadonlySet<string> = new Set(ERROR_CATEGORIES);

/** True when `value` is one of the 16 category names. */
export function isErrorCategory(value: unknown): value is ErrorCategory {
  return typeof value === 'string' && categorySet.has(value);
}
