import { createActor, type Actor, type AnyActorRef, type Snapshot, type SnapshotFrom } from 'xstate';
import { breakerMachine, initialBreakerContext, type BreakerMachine } from '../machines/breaker.machine.js';
import {
  countsAsFailure,
  hasProbeSlot,
  isBackoffElapsed,
  reachesThreshold,
  remainingBackoff,
  withFailureRecorded,
  withFailuresCleared,
} from '../machines/breaker.logic.js';
import { ERROR_CATEGORIES, isErrorCategory, type ErrorCategory } from '../machines/categories.js';
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
import {
  nearestName,
  resolveBreakerOptions,
  type BreakerOptions,
  type ResolvedBreakerOptions,
} from './options.js';
import { restoreBreakerSnapshot, type PersistedBreakerSnapshot } from './snapshot.js';

type BreakerSnapshot = SnapshotFrom<BreakerMachine>;
type Rejecting = Exclude<BreakerState, 'closed'>;

/** Options of one guarded call. */
export interface ExecuteOptions {
  /** Passed to the guarded function; a call that fails once it is aborted counts as `cancelled`. */
  readonly signal?: AbortSignal | undefined;
}

/** An admission to make one call, from `tryAcquire()`. Settles once: later calls return false. */
export interface Permit {
  /** The generation of the state the call was admitted in. */
  readonly generation: number;
  /** Reports that the call succeeded. */
  success(): boolean;
  /**
   * Reports that the call failed: with one of the 16 category names, or with the thrown value
   * (an Error or any non-string value, classified by the breaker's `classify`). A string that
   * is not a category name (a misspelt `'invalid_parameter'`) does not compile and throws a
   * TypeError at run time, leaving the permit unsettled.
   */
  failure<E = undefined>(errorOrCategory?: FailureReport<E>): boolean;
  /** Gives the admission back without a result (the call was not made); frees a probe slot. */
  release(): boolean;
}

/**
 * What `permit.failure()` takes: an `ErrorCategory` name, or a thrown value of any type but
 * `string` (a string must be a category name).
 */
export type FailureReport<E> = E & (E extends string ? ErrorCategory : unknown);

/** What a breaker knows about its circuit. Times are epoch milliseconds, durations milliseconds. */
export interface BreakerDiagnostics {
  readonly state: BreakerState;
  /** True while calls are rejected: open or isolated. */
  readonly isOpen: boolean;
  readonly failureCount: number;
  readonly currentBackoffMs: number;
  /** Milliseconds before a probe is admitted; null unless open. 0 means a call is admitted now. */
  readonly remainingBackoffMs: number | null;
  readonly openedAt: number | null;
  readonly openCount: number;
  readonly halfOpenCount: number;
  readonly deniedRequests: number;
  readonly lastDeniedAt: number | null;
  /** Category of the latest trip-counting failure, kept until a newer one (a recovery keeps it; `reset()` clears it). */
  readonly lastErrorCategory: ErrorCategory | null;
  /** Epoch milliseconds of that failure; null before any. */
  readonly lastErrorAt: number | null;
  readonly probesInFlight: number;
  readonly generation: number;
}

/** Payloads of the breaker's events, by name. */
export type BreakerEventMap = {
  readonly [K in BreakerEmitted['type']]: Extract<BreakerEmitted, { type: K }>;
};

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

/** The events a breaker emits. */
export const BREAKER_EVENT_TYPES: readonly (keyof BreakerEventMap)[] = [
  'opened',
  'halfOpened',
  'closed',
  'isolated',
  'rejected',
];

/** Throws a TypeError for an event name not in `types` or a listener that is not a function. @internal */
export function checkListener(
  what: string,
  types: readonly string[],
  type: unknown,
  listener: unknown,
): void {
  if (typeof type !== 'string' || !types.includes(type)) {
    throw new TypeError(
      `tripstate: unknown ${what} event ${JSON.stringify(type)}; one of ${types.join(', ')}`,
    );
  }
  if (typeof listener !== 'function') {
    throw new TypeError(`tripstate: a ${what} ${type} listener must be a function, got ${typeof listener}`);
  }
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

type Listener = {
  readonly type: keyof BreakerEventMap;
  readonly fn: (event: BreakerEmitted) => void;
  off?: () => void;
};

/** What settles the calls a standalone breaker admitted in `generation` without a signal. */
class CallHandlers {
  constructor(
    readonly generation: number,
    readonly succeeded: <V>(value: V) => V,
    readonly failed: (error: unknown) => never,
  ) {}
}

/** The public name of a state value. */
export function stateName(value: BreakerSnapshot['value']): BreakerState {
  if (typeof value === 'string') return value;
  return 'open' in value ? 'open' : 'halfOpen';
}

/** The diagnostics of a breaker in `state` with `context`, read at time `now`. */
export function diagnosticsOf(state: BreakerState, c: BreakerContext, now: number): BreakerDiagnostics {
  return {
    state,
    isOpen: state === 'open' || state === 'isolated',
    failureCount: c.failureCount,
    currentBackoffMs: c.currentBackoffMs,
    remainingBackoffMs: remainingBackoff(c, now),
    openedAt: c.openedAt,
    openCount: c.openCount,
    halfOpenCount: c.halfOpenCount,
    deniedRequests: c.deniedRequests,
    lastDeniedAt: c.lastDeniedAt,
    lastErrorCategory: c.lastErrorCategory,
    lastErrorAt: c.lastErrorAt,
    probesInFlight: c.probesInFlight,
    generation: c.generation,
  };
}

/** Would the machine answer `call.requested` at `at` only by counting a rejection? */
function rejectsWithoutChange(state: BreakerState, context: BreakerContext, at: number): boolean {
  if (state === 'open') return !isBackoffElapsed(context, at);
  if (state === 'halfOpen') return !hasProbeSlot(context);
  return state === 'isolated';
}

/** The TypeError for a string reported as a failure that is not a category name. */
function unknownCategory(value: string): TypeError {
  const shown = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  const near = nearestName(value, ERROR_CATEGORIES);
  return new TypeError(
    `tripstate: permit.failure(${shown}): not an error category${near === undefined ? '' : ` (did you mean ${near}?)`}; ` +
      'pass one of the 16 category names or the thrown value itself (an Error)',
  );
}

class BreakerPermit implements Permit {
  #settled = false;
  constructor(
    readonly generation: number,
    readonly breaker: Breaker,
  ) {}
  success(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.breaker.report(this.generation, 'success');
    return true;
  }
  failure(errorOrCategory?: unknown): boolean {
    if (typeof errorOrCategory === 'string' && !isErrorCategory(errorOrCategory)) {
      throw unknownCategory(errorOrCategory);
    }
    if (this.#settled) return false;
    this.#settled = true;
    this.breaker.report(this.generation, 'failure', errorOrCategory);
    return true;
  }
  release(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.breaker.report(this.generation, 'release');
    return true;
  }
}

/**
 * A circuit breaker: an XState actor running `breakerMachine`, and the guarded-call API.
 *
 * The machine is the one source of truth. The runtime only skips sending events the
 * machine would ignore, and batches the rejections and the below-threshold failures it would
 * only count (flushed before any other event, before any timer fires and whenever state is
 * read), unless an inspector (or, for rejections, a `rejected` listener) wants each one.
 * Inside a registry a closed breaker may be dormant: no actor, its state a plain context
 * changed only through the chart's own closed-state functions, until the chart has work.
 */
export class Breaker {
  /** The registry's tool name, if any. */
  readonly tool: string | undefined;
  /** Set by a registry on every use, cleared by its eviction sweep. @internal */
  recentlyUsed = false;
  readonly #options: ResolvedBreakerOptions;
  readonly #host: BreakerHost | undefined;
  readonly #now: () => number;
  readonly #batching: boolean;
  /** The running actor; undefined while dormant (closed, with `#context` as its whole state). */
  #actor: Actor<BreakerMachine> | undefined;
  #context: BreakerContext;
  #stopped = false;
  #listeners: Listener[] | undefined;
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

  constructor(options: BreakerOptions | ResolvedBreakerOptions = {}, placement: ActorPlacement = {}) {
    this.#options = 'config' in options ? options : resolveBreakerOptions(options);
    const { config, clock, inspect } = this.#options;
    this.tool = placement.tool;
    this.#host = placement.host;
    this.#now = clock?.now ? () => (clock.now as () => number)() : Date.now;
    this.#batching = inspect === undefined;
    this.#context = placement.dormant ?? initialBreakerContext(config);
    if (placement.dormant !== undefined) return;
    const snapshot =
      placement.snapshot === undefined ? undefined : restoreBreakerSnapshot(placement.snapshot, config);
    if (snapshot === undefined) {
      this.#spawn('fresh');
    } else {
      this.#context = snapshot.context;
      this.#spawn(snapshot);
      this.#rearm(snapshot);
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
  #spawn(from: PersistedBreakerSnapshot | 'fresh' | 'dormant'): Actor<BreakerMachine> {
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
    for (const listener of this.#listeners ?? []) listener.off = this.#attach(actor, listener);
    actor.start();
    host?.adopt(this);
    return actor;
  }

  #attach(actor: Actor<BreakerMachine>, listener: Listener): () => void {
    const subscription = actor.on(listener.type, listener.fn);
    return () => subscription.unsubscribe();
  }

  #dormantSnapshot(): PersistedBreakerSnapshot {
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
   * the caller's own error rethrown unchanged.
   */
  execute<T>(
    fn: (signal: AbortSignal | undefined) => T | PromiseLike<T>,
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
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    const generation = this.#admission();
    if (generation < 0) return Promise.reject(this.#rejection());
    let pending: T | PromiseLike<T>;
    try {
      pending = fn(signal);
    } catch (error) {
      this.#failedCall(generation, error, signal);
      // The callee's thrown value, unchanged, whatever it is.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject(error);
    }
    // One `then` on the callee's own promise: no async wrapper, no extra promise per call.
    if (signal === undefined && this.#host === undefined) {
      // Without a signal the handlers depend on the generation alone: a standalone breaker keeps
      // them (about 0.2 KiB beside its actor's KiBs) instead of making two closures per call. A
      // registry's breaker, maybe one of 100,000 dormant ones, does not: it would double its heap.
      let handlers = this.#handlers;
      if (handlers?.generation !== generation) this.#handlers = handlers = this.#handlersFor(generation);
      return Promise.resolve(pending).then(handlers.succeeded, handlers.failed);
    }
    return Promise.resolve(pending).then(
      (value) => {
        this.#succeeded(generation);
        return value;
      },
      (error: unknown) => {
        this.#failedCall(generation, error, signal);
        throw error;
      },
    );
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
        this.#failedCall(generation, error, undefined);
        throw error;
      },
    );
  }

  /** A failure after the caller's signal aborted is `cancelled`, or `timeout` when it timed out. */
  #failedCall(generation: number, error: unknown, signal: AbortSignal | undefined): void {
    const category = signal?.aborted === true ? abortCategory(signal) : this.#classify(error);
    this.#failed(generation, category, error);
  }

  /** A non-throwing gate: a permit when the call is admitted, undefined when rejected. */
  tryAcquire(): Permit | undefined {
    const generation = this.#admission();
    return generation < 0 ? undefined : new BreakerPermit(generation, this);
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
  report(generation: number, outcome: 'success' | 'failure' | 'release', error?: unknown): void {
    if (outcome === 'success') return this.#succeeded(generation);
    if (outcome === 'release') return this.#released(generation);
    const category = isErrorCategory(error) ? error : this.#classify(error);
    this.#failed(generation, category, isErrorCategory(error) ? undefined : error);
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
    (this.#listeners ??= []).push(entry);
    if (type === 'rejected') this.#rejectedListeners++;
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      if (type === 'rejected') this.#rejectedListeners--;
      this.#listeners = this.#listeners?.filter((l) => l !== entry);
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
    if (actor === undefined) return this.#dormantSnapshot();
    this.#flush();
    return actor.getPersistedSnapshot() as unknown as PersistedBreakerSnapshot;
  }

  /**
   * Stops the actor and its timers. Afterwards `execute()` rejects with a `BreakerStoppedError`,
   * `tryAcquire()` returns undefined, and results of calls admitted before are ignored.
   */
  stop(): void {
    if (this.#stopped) return;
    this.#flush();
    this.#stopped = true;
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

  #rearm(snapshot: PersistedBreakerSnapshot): void {
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

  #succeeded(generation: number): void {
    const actor = this.#actor;
    if (actor === undefined) {
      const context = this.#context;
      if (generation === context.generation && context.failureCount > 0) {
        this.#context = withFailuresCleared(context);
      }
      return;
    }
    const { value, context } = actor.getSnapshot();
    if (generation !== context.generation) return;
    if (value === 'closed' && context.failureCount === 0 && this.#pendingFailures === 0) return;
    this.#send({ type: 'call.succeeded', generation, at: this.#now() });
  }

  #failed(generation: number, category: ErrorCategory, error: unknown): void {
    if (this.#actor === undefined) {
      // Dormant means closed: the chart's `recordFailure` below the threshold, else wake the actor.
      const context = this.#context;
      if (this.#stopped || generation !== context.generation || !countsAsFailure(context.config, category))
        return;
      if (!reachesThreshold(context)) {
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
        // The chart would only run `recordFailure`: count it here, send it as one event later.
        if (this.#pending === 0 && this.#pendingFailures === 0) this.#host?.batching(this);
        this.#pendingFailures++;
        this.#pendingFailureCategory = category;
        this.#pendingFailureGeneration = generation;
        this.#pendingFailureAt = this.#now();
        return;
      }
    }
    const retryAfterMs = error === undefined ? undefined : this.#retryAfter(error);
    this.#send({
      type: 'call.failed',
      generation,
      category,
      at: this.#now(),
      ...(retryAfterMs ? { retryAfterMs } : {}),
    });
  }

  #released(generation: number): void {
    if (this.#actor === undefined) return;
    const { value, context } = this.#actor.getSnapshot();
    if (generation !== context.generation || value === 'closed') return;
    this.#send({ type: 'call.released', generation });
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
      });
    }
    if (this.#pending > 0) {
      const count = this.#pending;
      this.#pending = 0;
      actor.send({ type: 'call.rejected', state: this.#pendingState, count, at: this.#pendingAt });
    }
  }
}

/** Creates and starts a circuit breaker. Throws a RangeError for an invalid option. */
export function createBreaker(options: BreakerOptions & { readonly snapshot?: unknown } = {}): Breaker {
  checkBreakerArgument(options);
  const { snapshot, ...rest } = options;
  return new Breaker(rest, { snapshot });
}
