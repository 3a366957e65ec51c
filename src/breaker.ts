import { createActor, type Actor, type AnyActorRef, type Snapshot, type SnapshotFrom } from 'xstate';
import { breakerMachine, initialBreakerContext, type BreakerMachine } from '../machines/breaker.machine.js';
import {
  countsAsFailure,
  hasProbeSlot,
  isBackoffElapsed,
  isSlowCall,
  reachesThreshold,
  remainingBackoff,
  withFailureRecorded,
  withFailuresCleared,
} from '../machines/breaker.logic.js';
import { diagnosticsOf, stateName, type BreakerDiagnostics } from './breaker/diagnostics.js';
import { HealthCheckRunner } from './breaker/health-check.js';
import { BreakerPermit, type Permit } from './breaker/permit.js';
import { BREAKER_EVENT_TYPES, checkListener, type BreakerEventMap, type Listener } from './breaker/events.js';
import { CallHandlers, measured } from './breaker/call-handlers.js';
import { callTimeout, callWithTimeout, NEVER_ABORTED, type ExecuteOptions } from './breaker/timeout.js';
import { outcomeOf, recordInPlace, tripsWindow } from './breaker/window.js';
import { isErrorCategory, type ErrorCategory } from '../machines/categories.js';
import type {
  BreakerConfig,
  BreakerContext,
  BreakerEmitted,
  BreakerState,
} from '../machines/breaker.types.js';
import { abortCategory } from './classify.js';
import { checkBreakerArgument, executeOptionsProblem } from './option-checks.js';
import { clockRunningFirst, unrefClock } from './clock.js';
import { BreakerStoppedError, BrokenCircuitError, IsolatedCircuitError, withoutStack } from './errors.js';
import { resolveBreakerOptions, type BreakerOptions, type ResolvedBreakerOptions } from './options.js';
import { CallCounts, type BreakerStats, type CallOutcome } from './stats.js';
import {
  DurationRecorder,
  DurationSinks,
  type DurationHistogram,
  type DurationListener,
} from './durations.js';
import {
  liveContext,
  persistedContext,
  restoreBreakerSnapshot,
  type LiveBreakerSnapshot,
  type PersistedBreakerSnapshot,
} from './snapshot.js';

export { diagnosticsOf, stateName, type BreakerDiagnostics, type Permit };
export { BREAKER_EVENT_TYPES, checkListener, type BreakerEventMap } from './breaker/events.js';
export type { ExecuteOptions } from './breaker/timeout.js';

type BreakerSnapshot = SnapshotFrom<BreakerMachine>;
type Rejecting = Exclude<BreakerState, 'closed'>;

/** What owns a breaker's actor (a registry): one object shared by all its breakers. @internal */
export interface BreakerHost {
  /** The parent of every breaker actor (which alone can stop them). */
  readonly parent: AnyActorRef;
  /** Called once the breaker has an actor. */
  adopt(breaker: Breaker): void;
  /** Stops the breaker's actor. */
  stopActor(breaker: Breaker, actor: Actor<BreakerMachine>): void;
  /** The breaker holds a batch that must be flushed (`breaker.flush()`) before any timer fires. */
  batching(breaker: Breaker): void;
  /** A listener of the breaker's `type` event threw `error`. */
  listenerThrew(breaker: Breaker, type: string, error: unknown): void;
}

/** How a registry places a breaker. @internal */
export interface ActorPlacement {
  readonly tool?: string;
  /** A persisted snapshot of unknown origin, validated before use. */
  readonly snapshot?: unknown;
  /** A context known to be valid (closed state): the breaker starts dormant, without an actor. */
  readonly dormant?: BreakerContext;
  readonly host?: BreakerHost;
}

/** Would the machine answer `call.requested` at `at` only by counting a rejection? */
function rejectsWithoutChange(state: BreakerState, context: BreakerContext, at: number): boolean {
  if (state === 'open') return !isBackoffElapsed(context, at);
  if (state === 'halfOpen') return !hasProbeSlot(context);
  return state === 'isolated';
}

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
export class Breaker {
  /** The registry's tool name, if any. */
  readonly tool: string | undefined;
  readonly #options: ResolvedBreakerOptions;
  readonly #host: BreakerHost | undefined;
  readonly #now: () => number;
  readonly #batching: boolean;
  /** The running actor; undefined while dormant (closed, with `#context` as its whole state). */
  #actor: Actor<BreakerMachine> | undefined;
  #context: BreakerContext;
  #stopped = false;
  #listeners: Set<Listener> | undefined;
  #rejectedListeners = 0;
  /** Rejections decided here and not yet sent (the chart would only count them). */
  #pending = 0;
  #pendingAt = 0;
  #pendingState: Rejecting = 'open';
  /** Counting failures below the threshold in `closed`, not yet sent (the chart would only count them). */
  #pendingFailures = 0;
  #pendingFailureCategory: ErrorCategory = 'execution_error';
  #pendingFailureGeneration = 0;
  #pendingFailureAt = 0;
  /** A standalone breaker's settle handlers for calls without a signal, made once per generation. */
  #handlers: CallHandlers | undefined;
  /** Cumulative call counts (`stats()`). */
  readonly #counts = new CallCounts();
  /**
   * True when outcomes carry their duration (a slow-call rule needs it): the one switch that
   * makes the hot path read the clock at admission and settlement. @internal
   */
  measuresDurations: boolean;
  /** Durations by outcome, once metrics asked for them. */
  #durations: DurationRecorder | undefined;
  /** A standalone breaker's own duration observers. */
  #ownSinks: DurationSinks | undefined;
  /** Runs the health check as the probe when half-open waits for no caller; null without one. */
  readonly #healthChecks: HealthCheckRunner | null;

  constructor(options: BreakerOptions | ResolvedBreakerOptions = {}, placement: ActorPlacement = {}) {
    this.#options = 'config' in options ? options : resolveBreakerOptions(options);
    const { config, clock, inspect } = this.#options;
    this.tool = placement.tool;
    this.#host = placement.host;
    this.#now = clock?.now ? () => (clock.now as () => number)() : Date.now;
    this.#batching = inspect === undefined;
    this.measuresDurations = config.window !== null && config.slowCallDurationMs !== null;
    const { healthCheck } = this.#options;
    this.#healthChecks =
      healthCheck === null
        ? null
        : new HealthCheckRunner(healthCheck, clock ?? unrefClock, config.probeTimeoutMs);
    this.#context = placement.dormant ?? initialBreakerContext(config);
    if (placement.dormant !== undefined) return;
    const snapshot =
      placement.snapshot === undefined
        ? undefined
        : restoreBreakerSnapshot(placement.snapshot, config, this.#now());
    if (snapshot === undefined || snapshot.value === 'closed') {
      // Closed: dormant until the chart has work (as if `closed` had just been entered), unless watched.
      this.#context =
        snapshot === undefined ? { ...this.#context, generation: 1 } : liveContext(snapshot.context);
      if (inspect !== undefined) this.#spawn('dormant');
    } else {
      this.#context = liveContext(snapshot.context);
      const live: LiveBreakerSnapshot = { ...snapshot, context: this.#context };
      this.#spawn(live);
      this.#rearm(live);
    }
  }

  /** The running XState actor, for embedding and inspection (a dormant breaker gets one now). */
  get actor(): Actor<BreakerMachine> {
    return this.#actor ?? this.#spawn('dormant');
  }

  /** True while the breaker has no actor: closed, its state a plain context. @internal */
  get dormant(): boolean {
    return this.#actor === undefined;
  }

  /** Creates and starts the actor: fresh, from a restored snapshot, or from the dormant context. */
  #spawn(from: LiveBreakerSnapshot | 'fresh' | 'dormant'): Actor<BreakerMachine> {
    const { config, clock, inspect } = this.#options;
    const persisted = from === 'fresh' ? undefined : from === 'dormant' ? this.#dormantSnapshot() : from;
    const host = this.#host;
    // The actor's timers: batches are flushed before any timer's transition. A hosted actor
    // runs on its host's system clock, which flushes every batching breaker of the host.
    const timers =
      host === undefined ? clockRunningFirst(clock ?? unrefClock, () => this.#flush()) : undefined;
    const actor = createActor(breakerMachine, {
      input: { config },
      ...(timers === undefined ? {} : { clock: timers }),
      ...(inspect === undefined ? {} : { inspect }),
      ...(persisted === undefined ? {} : { snapshot: persisted as unknown as Snapshot<unknown> }),
      ...(host === undefined ? {} : { parent: host.parent, id: this.tool }),
    });
    this.#actor = actor;
    const counts = this.#counts;
    actor.on('*', (event) => counts.transition(event));
    for (const listener of this.#listeners ?? []) listener.off = this.#attach(actor, listener);
    if (this.#healthChecks !== null) {
      actor.on('healthCheckStarted', ({ generation }) => this.#runHealthCheck(generation));
    }
    actor.start();
    host?.adopt(this);
    return actor;
  }

  #attach(actor: Actor<BreakerMachine>, listener: Listener): () => void {
    const subscription = actor.on(listener.type, listener.fn);
    return () => subscription.unsubscribe();
  }

  #dormantSnapshot(): LiveBreakerSnapshot {
    return { status: 'active', value: 'closed', context: this.#context, historyValue: {}, children: {} };
  }

  /** The configuration this breaker runs with. */
  get config(): BreakerConfig {
    return this.#options.config;
  }

  /** The current state: `closed`, `open`, `halfOpen` or `isolated`. */
  get state(): BreakerState {
    const actor = this.#actor;
    return actor === undefined ? 'closed' : stateName(actor.getSnapshot().value);
  }

  /**
   * Runs `fn` if the breaker admits the call, and records its outcome. Rejects at once
   * with a `BrokenCircuitError` when not admitted; otherwise settles as `fn` does, with
   * the caller's own error rethrown unchanged, or rejects with a `TimeoutError` DOMException
   * when `timeoutMs` elapses first. `fn` always gets an AbortSignal (the caller's, a timeout's,
   * or one that never aborts).
   */
  execute<T>(fn: (signal: AbortSignal) => T | PromiseLike<T>, options?: ExecuteOptions): Promise<Awaited<T>> {
    if (typeof fn !== 'function') {
      // A programming error, not an outcome of the dependency: nothing is admitted or counted.
      return Promise.reject(new TypeError(`tripstate: execute() needs a function, got ${typeof fn}`));
    }
    if (options !== undefined) {
      const problem = executeOptionsProblem(options);
      if (problem !== undefined) return Promise.reject(problem);
    }
    const signal = options?.signal;
    const timeoutMs = callTimeout(options?.timeoutMs, this.#options.timeoutMs);
    if (timeoutMs instanceof RangeError) return Promise.reject(timeoutMs);
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    const generation = this.#admission();
    if (generation < 0) {
      this.#counts.rejections++;
      return Promise.reject(this.#rejection());
    }
    this.#counts.calls++;
    const probe = this.#actor !== undefined && this.#actor.getSnapshot().value !== 'closed';
    if (timeoutMs !== null || probe) {
      const limit = probe
        ? Math.min(timeoutMs ?? Infinity, this.config.probeTimeoutMs)
        : (timeoutMs as number);
      return this.#timedCall(fn, generation, signal, limit);
    }
    const startedAt = this.measuresDurations ? this.#now() : undefined;
    let pending: T | PromiseLike<T>;
    try {
      pending = fn(signal ?? NEVER_ABORTED);
    } catch (error) {
      this.#failedCall(generation, error, signal, this.elapsedSince(startedAt));
      // The callee's thrown value, unchanged, whatever it is.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject(error);
    }
    // One `then` on the callee's own promise: no async wrapper, no extra promise per call.
    if (signal === undefined && this.#host === undefined && startedAt === undefined) {
      // Without a signal the handlers depend on the generation alone: a standalone breaker keeps
      // them (about 0.2 KiB beside its actor's KiBs) instead of making two closures per call. A
      // registry's breaker, maybe one of 100,000 dormant ones, does not: it would double its heap.
      let handlers = this.#handlers;
      if (handlers?.generation !== generation) this.#handlers = handlers = this.#handlersFor(generation);
      return Promise.resolve(pending).then(handlers.succeeded, handlers.failed);
    }
    return Promise.resolve(pending).then(
      (value) => {
        this.#succeeded(generation, this.elapsedSince(startedAt));
        return value;
      },
      (error: unknown) => {
        this.#failedCall(generation, error, signal, this.elapsedSince(startedAt));
        throw error;
      },
    );
  }

  /** Runs the health check as the probe admitted in `generation`; its outcome counts as a call's. */
  #runHealthCheck(generation: number): void {
    // After the transition that started it, so the chart's probe timeout is armed first.
    queueMicrotask(() => this.#startHealthCheck(generation));
  }

  #startHealthCheck(generation: number): void {
    if (this.#stopped || this.#actor?.getSnapshot().context.generation !== generation) return;
    const startedAt = this.measuresDurations ? this.#now() : undefined;
    this.#healthChecks?.run({
      succeeded: () => this.#succeeded(generation, this.elapsedSince(startedAt)),
      failed: (error, signal) => this.#failedCall(generation, error, signal, this.elapsedSince(startedAt)),
      timedOut: () => this.#failed(generation, 'timeout', undefined, this.elapsedSince(startedAt)),
    });
  }

  /** A call cut at `timeoutMs` milliseconds: it then rejects with a TimeoutError and counts as `timeout`. */
  #timedCall<T>(
    fn: (signal: AbortSignal) => T | PromiseLike<T>,
    generation: number,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<Awaited<T>> {
    const startedAt = this.measuresDurations ? this.#now() : undefined;
    return callWithTimeout(fn, signal, timeoutMs, this.#options.clock ?? unrefClock, {
      succeeded: () => this.#succeeded(generation, this.elapsedSince(startedAt)),
      failed: (error, fnSignal) =>
        this.#failedCall(generation, error, fnSignal, this.elapsedSince(startedAt)),
      timedOut: () => this.#failed(generation, 'timeout', undefined, this.elapsedSince(startedAt)),
    });
  }

  /** Milliseconds since `startedAt` (epoch ms), or undefined when durations are not measured. @internal */
  elapsedSince(startedAt: number | undefined): number | undefined {
    return startedAt === undefined ? undefined : Math.max(0, this.#now() - startedAt);
  }

  /** The settle handlers of calls admitted in `generation` without a signal. */
  #handlersFor(generation: number): CallHandlers {
    return new CallHandlers(
      generation,
      (value) => {
        this.#succeeded(generation);
        return value;
      },
      (error) => {
        this.#failedCall(generation, error, undefined, undefined);
        throw error;
      },
    );
  }

  /** A failure after the caller's signal aborted is `cancelled`, or `timeout` when it timed out. */
  #failedCall(
    generation: number,
    error: unknown,
    signal: AbortSignal | undefined,
    durationMs: number | undefined,
  ): void {
    const category = signal?.aborted === true ? abortCategory(signal) : this.#classify(error);
    this.#failed(generation, category, error, durationMs);
  }

  /** A non-throwing gate: a permit when the call is admitted, undefined when rejected. */
  tryAcquire(): Permit | undefined {
    const generation = this.#admission();
    if (generation < 0) {
      this.#counts.rejections++;
      return undefined;
    }
    this.#counts.calls++;
    return new BreakerPermit(generation, this, this.measuresDurations ? this.#now() : undefined);
  }

  /** The generation a call is admitted in, or -1 when rejected. */
  #admission(): number {
    if (this.#stopped) return -1;
    const actor = this.#actor;
    if (actor === undefined) return this.#context.generation;
    const snapshot = actor.getSnapshot();
    return snapshot.value === 'closed' ? snapshot.context.generation : this.#admit(actor);
  }

  /** Records the outcome of a permit. @internal */
  report(
    generation: number,
    outcome: 'success' | 'failure' | 'release',
    error?: unknown,
    durationMs?: number,
  ): void {
    if (outcome === 'success') return this.#succeeded(generation, durationMs);
    if (outcome === 'release') return this.#released(generation);
    const category = isErrorCategory(error) ? error : this.#classify(error);
    this.#failed(generation, category, isErrorCategory(error) ? undefined : error, durationMs);
  }

  /** Calls admitted and not yet settled (a registry never evicts a tool with calls in flight). @internal */
  get inFlight(): number {
    return this.#counts.inFlight;
  }

  /** Cumulative counts of this breaker's calls, outcomes, rejections and transitions (see `BreakerStats`). */
  stats(): BreakerStats {
    return this.#counts.read();
  }

  /**
   * Measures every call's duration (into `durationHistogram`, and `listener` if given) until
   * the returned function is called. For metrics exporters. @internal
   */
  measureDurations(listener?: DurationListener): () => void {
    const sinks = (this.#ownSinks ??= new DurationSinks());
    sinks.observers++;
    if (listener !== undefined) sinks.listeners.add(listener);
    this.attachDurations(sinks);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      sinks.observers--;
      if (listener !== undefined) sinks.listeners.delete(listener);
      if (sinks.observers === 0) this.detachDurations();
    };
  }

  /** Measures durations into `sinks` (a registry's, shared by its breakers). @internal */
  attachDurations(sinks: DurationSinks): void {
    this.#durations ??= new DurationRecorder(sinks);
    this.measuresDurations = true;
  }

  /** Stops measuring durations unless a slow-call rule needs them. @internal */
  detachDurations(): void {
    const { window, slowCallDurationMs } = this.#options.config;
    this.measuresDurations = window !== null && slowCallDurationMs !== null;
  }

  /** The measured durations of one outcome; undefined unless durations were ever measured. @internal */
  durationHistogram(outcome: CallOutcome): DurationHistogram | undefined {
    return this.#durations?.histogram(outcome);
  }

  /** Counts a slow call and records its duration, when measured. */
  #measured(outcome: CallOutcome, category: ErrorCategory | null, durationMs: number | undefined): void {
    if (isSlowCall(this.#options.config, category, durationMs)) this.#counts.slowCalls++;
    if (durationMs !== undefined) this.#durations?.record(this.tool, outcome, category, durationMs);
  }

  /** Diagnostics of the circuit, read at this instant. */
  diagnostics(): BreakerDiagnostics {
    const { value, context } = this.getSnapshot();
    return diagnosticsOf(stateName(value), context, this.#now());
  }

  /**
   * Subscribes to one of the breaker's events; returns the function that unsubscribes. A
   * listener that throws changes nothing in the breaker: the error goes to the registry's
   * `warning` event, or for a breaker of its own to `console.error`. Throws a TypeError for an
   * unknown event name or a listener that is not a function.
   */
  on<K extends keyof BreakerEventMap>(type: K, listener: (event: BreakerEventMap[K]) => void): () => void {
    checkListener('breaker', BREAKER_EVENT_TYPES, type, listener);
    const fn = (event: BreakerEmitted): void => {
      try {
        (listener as (event: BreakerEmitted) => void)(event);
      } catch (error) {
        if (this.#host) this.#host.listenerThrew(this, type, error);
        else console.error(`tripstate: a breaker ${type} listener threw`, error);
      }
    };
    const entry: Listener = { type, fn };
    if (this.#actor !== undefined) entry.off = this.#attach(this.#actor, entry);
    (this.#listeners ??= new Set()).add(entry);
    if (type === 'rejected') this.#rejectedListeners++;
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      if (type === 'rejected') this.#rejectedListeners--;
      this.#listeners?.delete(entry);
      entry.off?.();
    };
  }

  /** Closes the circuit and clears every counter. Results of calls admitted before are ignored. */
  reset(): void {
    this.#send({ type: 'breaker.reset', at: this.#now() });
  }

  /** Forces the circuit open until `release()` (or `reset()`): every call is rejected. */
  isolate(): void {
    this.#send({ type: 'breaker.isolate', at: this.#now() });
  }

  /** Ends an isolation: the circuit closes with its failure count cleared. */
  release(): void {
    // A dormant breaker is closed, where the chart ignores `breaker.release`: nothing to wake.
    if (this.#actor === undefined) return;
    this.#send({ type: 'breaker.release', at: this.#now() });
  }

  /** The machine's snapshot, with batched rejections counted. */
  getSnapshot(): BreakerSnapshot {
    const actor = this.#actor;
    if (actor === undefined) return breakerMachine.resolveState({ value: 'closed', context: this.#context });
    this.#flush();
    return actor.getSnapshot();
  }

  /** A JSON-serialisable snapshot; `createBreaker({ snapshot })` restores it, re-arming timers. */
  getPersistedSnapshot(): PersistedBreakerSnapshot {
    const actor = this.#actor;
    this.#flush();
    const live =
      actor === undefined
        ? this.#dormantSnapshot()
        : (actor.getPersistedSnapshot() as unknown as LiveBreakerSnapshot);
    return { ...live, context: persistedContext(live.context) };
  }

  /**
   * Stops the actor and its timers. Afterwards `execute()` rejects with a `BreakerStoppedError`,
   * `tryAcquire()` returns undefined, and results of calls admitted before are ignored.
   */
  stop(): void {
    if (this.#stopped) return;
    this.#flush();
    this.#stopped = true;
    this.#healthChecks?.stop();
    const actor = this.#actor;
    if (actor === undefined) return;
    if (this.#host) this.#host.stopActor(this, actor);
    else actor.stop();
  }

  /** Consecutive trip-counting failures counted in `closed`. */
  get failureCount(): number {
    const actor = this.#actor;
    return actor === undefined
      ? this.#context.failureCount
      : actor.getSnapshot().context.failureCount + this.#pendingFailures;
  }

  /** True once `stop()` was called. */
  get stopped(): boolean {
    return this.#stopped;
  }

  #rearm(snapshot: LiveBreakerSnapshot): void {
    const value = snapshot.value;
    if (typeof value === 'object' && ('open' in value || value.halfOpen === 'probing')) {
      this.actor.send({ type: 'breaker.rearm', at: this.#now() });
    }
  }

  /** Admission outside `closed`: the generation admitted in, or -1 when rejected. */
  #admit(actor: Actor<BreakerMachine>): number {
    if (this.#stopped) return -1;
    const at = this.#now();
    const { value, context } = actor.getSnapshot();
    const state = stateName(value);
    if (this.#batching && this.#rejectedListeners === 0 && rejectsWithoutChange(state, context, at)) {
      if (this.#pending > 0 && this.#pendingState !== state) this.#flush();
      if (this.#pending === 0 && this.#pendingFailures === 0) this.#host?.batching(this);
      this.#pending++;
      this.#pendingAt = at;
      this.#pendingState = state as Rejecting;
      return -1;
    }
    this.#flush();
    const denied = actor.getSnapshot().context.deniedRequests;
    actor.send({ type: 'call.requested', at });
    const after = actor.getSnapshot().context;
    return after.deniedRequests === denied ? after.generation : -1;
  }

  /** The error a rejected `execute()` rejects with: stackless, since rejections are control flow. */
  #rejection(): BrokenCircuitError | BreakerStoppedError {
    if (this.#stopped) return new BreakerStoppedError(this.tool);
    if (this.#actor === undefined) return withoutStack(() => new BrokenCircuitError('open', null, this.tool));
    const { value, context } = this.#actor.getSnapshot();
    const state = stateName(value);
    if (state === 'isolated') return withoutStack(() => new IsolatedCircuitError(this.tool));
    const remaining = remainingBackoff(context, this.#now());
    return withoutStack(() => new BrokenCircuitError(state as Rejecting, remaining, this.tool));
  }

  #succeeded(generation: number, durationMs?: number): void {
    this.#counts.successes++;
    this.#measured('success', null, durationMs);
    const actor = this.#actor;
    if (actor === undefined) {
      // Dormant means closed: the chart's `clearFailures` and `recordOutcome`, unless a rate trips.
      const context = this.#context;
      if (generation !== context.generation) return;
      if (context.window !== null) {
        const outcome = outcomeOf(context, this.#now(), null, durationMs);
        if (tripsWindow(context, outcome)) return this.#wakeAndSend(generation, null, undefined, durationMs);
        recordInPlace(context, outcome);
      }
      if (context.failureCount > 0) this.#context = withFailuresCleared(context);
      return;
    }
    const { value, context } = actor.getSnapshot();
    if (generation !== context.generation) return;
    if (value === 'closed' && context.failureCount === 0 && this.#pendingFailures === 0) {
      if (context.window === null) return;
      if (this.#batching) {
        // The chart would only run `recordOutcome`: record here, in place, unless a rate trips.
        const outcome = outcomeOf(context, this.#now(), null, durationMs);
        if (!tripsWindow(context, outcome)) return recordInPlace(context, outcome);
      }
    }
    this.#send({ type: 'call.succeeded', generation, at: this.#now(), ...measured(durationMs) });
  }

  #failed(generation: number, category: ErrorCategory, error: unknown, durationMs?: number): void {
    const counted = countsAsFailure(this.#options.config, category);
    this.#counts.failed(category, counted);
    this.#measured(counted ? 'failure' : 'ignored', category, durationMs);
    if (this.#actor === undefined) {
      // Dormant means closed: the chart's `recordFailure` below the thresholds, else wake the actor.
      const context = this.#context;
      if (this.#stopped || generation !== context.generation || !countsAsFailure(context.config, category))
        return;
      const outcome = outcomeOf(context, this.#now(), category, durationMs);
      if (!reachesThreshold(context) && !tripsWindow(context, outcome)) {
        recordInPlace(context, outcome);
        this.#context = withFailureRecorded(context, category, this.#now());
        return;
      }
      this.#spawn('dormant');
    }
    const { value, context } = this.actor.getSnapshot();
    if (generation !== context.generation) return;
    if (value === 'closed') {
      if (!countsAsFailure(context.config, category)) return;
      if (this.#batching && !reachesThreshold(context, this.#pendingFailures + 1)) {
        const outcome = outcomeOf(context, this.#now(), category, durationMs);
        if (!tripsWindow(context, outcome)) {
          // The chart would only run `recordFailure` and `recordOutcome`: record the outcome
          // here, in place, and send the failures as one event later.
          recordInPlace(context, outcome);
          if (this.#pending === 0 && this.#pendingFailures === 0) this.#host?.batching(this);
          this.#pendingFailures++;
          this.#pendingFailureCategory = category;
          this.#pendingFailureGeneration = generation;
          this.#pendingFailureAt = this.#now();
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
    this.#spawn('dormant');
    if (category !== null) return this.#sendFailure(generation, category, error, durationMs);
    this.#send({ type: 'call.succeeded', generation, at: this.#now(), ...measured(durationMs) });
  }

  #sendFailure(generation: number, category: ErrorCategory, error: unknown, durationMs?: number): void {
    const retryAfterMs = error === undefined ? undefined : this.#retryAfter(error);
    this.#send({
      type: 'call.failed',
      generation,
      category,
      at: this.#now(),
      ...(retryAfterMs ? { retryAfterMs } : {}),
      ...measured(durationMs),
    });
  }

  #released(generation: number): void {
    this.#counts.released++;
    if (this.#actor === undefined) return;
    const { value, context } = this.#actor.getSnapshot();
    if (generation !== context.generation || value === 'closed') return;
    this.#send({ type: 'call.released', generation, at: this.#now() });
  }

  #classify(error: unknown): ErrorCategory {
    try {
      const category = this.#options.classify(error);
      return isErrorCategory(category) ? category : 'execution_error';
    } catch {
      return 'execution_error';
    }
  }

  #retryAfter(error: unknown): number | undefined {
    try {
      const ms = this.#options.retryAfter(error, this.#now());
      return typeof ms === 'number' && ms > 0 && Number.isFinite(ms) ? ms : undefined;
    } catch {
      return undefined;
    }
  }

  #send(event: Parameters<Actor<BreakerMachine>['send']>[0]): void {
    if (this.#stopped) return;
    this.#flush();
    this.actor.send(event);
  }

  /** Sends the batched failures and rejections, if any (a host calls it before its timers fire). @internal */
  flush(): void {
    this.#flush();
  }

  /** Sends the batched failures and rejections: before any other event, any timer, any read. */
  #flush(): void {
    const actor = this.#actor;
    if (actor === undefined) return;
    if (this.#pendingFailures > 0) {
      const count = this.#pendingFailures;
      this.#pendingFailures = 0;
      actor.send({
        type: 'call.failed',
        generation: this.#pendingFailureGeneration,
        category: this.#pendingFailureCategory,
        at: this.#pendingFailureAt,
        count,
        // Each was recorded in the window when it settled.
        ...(actor.getSnapshot().context.window === null ? {} : { inWindow: true }),
      });
    }
    if (this.#pending > 0) {
      const count = this.#pending;
      this.#pending = 0;
      actor.send({ type: 'call.rejected', state: this.#pendingState, count, at: this.#pendingAt });
    }
  }
}

/**
 * Creates a circuit breaker. It is dormant (closed, no actor) until its chart has work: the
 * failure that reaches the threshold, `isolate()`, `reset()` or reading `breaker.actor` starts
 * its actor. Throws a RangeError for an invalid option.
 */
export function createBreaker(options: BreakerOptions & { readonly snapshot?: unknown } = {}): Breaker {
  checkBreakerArgument(options);
  const { snapshot, ...rest } = options;
  return new Breaker(rest, { snapshot });
}
