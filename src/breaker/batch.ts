/**
 * The runtime's batch: rejections and below-threshold failures the chart would only count,
 * decided without it and sent as one event each, before any other event, any timer, any read.
 */
import type { Actor } from 'xstate';
import type { BreakerMachine } from '../../machines/breaker.machine.js';
import type { BreakerState } from '../../machines/breaker.types.js';
import type { ErrorCategory } from '../../machines/categories.js';

/** A state that rejects calls. */
export type Rejecting = Exclude<BreakerState, 'closed'>;

/** Counts not yet sent to a breaker's actor. @internal */
export class PendingBatch {
  /** Rejections decided here and not yet sent, the last one's time and the state they were in. */
  rejections = 0;
  rejectedAt = 0;
  rejectedState: Rejecting = 'open';
  /** Counting failures below the threshold in `closed`, not yet sent. */
  failures = 0;
  failureCategory: ErrorCategory = 'execution_error';
  failureGeneration = 0;
  failureAt = 0;

  /** True when nothing waits to be sent. */
  get empty(): boolean {
    return this.rejections === 0 && this.failures === 0;
  }

  /** Adds a rejection decided in `state` at `at` (flush first when `state` changed); true when it is the first. */
  addRejection(state: Rejecting, at: number): boolean {
    const first = this.empty;
    this.rejections++;
    this.rejectedAt = at;
    this.rejectedState = state;
    return first;
  }

  /** Adds a counting failure below the threshold; true when it is the first thing batched. */
  addFailure(generation: number, category: ErrorCategory, at: number): boolean {
    const first = this.empty;
    this.failures++;
    this.failureCategory = category;
    this.failureGeneration = generation;
    this.failureAt = at;
    return first;
  }

  /** Sends the batched failures, then the batched rejections, to `actor`; empties the batch. */
  sendTo(actor: Actor<BreakerMachine>): void {
    if (this.failures > 0) {
      const count = this.failures;
      this.failures = 0;
      actor.send({
        type: 'call.failed',
        generation: this.failureGeneration,
        category: this.failureCategory,
        at: this.failureAt,
        count,
        // Each was recorded in the window when it settled.
        ...(actor.getSnapshot().context.window === null ? {} : { inWindow: true }),
      });
    }
    if (this.rejections > 0) {
      const count = this.rejections;
      this.rejections = 0;
      actor.send({ type: 'call.rejected', state: this.rejectedState, count, at: this.rejectedAt });
    }
  }
}
