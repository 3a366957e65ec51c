/**
 * The outcome window of a breaker: the calls, failures and slow calls of the last `size`
 * calls (a count window) or of the last `size` time buckets (a time window). Plain data in
 * the breaker's context, kept in O(1) per call: a typed array of three counters per bucket
 * and running totals. A time window advances lazily, by at most `size` buckets, when an
 * outcome is recorded or the totals are read: no timers.
 *
 * The chart's actions record into a copy (`withOutcome`), so its transitions stay pure; the
 * runtime records into the live window in place (`advanceWindow`, `addOutcome`) when the chart
 * would do nothing else, and the differential tests prove the two equal.
 */

/** A window's shape, resolved from the `window` option. */
export interface WindowConfig {
  /** `count`: the last `size` calls; `time`: the last `size` buckets of `bucketMs` each. */
  readonly kind: 'count' | 'time';
  /** Calls (count window) or buckets (time window) kept. */
  readonly size: number;
  /** Milliseconds a bucket spans (time window); 0 for a count window. */
  readonly bucketMs: number;
}

/** Calls, failures and slow calls in a window. */
export interface WindowTotals {
  readonly calls: number;
  readonly failures: number;
  readonly slow: number;
}

/**
 * The window's counters. Mutable on purpose: the runtime records in place; the chart copies.
 * A bucket `i` holds calls, failures and slow calls at `counts[3i]`, `counts[3i + 1]`, `counts[3i + 2]`.
 */
export interface OutcomeWindow {
  /** Three counters per bucket; a count window's bucket holds one call (a byte each). */
  readonly counts: Uint8Array | Uint32Array;
  /** Index of the newest bucket. */
  head: number;
  /** Time window: the newest bucket's number, `floor(at / bucketMs)`; 0 for a count window. */
  headEpoch: number;
  calls: number;
  failures: number;
  slow: number;
}

/** An empty window of this shape, or null without one. */
export function createWindow(spec: WindowConfig | null): OutcomeWindow | null {
  if (spec === null) return null;
  const counts = spec.kind === 'count' ? new Uint8Array(3 * spec.size) : new Uint32Array(3 * spec.size);
  return {
    counts,
    head: spec.kind === 'count' ? spec.size - 1 : 0,
    headEpoch: 0,
    calls: 0,
    failures: 0,
    slow: 0,
  };
}

/** A copy that shares nothing with `window`. */
export function copyWindow(window: OutcomeWindow): OutcomeWindow {
  return { ...window, counts: window.counts.slice() };
}

/**
 * Bucket `head + offset` of a ring of `size` (offset in [0, size]): a compare instead of `%`,
 * an integer division the per-call path would otherwise pay.
 */
export function ringIndex(head: number, offset: number, size: number): number {
  const i = head + offset;
  return i >= size ? i - size : i;
}

/** Empties bucket `index`, taking its counters off the totals. */
function evict(window: OutcomeWindow, index: number): void {
  const c = window.counts;
  const k = 3 * index;
  window.calls -= c[k] as number;
  window.failures -= c[k + 1] as number;
  window.slow -= c[k + 2] as number;
  c[k] = 0;
  c[k + 1] = 0;
  c[k + 2] = 0;
}

/** Buckets a time window moves forward to reach time `at` (0 for a count window or an earlier time). */
export function stepsTo(spec: WindowConfig, window: OutcomeWindow, at: number): number {
  if (spec.kind === 'count') return 0;
  const steps = Math.floor(at / spec.bucketMs) - window.headEpoch;
  return steps > 0 ? Math.min(steps, spec.size) : 0;
}

/** Moves a time window forward to epoch-milliseconds `at`, emptying the buckets that fell out. In place. */
export function advanceWindow(spec: WindowConfig, window: OutcomeWindow, at: number): void {
  const steps = stepsTo(spec, window, at);
  if (steps === 0) return;
  for (let i = 0; i < steps; i++) {
    window.head = ringIndex(window.head, 1, spec.size);
    evict(window, window.head);
  }
  window.headEpoch = Math.floor(at / spec.bucketMs);
}

/** Adds one outcome to an advanced window (a count window drops its oldest call). In place. */
export function addOutcome(spec: WindowConfig, window: OutcomeWindow, failed: boolean, slow: boolean): void {
  if (spec.kind === 'count') {
    window.head = ringIndex(window.head, 1, spec.size);
    evict(window, window.head);
  }
  const c = window.counts;
  const k = 3 * window.head;
  c[k] = (c[k] as number) + 1;
  window.calls++;
  if (failed) {
    c[k + 1] = (c[k + 1] as number) + 1;
    window.failures++;
  }
  if (slow) {
    c[k + 2] = (c[k + 2] as number) + 1;
    window.slow++;
  }
}

/** The window after recording one outcome at `at`: a new window, `window` unchanged (the chart's action). */
export function withOutcome(
  spec: WindowConfig,
  window: OutcomeWindow,
  at: number,
  failed: boolean,
  slow: boolean,
): OutcomeWindow {
  const next = copyWindow(window);
  advanceWindow(spec, next, at);
  addOutcome(spec, next, failed, slow);
  return next;
}

/** The totals of the buckets a time window would drop to reach `at`. */
function expiring(spec: WindowConfig, window: OutcomeWindow, steps: number): WindowTotals {
  let calls = 0;
  let failures = 0;
  let slow = 0;
  const c = window.counts;
  for (let i = 1; i <= steps; i++) {
    const k = 3 * ringIndex(window.head, i, spec.size);
    calls += c[k] as number;
    failures += c[k + 1] as number;
    slow += c[k + 2] as number;
  }
  return { calls, failures, slow };
}

/** The window's totals as read at `at` (buckets older than the window not counted). Pure. */
export function windowTotals(spec: WindowConfig, window: OutcomeWindow, at: number): WindowTotals {
  const steps = stepsTo(spec, window, at);
  if (steps === 0) return { calls: window.calls, failures: window.failures, slow: window.slow };
  const gone = expiring(spec, window, steps);
  return {
    calls: window.calls - gone.calls,
    failures: window.failures - gone.failures,
    slow: window.slow - gone.slow,
  };
}

/** The totals the window would have after recording one more outcome at `at`. Pure. */
export function totalsWith(
  spec: WindowConfig,
  window: OutcomeWindow,
  at: number,
  failed: boolean,
  slow: boolean,
): WindowTotals {
  const t = windowTotals(spec, window, at);
  let { calls, failures, slow: slowCalls } = t;
  if (spec.kind === 'count') {
    const k = 3 * ringIndex(window.head, 1, spec.size);
    const c = window.counts;
    calls -= c[k] as number;
    failures -= c[k + 1] as number;
    slowCalls -= c[k + 2] as number;
  }
  return { calls: calls + 1, failures: failures + (failed ? 1 : 0), slow: slowCalls + (slow ? 1 : 0) };
}
