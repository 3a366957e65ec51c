import type { ErrorCategory } from '../machines/categories.js';
import type { CallOutcome } from './stats.js';

/** Upper bounds (seconds) of the duration histogram's buckets; the last bucket is +Inf. */
export const DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Called with every measured call while durations are observed (an OpenTelemetry histogram). */
export type DurationListener = (
  tool: string | undefined,
  outcome: CallOutcome,
  category: ErrorCategory | null,
  seconds: number,
) => void;

/** One outcome's histogram: counts per bucket (not cumulative), their sum and count. */
export interface DurationHistogram {
  readonly buckets: readonly number[];
  /** Calls per bucket, `buckets.length + 1` entries (the last for above every bound). */
  readonly counts: readonly number[];
  readonly sum: number;
  readonly count: number;
}

const OUTCOMES: readonly CallOutcome[] = ['success', 'failure', 'ignored'];
const SLOTS = DURATION_BUCKETS.length + 1;

/**
 * Listeners of measured durations, shared by every breaker of a registry (or one breaker's own),
 * and how many observers want durations measured. @internal
 */
export class DurationSinks {
  readonly listeners = new Set<DurationListener>();
  observers = 0;

  /**
   * Adds an observer, and its listener if given: `first` runs when it is the first observer.
   * Returns the function that removes it (once): `last` runs when no observer is left.
   */
  observe(listener: DurationListener | undefined, first: () => void, last: () => void): () => void {
    this.observers++;
    if (listener !== undefined) this.listeners.add(listener);
    if (this.observers === 1) first();
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.observers--;
      if (listener !== undefined) this.listeners.delete(listener);
      if (this.observers === 0) last();
    };
  }
}

/**
 * Durations of one breaker's calls by outcome, in fixed buckets: one array increment and one
 * addition per call, read when metrics are collected. @internal
 */
export class DurationRecorder {
  readonly #counts = new Float64Array(SLOTS * OUTCOMES.length);
  readonly #sums = new Float64Array(OUTCOMES.length);

  constructor(readonly sinks: DurationSinks) {}

  /** Records one call of `outcome` that took `ms` milliseconds. */
  record(tool: string | undefined, outcome: CallOutcome, category: ErrorCategory | null, ms: number): void {
    const seconds = ms / 1000;
    const o = outcome === 'success' ? 0 : outcome === 'failure' ? 1 : 2;
    let slot = 0;
    while (slot < DURATION_BUCKETS.length && seconds > (DURATION_BUCKETS[slot] as number)) slot++;
    this.#counts[o * SLOTS + slot]! += 1;
    this.#sums[o]! += seconds;
    for (const listener of this.sinks.listeners) listener(tool, outcome, category, seconds);
  }

  /** The histogram of one outcome. */
  histogram(outcome: CallOutcome): DurationHistogram {
    const o = OUTCOMES.indexOf(outcome);
    const counts = Array.from(this.#counts.subarray(o * SLOTS, (o + 1) * SLOTS));
    return {
      buckets: DURATION_BUCKETS,
      counts,
      sum: this.#sums[o] ?? 0,
      count: counts.reduce((a, b) => a + b, 0),
    };
  }
}
