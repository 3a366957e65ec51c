/**
 * Settlement: what an admitted call's outcome does. What the chart would only count or record
 * (a success in a quiet `closed`, a failure below the thresholds, anything on a dormant
 * breaker) is done here with the chart's own functions, or batched; the rest goes to the chart.
 */
import { countsAsFailure, isSlowCall, reachesThreshold } from '../../machines/breaker.logic.js';
import type { StartOutcome } from '../../machines/breaker.start.js';
import type { ErrorCategory } from '../../machines/categories.js';
import { abortCategory } from '../classify.js';
import type { CallOutcome } from '../stats.js';
import { measured } from './call-handlers.js';
import { categoryOf, retryAfterOf } from './callee.js';
import { dormantFailure, dormantSuccess } from './dormant.js';
import { BreakerShareStatus } from './share-status.js';
import { recordInPlace, recordQuietSuccess, tripsWindow, turnsQuietly, windowTime } from './window.js';

/** The outcomes of a breaker's calls. @internal */
export abstract class BreakerSettlement extends BreakerShareStatus {
  /**
   * A success of a call admitted in `generation` without a signal and measuring no duration,
   * given `ring = quietRing(config)`: on a dormant breaker with nothing to clear whose window
   * (if any) only turns, a counter and the ring's head, small enough to inline into the settle
   * handler; anything else `succeeded` does.
   */
  protected quietSucceeded(generation: number, ring: number): void {
    const context = this.dormantContext;
    if (
      this.runningActor === undefined &&
      context.generation === generation &&
      context.failureCount === 0 &&
      turnsQuietly(context.window, ring)
    ) {
      this.counts.successes++;
      return;
    }
    this.succeeded(generation);
  }

  /** A call admitted in `generation` succeeded (in `durationMs`, when measured). */
  protected succeeded(generation: number, durationMs?: number): void {
    this.counts.successes++;
    // A success is slow only by its duration: nothing to count or record without one.
    if (durationMs !== undefined) this.#measured('success', null, durationMs);
    const actor = this.runningActor;
    if (actor === undefined) {
      // Dormant means closed: the chart's `clearFailures` and `recordOutcome`, unless a rate trips.
      const context = this.dormantContext;
      if (generation !== context.generation) return;
      // Most often nothing to clear, and the window (if any) only turns.
      if (
        context.failureCount === 0 &&
        !isSlowCall(context.config, null, durationMs) &&
        recordQuietSuccess(context)
      )
        return;
      const next = dormantSuccess(context, this.now, durationMs);
      if (next === 'wake') return this.#wakeAndSend(generation, null, undefined, durationMs);
      this.dormantContext = next;
      return;
    }
    const { value, context } = actor.getSnapshot();
    if (generation !== context.generation) return;
    if (value === 'closed' && context.failureCount === 0 && this.batch.failures === 0) {
      if (context.window === null) return;
      if (this.batching) {
        // The chart would only run `recordOutcome`: record here, in place, unless a rate trips.
        const slow = isSlowCall(context.config, null, durationMs);
        if (!slow && recordQuietSuccess(context)) return;
        const at = windowTime(context, this.now);
        if (!tripsWindow(context, at, false, slow)) return recordInPlace(context, at, false, slow);
      }
    }
    const batch = this.batch;
    if (
      value === 'closed' &&
      batch.failures > 0 &&
      batch.rejections === 0 &&
      batch.failureGeneration === generation
    ) {
      // The chart would record the batched failures, then clear them with this success: one event.
      const failedBefore = batch.takeFailures();
      return this.send({
        type: 'call.succeeded',
        generation,
        at: this.now(),
        failedBefore,
        ...measured(durationMs),
      });
    }
    this.send({ type: 'call.succeeded', generation, at: this.now(), ...measured(durationMs) });
  }

  /** A call admitted in `generation` failed with an error of `category` (`error` itself, if any). */
  protected failed(generation: number, category: ErrorCategory, error: unknown, durationMs?: number): void {
    const counted = countsAsFailure(this.options.config, category);
    this.counts.failed(category, counted);
    if (counted) {
      this.host?.countedFailure?.(this.self());
      this.fleet?.countedFailure(this.self());
    }
    this.#measured(counted ? 'failure' : 'ignored', category, durationMs);
    if (this.runningActor === undefined) {
      // Dormant means closed: the chart's `recordFailure` below the thresholds, else wake the actor.
      const context = this.dormantContext;
      if (this.isStopped || generation !== context.generation || !countsAsFailure(context.config, category))
        return;
      const at = this.now(); // one reading: the chart must see the failure the dormant check saw
      const next = dormantFailure(context, category, at, durationMs);
      if (next !== 'wake') {
        this.dormantContext = next;
        return;
      }
      // It trips: the chart takes this failure in its first step and starts open.
      this.spawn('dormant', this.#failure(generation, category, error, durationMs, at));
      return;
    }
    const { value, context } = this.actor.getSnapshot();
    if (generation !== context.generation) return;
    if (value === 'closed') {
      if (!countsAsFailure(context.config, category)) return;
      const batch = this.batch;
      if (this.batching && !reachesThreshold(context, batch.failures + 1)) {
        const at = this.now();
        const slow = isSlowCall(context.config, category, durationMs);
        if (!tripsWindow(context, at, true, slow)) {
          // The chart would only run `recordFailure` and `recordOutcome`: record the outcome
          // here, in place, and send the failures as one event later.
          recordInPlace(context, at, true, slow);
          if (batch.addFailure(generation, category, at)) this.host?.batching(this.self());
          return;
        }
      }
    }
    this.#sendFailure(generation, category, error, durationMs);
  }

  /** A dormant breaker whose outcome trips a rate: it gets its actor, and the chart the event. */
  #wakeAndSend(
    generation: number,
    category: ErrorCategory | null,
    error: unknown,
    durationMs?: number,
  ): void {
    this.spawn('dormant');
    if (category !== null) return this.#sendFailure(generation, category, error, durationMs);
    this.send({ type: 'call.succeeded', generation, at: this.now(), ...measured(durationMs) });
  }

  #sendFailure(generation: number, category: ErrorCategory, error: unknown, durationMs?: number): void {
    this.send(this.#failure(generation, category, error, durationMs));
  }

  /** The chart's `call.failed` for a call admitted in `generation` that failed with `error`. */
  #failure(
    generation: number,
    category: ErrorCategory,
    error: unknown,
    durationMs?: number,
    at = this.now(),
  ): StartOutcome {
    const retryAfterMs = error === undefined ? undefined : retryAfterOf(this.options, error, this.now());
    return {
      type: 'call.failed',
      generation,
      category,
      at,
      ...(retryAfterMs ? { retryAfterMs } : {}),
      ...measured(durationMs),
    };
  }

  /** A permit admitted in `generation` was given back without a result. */
  protected released(generation: number): void {
    this.counts.released++;
    if (this.runningActor === undefined) return;
    const { value, context } = this.runningActor.getSnapshot();
    if (generation !== context.generation || value === 'closed') return;
    this.send({ type: 'call.released', generation, at: this.now() });
  }

  /** A failure after the caller's signal aborted is `cancelled`, or `timeout` when it timed out. */
  protected failedCall(
    generation: number,
    error: unknown,
    signal: AbortSignal | undefined,
    durationMs: number | undefined,
  ): void {
    const category = signal?.aborted === true ? abortCategory(signal) : categoryOf(this.options, error);
    this.failed(generation, category, error, durationMs);
  }

  /** Counts a slow call and records its duration, when measured. */
  #measured(outcome: CallOutcome, category: ErrorCategory | null, durationMs: number | undefined): void {
    if (isSlowCall(this.options.config, category, durationMs)) {
      this.counts.slowCalls++;
      if (outcome !== 'ignored') this.counts.countedSlowCalls++;
      if (outcome === 'success') (this.host ?? this.fleet)?.slowSuccess?.(this.self());
    }
    if (durationMs !== undefined) this.durations?.record(this.tool, outcome, category, durationMs);
  }
}
