/** The non-throwing gate's admission: one call's permit, settled once. */

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
   * Reports that the call failed, with a category name or the thrown value (classified), and
   * optionally the milliseconds it took (as for `success`).
   */
  failure(errorOrCategory?: unknown, durationMs?: number): boolean;
  /** Gives the admission back without a result (the call was not made); frees a probe slot. */
  release(): boolean;
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
