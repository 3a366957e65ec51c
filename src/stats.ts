import { ERROR_CATEGORIES, type ErrorCategory } from '../machines/categories.js';
import type { BreakerEmitted, BreakerState } from '../machines/breaker.types.js';

/**
 * Cumulative counts of one breaker's calls since the breaker was created (for a registry's
 * tool: since the tool was first seen, or last reset or evicted). Counts never go down; they
 * are not persisted. Read them with `breaker.stats()` or `registry.stats(tool)`.
 */
export interface BreakerStats {
  /** Calls admitted: `execute()` ran the function, or `tryAcquire()` returned a permit. */
  readonly calls: number;
  /** Admitted calls that succeeded. */
  readonly successes: number;
  /** Admitted calls that failed with a category that counts (`tripOn`). */
  readonly failures: number;
  /** Admitted calls that failed with a category that does not count (a model's invalid arguments, a cancel). */
  readonly ignored: number;
  /** Every failure, counted or ignored, by category; categories never seen are absent. */
  readonly failuresByCategory: Readonly<Partial<Record<ErrorCategory, number>>>;
  /** Failures of category `timeout` (a call timeout, a `TimeoutError`, an unreported probe is not one). */
  readonly timeouts: number;
  /**
   * Calls that timed out, or took longer than `slowCallDurationMs` (durations are measured only
   * with a slow-call rule or attached duration metrics).
   */
  readonly slowCalls: number;
  /** Permits given back without a result (`permit.release()`). */
  readonly released: number;
  /** Calls refused: the circuit open, half-open with no probe slot, isolated, or the breaker stopped. */
  readonly rejections: number;
  /** Transitions into each state (`closed` counts probes that succeeded, resets and releases). */
  readonly transitions: Readonly<Record<BreakerState, number>>;
}

/** The outcome of one admitted call, as metrics label it. */
export type CallOutcome = 'success' | 'failure' | 'ignored';

const CATEGORY_INDEX = new Map<ErrorCategory, number>(ERROR_CATEGORIES.map((c, i) => [c, i]));

/**
 * The counters behind `BreakerStats`: plain number fields, a few increments per call, and a
 * per-category array made on the first failure. @internal
 */
export class CallCounts {
  calls = 0;
  successes = 0;
  failures = 0;
  ignored = 0;
  released = 0;
  rejections = 0;
  slowCalls = 0;
  /** Slow calls among the outcomes a window counts (not the failures of a category that does not trip). */
  countedSlowCalls = 0;
  toOpen = 0;
  toHalfOpen = 0;
  toClosed = 0;
  toIsolated = 0;
  #byCategory: Float64Array | undefined;

  /** Counts a failure of `category`; `counts` says whether the category trips the breaker. */
  failed(category: ErrorCategory, counts: boolean): void {
    if (counts) this.failures++;
    else this.ignored++;
    (this.#byCategory ??= new Float64Array(ERROR_CATEGORIES.length))[CATEGORY_INDEX.get(category) ?? 0]! += 1;
  }

  /** Counts the transition a breaker event announces. */
  transition(event: BreakerEmitted): void {
    switch (event.type) {
      case 'opened':
        this.toOpen++;
        return;
      case 'halfOpened':
        this.toHalfOpen++;
        return;
      case 'closed':
        this.toClosed++;
        return;
      case 'isolated':
        this.toIsolated++;
        return;
      default:
        return;
    }
  }

  /** Calls admitted and not yet settled. */
  get inFlight(): number {
    return this.calls - this.successes - this.failures - this.ignored - this.released;
  }

  /** Failures of one category so far. */
  failuresOf(category: ErrorCategory): number {
    const index = CATEGORY_INDEX.get(category);
    return index === undefined ? 0 : (this.#byCategory?.[index] ?? 0);
  }

  /** A frozen copy of the counts. */
  read(): BreakerStats {
    const failuresByCategory: Partial<Record<ErrorCategory, number>> = {};
    const byCategory = this.#byCategory;
    if (byCategory !== undefined) {
      for (let i = 0; i < ERROR_CATEGORIES.length; i++) {
        const n = byCategory[i] ?? 0;
        if (n > 0) failuresByCategory[ERROR_CATEGORIES[i] as ErrorCategory] = n;
      }
    }
    return {
      calls: this.calls,
      successes: this.successes,
      failures: this.failures,
      ignored: this.ignored,
      failuresByCategory,
      timeouts: failuresByCategory.timeout ?? 0,
      slowCalls: this.slowCalls,
      released: this.released,
      rejections: this.rejections,
      transitions: {
        closed: this.toClosed,
        open: this.toOpen,
        halfOpen: this.toHalfOpen,
        isolated: this.toIsolated,
      },
    };
  }
}

/** The stats of a tool never seen: every count zero. */
export const EMPTY_STATS: BreakerStats = Object.freeze(new CallCounts().read());
