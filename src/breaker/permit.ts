/** The non-throwing gate's admission: one call's permit, settled once. */
import { ERROR_CATEGORIES, isErrorCategory, type ErrorCategory } from '../../machines/categories.js';
import { nearestName } from '../option-checks.js';

/** An admission to make one call, from `tryAcquire()`. Settles once: later calls return false. */
export interface Permit {
  /** The generation of the state the call was admitted in. */
  readonly generation: number;
  /**
   * Reports that the call succeeded. `durationMs`: milliseconds the call took, for the
   * slow-call rule; measured from the admission when omitted and the breaker has a slow-call rule.
   */
  success(durationMs?: number): boolean;
  /**
   * Reports that the call failed: with one of the 16 category names, or with the thrown value
   * (an Error or any non-string value, classified by the breaker's `classify`), and optionally
   * the milliseconds it took (as for `success`). A string that is not a category name (a
   * misspelt `'invalid_parameter'`) does not compile and throws a TypeError at run time,
   * leaving the permit unsettled.
   */
  failure<E = undefined>(errorOrCategory?: FailureReport<E>, durationMs?: number): boolean;
  /** Gives the admission back without a result (the call was not made); frees a probe slot. */
  release(): boolean;
}

/**
 * What `permit.failure()` takes: an `ErrorCategory` name, or a thrown value of any type but
 * `string` (a string must be a category name).
 */
export type FailureReport<E> = E & (E extends string ? ErrorCategory : unknown);

/** The TypeError for a string reported as a failure that is not a category name. */
function unknownCategory(value: string): TypeError {
  const shown = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  const near = nearestName(value, ERROR_CATEGORIES);
  return new TypeError(
    `tripstate: permit.failure(${shown}): not an error category${near === undefined ? '' : ` (did you mean ${near}?)`}; ` +
      'pass one of the 16 category names or the thrown value itself (an Error)',
  );
}

/** What a permit reports to. @internal */
export interface PermitSink {
  report(
    generation: number,
    outcome: 'success' | 'failure' | 'release',
    error?: unknown,
    durationMs?: number,
  ): void;
  /** Milliseconds since `startedAt` when durations are measured, else undefined. */
  elapsedSince(startedAt: number | undefined): number | undefined;
}

/** A duration a caller passed: a finite number >= 0, else a TypeError/RangeError naming it. */
function checkedDuration(durationMs: number | undefined): number | undefined {
  if (durationMs === undefined) return undefined;
  if (typeof durationMs !== 'number' || !Number.isFinite(durationMs) || durationMs < 0) {
    throw new RangeError(
      `tripstate: a permit's durationMs must be a finite number >= 0, got ${String(durationMs)}`,
    );
  }
  return durationMs;
}

/** A permit of one breaker. @internal */
export class BreakerPermit implements Permit {
  #settled = false;
  constructor(
    readonly generation: number,
    readonly sink: PermitSink,
    /** Epoch milliseconds of the admission, when the breaker measures durations. */
    readonly startedAt: number | undefined,
  ) {}
  success(durationMs?: number): boolean {
    const measured = checkedDuration(durationMs) ?? this.sink.elapsedSince(this.startedAt);
    if (this.#settled) return false;
    this.#settled = true;
    this.sink.report(this.generation, 'success', undefined, measured);
    return true;
  }
  failure(errorOrCategory?: unknown, durationMs?: number): boolean {
    if (typeof errorOrCategory === 'string' && !isErrorCategory(errorOrCategory)) {
      throw unknownCategory(errorOrCategory);
    }
    const measured = checkedDuration(durationMs) ?? this.sink.elapsedSince(this.startedAt);
    if (this.#settled) return false;
    this.#settled = true;
    this.sink.report(this.generation, 'failure', errorOrCategory, measured);
    return true;
  }
  release(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.sink.report(this.generation, 'release');
    return true;
  }
}
