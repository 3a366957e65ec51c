/**
 * The guarded-call API, the hot path read top to bottom: `execute()` admits (`#admission`),
 * calls, and settles (`#succeeded` / `#failed`). What the chart would only count or record
 * is decided here with the chart's own functions; everything else goes to the chart.
 */
import type { Actor } from 'xstate';
import type { BreakerMachine } from '../../machines/breaker.machine.js';
import { isErrorCategory } from '../../machines/categories.js';
import { unrefClock } from '../clock.js';
import type { BreakerStoppedError, BrokenCircuitError } from '../errors.js';
import { executeOptionsProblem } from '../option-checks.js';
import type { Rejecting } from './batch.js';
import { CallHandlers, thenOf } from './call-handlers.js';
import { categoryOf } from './callee.js';
import { stateName } from './diagnostics.js';
import { BreakerSettlement } from './settlement.js';
import { quietRing } from './window.js';
import { BreakerPermit, type Permit } from './permit.js';
import { rejectionError, rejectsWithoutChange } from './rejection.js';
import {
  callTimeout,
  callWithTimeout,
  NEVER_ABORTED,
  type ExecuteOptions,
  type TimedCallOutcome,
} from './timeout.js';

/**
 * A circuit breaker: an XState actor running `breakerMachine`, and the guarded-call API.
 *
 * The machine is the one source of truth. The runtime only skips sending events the
 * machine would ignore, and batches the rejections and the below-threshold failures it would
 * only count (flushed before any other event, before any timer fires and whenever state is
 * read), unless an inspector (or, for rejections, a `rejected` listener) wants each one.
 * A closed breaker, standalone or in a registry, may be dormant: no actor, its state a plain
 * context changed only through the chart's own closed-state functions, until the chart has work.
 */
export class Breaker extends BreakerSettlement {
  /** A standalone breaker's settle handlers for calls without a signal, made once per generation. */
  #handlers: CallHandlers | undefined;
  /** Whether the call `#admission()` last admitted is a probe (read once, right after it). */
  #probe = false;

  /**
   * Runs `fn` if the breaker admits the call, and records its outcome. Rejects at once
   * with a `BrokenCircuitError` when not admitted; otherwise settles as `fn` does, with
   * the caller's own error rethrown unchanged, or rejects with a `TimeoutError` DOMException
   * when `timeoutMs` elapses first. `fn` always gets an AbortSignal (the caller's, a timeout's,
   * or one that never aborts).
   */
  execute<T>(fn: (signal: AbortSignal) => T | PromiseLike<T>, options?: ExecuteOptions): Promise<Awaited<T>> {
    // The shortest path, kept small enough for V8 to inline into the caller: a closed breaker's
    // call without options, settled by the handlers made for its generation (see `#inQuietLane`).
    const handlers = this.#handlers;
    if (options !== undefined || handlers === undefined || !this.#inQuietLane(handlers.generation))
      return this.#execute(fn, options);
    this.counts.calls++;
    let pending: T | PromiseLike<T>;
    try {
      pending = fn(NEVER_ABORTED);
    } catch (error) {
      // Not a function (calling it threw a TypeError): not a call, `#execute` rejects it uncounted.
      if (typeof fn !== 'function') {
        this.counts.calls--;
        return this.#execute(fn, options);
      }
      return this.#threw(handlers.generation, error);
    }
    return thenOf(pending, handlers.succeeded, handlers.failed);
  }

  /** `execute()` in full: checks the options, admits, calls (cut at a timeout, if any) and settles. */
  #execute<T>(
    fn: (signal: AbortSignal) => T | PromiseLike<T>,
    options?: ExecuteOptions,
  ): Promise<Awaited<T>> {
    if (typeof fn !== 'function') {
      // A programming error, not an outcome of the dependency: nothing is admitted or counted.
      return Promise.reject(new TypeError(`tripstate: execute() needs a function, got ${typeof fn}`));
    }
    if (options !== undefined) {
      const problem = executeOptionsProblem(options);
      if (problem !== undefined) return Promise.reject(problem);
    }
    const signal = options?.signal;
    const timeoutMs = callTimeout(options?.timeoutMs, this.options.timeoutMs);
    if (timeoutMs instanceof RangeError) return Promise.reject(timeoutMs);
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    const generation = this.#admission();
    if (generation < 0) {
      this.counts.rejections++;
      return Promise.reject(this.#rejection());
    }
    this.counts.calls++;
    const probe = this.#probe;
    if (timeoutMs !== null || probe) {
      const limit = probe
        ? Math.min(timeoutMs ?? Infinity, this.config.probeTimeoutMs)
        : (timeoutMs as number);
      return this.#timedCall(fn, generation, signal, limit);
    }
    const startedAt = this.measuresDurations ? this.now() : undefined;
    let pending: T | PromiseLike<T>;
    try {
      pending = fn(signal ?? NEVER_ABORTED);
    } catch (error) {
      return this.#threw(generation, error, signal, this.elapsedSince(startedAt));
    }
    // One `then` on the callee's own promise: no async wrapper, no extra promise per call.
    if (signal === undefined && this.host === undefined && startedAt === undefined) {
      // Without a signal the handlers depend on the generation alone: a standalone breaker keeps
      // them (about 0.2 KiB beside its actor's KiBs) instead of making two closures per call. A
      // registry's breaker, maybe one of 100,000 dormant ones, does not: it would double its heap.
      let handlers = this.#handlers;
      if (handlers?.generation !== generation) this.#handlers = handlers = this.#handlersFor(generation);
      return thenOf(pending, handlers.succeeded, handlers.failed);
    }
    return thenOf(
      pending,
      (value) => {
        this.succeeded(generation, this.elapsedSince(startedAt));
        return value;
      },
      (error: unknown) => {
        this.failedCall(generation, error, signal, this.elapsedSince(startedAt));
        throw error;
      },
    );
  }

  /**
   * Whether a call without options may skip every check, settled by the handlers made for
   * `generation` (made by a first call through `#execute`, which makes them only for a standalone
   * breaker without `timeoutMs`): the breaker is not stopped, measures no durations, and is
   * closed (dormant, or its actor in `closed`) in that generation. Else the full path decides.
   */
  #inQuietLane(generation: number): boolean {
    // `=== true`: one compare each, where a plain truthiness test of a field checks every falsy kind.
    if (this.isStopped === true || this.measuresDurations === true) return false;
    const actor = this.runningActor;
    if (actor === undefined) return generation === this.dormantContext.generation;
    const { value, context } = actor.getSnapshot();
    return value === 'closed' && generation === context.generation;
  }

  /** A call admitted in `generation` whose `fn` threw synchronously (after `durationMs`, when measured). */
  #threw(generation: number, error: unknown, signal?: AbortSignal, durationMs?: number): Promise<never> {
    this.failedCall(generation, error, signal, durationMs);
    // The callee's thrown value, unchanged, whatever it is.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    return Promise.reject(error);
  }

  /** A non-throwing gate: a permit when the call is admitted, undefined when rejected. */
  tryAcquire(): Permit | undefined {
    const generation = this.#admission();
    if (generation < 0) {
      this.counts.rejections++;
      return undefined;
    }
    this.counts.calls++;
    return new BreakerPermit(generation, this, this.measuresDurations ? this.now() : undefined);
  }

  /** Records the outcome of a permit. @internal */
  report(
    generation: number,
    outcome: 'success' | 'failure' | 'release',
    error?: unknown,
    durationMs?: number,
  ): void {
    if (outcome === 'success') return this.succeeded(generation, durationMs);
    if (outcome === 'release') return this.released(generation);
    const category = isErrorCategory(error) ? error : categoryOf(this.options, error);
    this.failed(generation, category, isErrorCategory(error) ? undefined : error, durationMs);
  }

  /** Milliseconds since `startedAt` (epoch ms), or undefined when durations are not measured. @internal */
  elapsedSince(startedAt: number | undefined): number | undefined {
    return startedAt === undefined ? undefined : Math.max(0, this.now() - startedAt);
  }

  /**
   * The generation a call is admitted in, or -1 when rejected. Sets `#probe`: a call admitted
   * outside `closed` is a probe (the chart admits it into `halfOpen.probing` only).
   */
  #admission(): number {
    this.#probe = false;
    if (this.isStopped) return -1;
    const actor = this.runningActor;
    if (actor === undefined) return this.dormantContext.generation;
    const snapshot = actor.getSnapshot();
    if (snapshot.value === 'closed') return snapshot.context.generation;
    this.#probe = true;
    return this.#admit(actor);
  }

  /** Admission outside `closed`: the generation admitted in, or -1 when rejected. */
  #admit(actor: Actor<BreakerMachine>): number {
    if (this.isStopped) return -1;
    const at = this.now();
    const { value, context } = actor.getSnapshot();
    const state = stateName(value);
    if (this.batching && this.listeners.rejected === 0 && rejectsWithoutChange(state, context, at)) {
      if (this.batch.rejections > 0 && this.batch.rejectedState !== state) this.flush();
      if (this.batch.addRejection(state as Rejecting, at)) this.host?.batching(this);
      return -1;
    }
    this.flush();
    const denied = actor.getSnapshot().context.deniedRequests;
    actor.send({ type: 'call.requested', at });
    const after = actor.getSnapshot().context;
    return after.deniedRequests === denied ? after.generation : -1;
  }

  /** The error a rejected `execute()` rejects with. */
  #rejection(): BrokenCircuitError | BreakerStoppedError {
    const actor = this.runningActor;
    if (actor === undefined || this.isStopped)
      return rejectionError(this.tool, this.isStopped, undefined, this.now);
    const { value, context } = actor.getSnapshot();
    return rejectionError(this.tool, false, { state: stateName(value), context }, this.now);
  }

  /** The settle handlers of calls admitted in `generation` without a signal. */
  #handlersFor(generation: number): CallHandlers {
    // The breaker's configuration (the context's, for a standalone breaker) is fixed: read once.
    const ring = quietRing(this.config);
    return new CallHandlers(
      generation,
      (value) => {
        this.quietSucceeded(generation, ring);
        return value;
      },
      (error) => {
        this.failedCall(generation, error, undefined, undefined);
        throw error;
      },
    );
  }

  /** A call cut at `timeoutMs` milliseconds: it then rejects with a TimeoutError and counts as `timeout`. */
  #timedCall<T>(
    fn: (signal: AbortSignal) => T | PromiseLike<T>,
    generation: number,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<Awaited<T>> {
    const startedAt = this.measuresDurations ? this.now() : undefined;
    return callWithTimeout(
      fn,
      signal,
      timeoutMs,
      this.options.clock ?? unrefClock,
      this.#settles(generation, startedAt),
    );
  }

  /** How a timed call or a health check admitted in `generation` at `startedAt` settles. */
  #settles(generation: number, startedAt: number | undefined): TimedCallOutcome {
    return {
      succeeded: () => this.succeeded(generation, this.elapsedSince(startedAt)),
      failed: (error, fnSignal) => this.failedCall(generation, error, fnSignal, this.elapsedSince(startedAt)),
      timedOut: () => this.failed(generation, 'timeout', undefined, this.elapsedSince(startedAt)),
    };
  }

  /** Runs the health check as the probe admitted in `generation`; its outcome counts as a call's. */
  protected runHealthCheck(generation: number): void {
    // After the transition that started it, so the chart's probe timeout is armed first.
    queueMicrotask(() => this.#startHealthCheck(generation));
  }

  #startHealthCheck(generation: number): void {
    if (this.isStopped || this.runningActor?.getSnapshot().context.generation !== generation) return;
    const startedAt = this.measuresDurations ? this.now() : undefined;
    this.healthChecks?.run(this.#settles(generation, startedAt));
  }
}
