import type { InspectionEvent, Observer } from 'xstate';
import type { TimerClock } from './clock.js';
import { DEFAULT_TRIP_CATEGORIES, isErrorCategory, type ErrorCategory } from '../machines/categories.js';
import type { BreakerConfig } from '../machines/breaker.types.js';
import { classifyError, retryAfterFromError } from './classify.js';
import { checkOptionNames, checkOptionsObject } from './option-checks.js';
import { duration, fail, fn, integer, show } from './option-values.js';
import { windowConfig } from './window-options.js';

/** A clock for timers and time: XState's `Clock` plus an optional `now()` (e.g. `SimulatedClock`). */
export interface BreakerClock extends TimerClock {
  /** Epoch milliseconds. @default Date.now */
  now?(): number;
}

/**
 * The outcome window the rate rules read: the last `calls` calls, or the last `ms`
 * milliseconds in `buckets` buckets (a bucket leaves the window whole).
 */
export type WindowOption =
  | { readonly calls: number }
  | {
      readonly ms: number;
      /** Buckets the window is kept in, integer in [1, 10000]. @default 10 */
      readonly buckets?: number;
    };

/** Options of `createBreaker` (and the `defaults` of a registry). All durations are milliseconds. */
export interface BreakerOptions {
  /** Consecutive trip-counting failures in `closed` that open the circuit. Integer >= 1. @default 5 */
  readonly failureThreshold?: number;
  /** Milliseconds of the first backoff and lower clamp of every later one. @default 5000 */
  readonly minBackoffMs?: number;
  /** Milliseconds: upper clamp of the backoff (at most 2^31 - 1). @default 120000 */
  readonly maxBackoffMs?: number;
  /** Multiplier of the backoff after each failed probe, >= 1; huge values clamp to the maximum. @default 2 */
  readonly backoffFactor?: number;
  /** Fraction in [0, 1] of each backoff that may be randomly shaved off, never below `minBackoffMs`. @default 0 (no jitter) */
  readonly jitter?: number;
  /** Calls admitted at once while half-open. Integer >= 1. @default 1 */
  readonly halfOpenProbes?: number;
  /** Milliseconds a probe may stay unreported before it counts as a failed probe. @default 60000 */
  readonly probeTimeoutMs?: number;
  /** Categories that count toward the threshold. @default network, timeout, rate_limit, service_unavailable, execution_error */
  readonly tripOn?: readonly ErrorCategory[];
  /**
   * A window of outcomes: `{ calls }` (integer in [1, 1000000]) or `{ ms, buckets? }`. With it
   * the circuit also opens when the window's failure or slow-call rate reaches its threshold.
   * @default none (consecutive failures only)
   */
  readonly window?: WindowOption;
  /** With a window: failure rate in (0, 1] at which the circuit opens (>=). @default 0.5 */
  readonly failureRateThreshold?: number;
  /** With a window: calls it must hold before a rate counts; clamped to a count window's `calls`. @default 10 */
  readonly minimumCalls?: number;
  /** With a window: milliseconds above which a call is slow (a timed-out call is always slow). @default none */
  readonly slowCallDurationMs?: number;
  /** With a window: slow-call rate in (0, 1] at which the circuit opens (>=). @default 1 */
  readonly slowCallRateThreshold?: number;
  /**
   * Milliseconds a call may take: then the signal given to `fn` aborts with a `TimeoutError`,
   * the call rejects with it at once and counts as `timeout` (and slow). @default none
   */
  readonly timeoutMs?: number;
  /**
   * Checks the dependency without a caller: when a backoff ends and no call arrives within
   * `healthCheckGraceMs`, the breaker runs it as its probe (one probe, cut at `probeTimeoutMs`,
   * its signal aborted then or when the breaker stops). Resolving closes the circuit, a
   * rejection (classified as a call's) reopens it. @default none
   */
  readonly healthCheck?: (signal: AbortSignal) => Promise<unknown>;
  /** With a health check: milliseconds half-open waits idle for a caller before running it. @default 1000 */
  readonly healthCheckGraceMs?: number;
  /** Maps a thrown value to a category. Must not throw (a throw counts as `execution_error`). @default classifyError */
  readonly classify?: (error: unknown) => ErrorCategory;
  /**
   * Milliseconds the dependency asked to wait (Retry-After), or undefined; `now` is the
   * breaker's clock in epoch milliseconds (for an HTTP-date Retry-After). Read on the failure
   * that opens or reopens the circuit. @default retryAfterFromError
   */
  readonly retryAfter?: (error: unknown, now: number) => number | undefined;
  /** Timers and time; timers are unref'd so they never keep a Node process alive. @default real time */
  readonly clock?: BreakerClock;
  /** An XState inspection observer passed to `createActor` (e.g. from `@statelyai/inspect`). */
  readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
}

/** Options after validation, with every default filled in. */
export interface ResolvedBreakerOptions {
  readonly config: BreakerConfig;
  readonly classify: (error: unknown) => ErrorCategory;
  readonly retryAfter: (error: unknown, now: number) => number | undefined;
  readonly clock: BreakerClock | undefined;
  readonly inspect: BreakerOptions['inspect'];
  /** Milliseconds a call may take; null: no timeout. */
  readonly timeoutMs: number | null;
  /** The health check run as a probe; null: none. */
  readonly healthCheck: ((signal: AbortSignal) => Promise<unknown>) | null;
}

export const DEFAULT_BREAKER_CONFIG: BreakerConfig = Object.freeze({
  failureThreshold: 5,
  minBackoffMs: 5_000,
  maxBackoffMs: 120_000,
  backoffFactor: 2,
  jitter: 0,
  halfOpenProbes: 1,
  probeTimeoutMs: 60_000,
  tripOn: DEFAULT_TRIP_CATEGORIES,
  window: null,
  failureRateThreshold: 0.5,
  minimumCalls: 10,
  slowCallDurationMs: null,
  slowCallRateThreshold: 1,
  healthCheckGraceMs: null,
});

function tripCategories(value: unknown): readonly ErrorCategory[] {
  if (value === undefined) return DEFAULT_TRIP_CATEGORIES;
  if (!Array.isArray(value))
    throw new TypeError(`tripstate: option tripOn must be an array of categories, got ${show(value)}`);
  if (value.length === 0) {
    throw new RangeError(
      'tripstate: option tripOn must list at least one category: with [] no failure counts and the circuit never opens',
    );
  }
  for (const category of value) {
    if (!isErrorCategory(category)) fail('tripOn', category, 'a list of known error categories');
  }
  return Object.freeze([...new Set(value as ErrorCategory[])]);
}

const BREAKER_OPTIONS: readonly (keyof BreakerOptions)[] = [
  'failureThreshold',
  'minBackoffMs',
  'maxBackoffMs',
  'backoffFactor',
  'jitter',
  'halfOpenProbes',
  'probeTimeoutMs',
  'tripOn',
  'window',
  'failureRateThreshold',
  'minimumCalls',
  'slowCallDurationMs',
  'slowCallRateThreshold',
  'timeoutMs',
  'healthCheck',
  'healthCheckGraceMs',
  'classify',
  'retryAfter',
  'clock',
  'inspect',
];

/** The health check's grace: null without a health check (whose grace option is then refused). */
function healthCheckGrace(options: BreakerOptions): number | null {
  if (options.healthCheck === undefined) {
    if (options.healthCheckGraceMs !== undefined) {
      throw new TypeError('tripstate: option healthCheckGraceMs needs option healthCheck');
    }
    return null;
  }
  fn('healthCheck', options.healthCheck, undefined);
  return duration('healthCheckGraceMs', options.healthCheckGraceMs, 1_000, 0);
}

/**
 * Validates breaker options and fills in defaults. Throws a RangeError naming the bad option
 * and value, a TypeError for an option name it does not know.
 */
export function resolveBreakerConfig(options: BreakerOptions = {}): BreakerConfig {
  checkOptionsObject('options', options);
  checkOptionNames('option', options, BREAKER_OPTIONS);
  checkBackoffRange(options);
  const d = DEFAULT_BREAKER_CONFIG;
  const minBackoffMs = duration('minBackoffMs', options.minBackoffMs, d.minBackoffMs, 0);
  const maxBackoffMs = duration(
    'maxBackoffMs',
    options.maxBackoffMs,
    Math.max(d.maxBackoffMs, minBackoffMs),
    0,
  );
  if (minBackoffMs > maxBackoffMs) {
    throw new RangeError(
      `tripstate: option minBackoffMs (${minBackoffMs}) must not exceed maxBackoffMs (${maxBackoffMs})`,
    );
  }
  const backoffFactor = options.backoffFactor ?? d.backoffFactor;
  if (typeof backoffFactor !== 'number' || Number.isNaN(backoffFactor) || backoffFactor < 1) {
    fail('backoffFactor', backoffFactor, 'a number >= 1');
  }
  const jitter = options.jitter ?? d.jitter;
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1))
    fail('jitter', jitter, 'a number in [0, 1]');
  return Object.freeze({
    failureThreshold: integer('failureThreshold', options.failureThreshold, d.failureThreshold, 1),
    minBackoffMs,
    maxBackoffMs,
    backoffFactor,
    jitter,
    halfOpenProbes: integer('halfOpenProbes', options.halfOpenProbes, d.halfOpenProbes, 1),
    probeTimeoutMs: duration('probeTimeoutMs', options.probeTimeoutMs, d.probeTimeoutMs, 1),
    tripOn: tripCategories(options.tripOn),
    ...windowConfig(options, d),
    healthCheckGraceMs: healthCheckGrace(options),
  });
}

/** A zero `minBackoffMs` with a larger maximum never backs off: every backoff stays 0 ms. */
function checkBackoffRange(options: BreakerOptions): void {
  const { minBackoffMs, maxBackoffMs } = options;
  if (minBackoffMs === 0 && maxBackoffMs !== 0) {
    throw new RangeError(
      'tripstate: option minBackoffMs 0 keeps every backoff at 0 ms (0 × backoffFactor stays 0), so the ' +
        'circuit probes again at once: use minBackoffMs >= 1, or maxBackoffMs: 0 too when no backoff is meant',
    );
  }
}

/** What every breaker given no options runs with: resolved once, frozen, and shared. */
let noOptionsResolved: ResolvedBreakerOptions | undefined;

/**
 * `resolveBreakerOptions(options)`, except that an options object with no property at all (own
 * or inherited) gets the one frozen resolution of `{}` instead of a new one: a breaker created
 * with its defaults validates nothing. Anything else (including `null` or an array, which
 * throw) takes the full path. @internal
 */
export function breakerOptionsOf(options: BreakerOptions): ResolvedBreakerOptions {
  if (typeof options === 'object' && options !== null && !Array.isArray(options) && hasNoKeys(options))
    return (noOptionsResolved ??= Object.freeze(resolveBreakerOptions({})));
  return resolveBreakerOptions(options);
}

function hasNoKeys(object: object): boolean {
  for (const _ in object) return false;
  return true;
}

/** Validates every option of a breaker. */
export function resolveBreakerOptions(options: BreakerOptions = {}): ResolvedBreakerOptions {
  const config = resolveBreakerConfig(options);
  const clock = options.clock;
  if (
    clock !== undefined &&
    (typeof clock?.setTimeout !== 'function' || typeof clock.clearTimeout !== 'function')
  ) {
    throw new TypeError('tripstate: option clock must have setTimeout and clearTimeout functions');
  }
  return {
    config,
    classify: fn('classify', options.classify, classifyError),
    retryAfter: fn('retryAfter', options.retryAfter, retryAfterFromError),
    clock,
    inspect: options.inspect,
    timeoutMs: options.timeoutMs === undefined ? null : duration('timeoutMs', options.timeoutMs, 0, 1),
    healthCheck: options.healthCheck ?? null,
  };
}
