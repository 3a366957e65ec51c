import { createActor, type Actor, type AnyActorRef, type Snapshot, type SnapshotFrom } from 'xstate';
import { breakerMachine, type BreakerMachine } from '../machines/breaker.machine.js';
import {
  countsAsFailure,
  hasProbeSlot,
  isBackoffElapsed,
  remainingBackoff,
} from '../machines/breaker.logic.js';
import { isErrorCategory, type ErrorCategory } from '../machines/categories.js';
import type {
  BreakerConfig,
  BreakerContext,
  BreakerEmitted,
  BreakerState,
} from '../machines/breaker.types.js';
import { unrefClock } from './clock.js';
import { BrokenCircuitError, IsolatedCircuitError } from './errors.js';
import { resolveBreakerOptions, type BreakerOptions, type ResolvedBreakerOptions } from './options.js';
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
  /** Reports that the call failed, with a category name or the thrown value (classified). */
  failure(errorOrCategory?: unknown): boolean;
  /** Gives the admission back without a result (the call was not made); frees a probe slot. */
  release(): boolean;
}

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
  readonly lastErrorCategory: ErrorCategory | null;
  readonly probesInFlight: number;
  readonly generation: number;
}

/** Payloads of the breaker's events, by name. */
export type BreakerEventMap = {
  readonly [K in BreakerEmitted['type']]: Extract<BreakerEmitted, { type: K }>;
};

/** Options of the breaker's actor that a registry sets. @internal */
export interface ActorPlacement {
  readonly tool?: string;
  readonly snapshot?: unknown;
  readonly actorOptions?: { readonly parent?: AnyActorRef; readonly id?: string; readonly systemId?: string };
}

/** The public name of a state value. */
export function stateName(value: BreakerSnapshot['value']): BreakerState {
  if (typeof value === 'string') return value;
  return 'open' in value ? 'open' : 'halfOpen';
}

/** Would the machine answer `call.requested` at `at` only by counting a rejection? */
function rejectsWithoutChange(state: BreakerState, context: BreakerContext, at: number): boolean {
  if (state === 'open') return !isBackoffElapsed(context, at);
  if (state === 'halfOpen') return !hasProbeSlot(context);
  return state === 'isolated';
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
 * machine would ignore, and batches rejections it would only count (flushed before any
 * other event and whenever state is read), unless an inspector or a `rejected` listener
 * wants to see each one.
 */
export class Breaker {
  /** The running XState actor, for embedding and inspection. */
  readonly actor: Actor<BreakerMachine>;
  /** The registry's tool name, if any. */
  readonly tool: string | undefined;
  readonly #options: ResolvedBreakerOptions;
  readonly #now: () => number;
  readonly #batching: boolean;
  #rejectedListeners = 0;
  #pending = 0;
  #pendingAt = 0;
  #pendingState: Rejecting = 'open';

  constructor(options: BreakerOptions | ResolvedBreakerOptions = {}, placement: ActorPlacement = {}) {
    this.#options = 'config' in options ? options : resolveBreakerOptions(options);
    const { config, clock, inspect } = this.#options;
    this.tool = placement.tool;
    this.#now = clock?.now ? () => (clock.now as () => number)() : Date.now;
    this.#batching = inspect === undefined;
    const snapshot =
      placement.snapshot === undefined ? undefined : restoreBreakerSnapshot(placement.snapshot, config);
    this.actor = createActor(breakerMachine, {
      input: { config },
      clock: clock ?? unrefClock,
      ...(inspect === undefined ? {} : { inspect }),
      ...(snapshot === undefined ? {} : { snapshot: snapshot as unknown as Snapshot<unknown> }),
      ...placement.actorOptions,
    });
    this.actor.start();
    if (snapshot !== undefined) this.#rearm(snapshot);
  }

  /** The configuration this breaker runs with. */
  get config(): BreakerConfig {
    return this.#options.config;
  }

  /** The current state: `closed`, `open`, `halfOpen` or `isolated`. */
  get state(): BreakerState {
    return stateName(this.actor.getSnapshot().value);
  }

  /**
   * Runs `fn` if the breaker admits the call, and records its outcome. Rejects at once
   * with a `BrokenCircuitError` when not admitted; otherwise settles as `fn` does, with
   * the caller's own error rethrown unchanged.
   */
  async execute<T>(
    fn: (signal: AbortSignal | undefined) => T | PromiseLike<T>,
    options?: ExecuteOptions,
  ): Promise<Awaited<T>> {
    const signal = options?.signal;
    if (signal?.aborted) throw signal.reason;
    const snapshot = this.actor.getSnapshot();
    const generation = snapshot.value === 'closed' ? snapshot.context.generation : this.#admit();
    if (generation < 0) throw this.#rejection();
    let result: Awaited<T>;
    try {
      result = await fn(signal);
    } catch (error) {
      this.#failed(generation, signal?.aborted === true ? 'cancelled' : this.#classify(error), error);
      throw error;
    }
    this.#succeeded(generation);
    return result;
  }

  /** A non-throwing gate: a permit when the call is admitted, undefined when rejected. */
  tryAcquire(): Permit | undefined {
    const snapshot = this.actor.getSnapshot();
    const generation = snapshot.value === 'closed' ? snapshot.context.generation : this.#admit();
    return generation < 0 ? undefined : new BreakerPermit(generation, this);
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
    const { value, context: c } = this.getSnapshot();
    const state = stateName(value);
    return {
      state,
      isOpen: state === 'open' || state === 'isolated',
      failureCount: c.failureCount,
      currentBackoffMs: c.currentBackoffMs,
      remainingBackoffMs: remainingBackoff(c, this.#now()),
      openedAt: c.openedAt,
      openCount: c.openCount,
      halfOpenCount: c.halfOpenCount,
      deniedRequests: c.deniedRequests,
      lastDeniedAt: c.lastDeniedAt,
      lastErrorCategory: c.lastErrorCategory,
      probesInFlight: c.probesInFlight,
      generation: c.generation,
    };
  }

  /** Subscribes to one of the breaker's events; returns the function that unsubscribes. */
  on<K extends keyof BreakerEventMap>(type: K, listener: (event: BreakerEventMap[K]) => void): () => void {
    const subscription = this.actor.on(type, listener as (event: BreakerEmitted) => void);
    if (type === 'rejected') this.#rejectedListeners++;
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      if (type === 'rejected') this.#rejectedListeners--;
      subscription.unsubscribe();
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
    this.#send({ type: 'breaker.release', at: this.#now() });
  }

  /** The machine's snapshot, with batched rejections counted. */
  getSnapshot(): BreakerSnapshot {
    this.#flush();
    return this.actor.getSnapshot();
  }

  /** A JSON-serialisable snapshot; `createBreaker({ snapshot })` restores it, re-arming timers. */
  getPersistedSnapshot(): PersistedBreakerSnapshot {
    this.#flush();
    return this.actor.getPersistedSnapshot() as unknown as PersistedBreakerSnapshot;
  }

  /** Stops the actor and its timers. The breaker must not be used afterwards. */
  stop(): void {
    this.#flush();
    this.actor.stop();
  }

  #rearm(snapshot: PersistedBreakerSnapshot): void {
    const value = snapshot.value;
    if (typeof value === 'object' && ('open' in value || value.halfOpen === 'probing')) {
      this.actor.send({ type: 'breaker.rearm', at: this.#now() });
    }
  }

  /** Admission outside `closed`: the generation admitted in, or -1 when rejected. */
  #admit(): number {
    const at = this.#now();
    const { value, context } = this.actor.getSnapshot();
    const state = stateName(value);
    if (this.#batching && this.#rejectedListeners === 0 && rejectsWithoutChange(state, context, at)) {
      if (this.#pending > 0 && this.#pendingState !== state) this.#flush();
      this.#pending++;
      this.#pendingAt = at;
      this.#pendingState = state as Rejecting;
      return -1;
    }
    this.#flush();
    const denied = this.actor.getSnapshot().context.deniedRequests;
    this.actor.send({ type: 'call.requested', at });
    const after = this.actor.getSnapshot().context;
    return after.deniedRequests === denied ? after.generation : -1;
  }

  #rejection(): BrokenCircuitError {
    const { value, context } = this.actor.getSnapshot();
    const state = stateName(value);
    if (state === 'isolated') return new IsolatedCircuitError(this.tool);
    return new BrokenCircuitError(state as Rejecting, remainingBackoff(context, this.#now()), this.tool);
  }

  #succeeded(generation: number): void {
    const { value, context } = this.actor.getSnapshot();
    if (generation !== context.generation || (value === 'closed' && context.failureCount === 0)) return;
    this.#send({ type: 'call.succeeded', generation, at: this.#now() });
  }

  #failed(generation: number, category: ErrorCategory, error: unknown): void {
    const { value, context } = this.actor.getSnapshot();
    if (generation !== context.generation) return;
    if (value === 'closed' && !countsAsFailure(context.config, category)) return;
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
    const { value, context } = this.actor.getSnapshot();
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
      const ms = this.#options.retryAfter(error);
      return typeof ms === 'number' && ms > 0 && Number.isFinite(ms) ? ms : undefined;
    } catch {
      return undefined;
    }
  }

  #send(event: Parameters<Actor<BreakerMachine>['send']>[0]): void {
    this.#flush();
    this.actor.send(event);
  }

  #flush(): void {
    if (this.#pending === 0) return;
    const count = this.#pending;
    this.#pending = 0;
    this.actor.send({ type: 'call.rejected', state: this.#pendingState, count, at: this.#pendingAt });
  }
}

/** Creates and starts a circuit breaker. Throws a RangeError for an invalid option. */
export function createBreaker(options: BreakerOptions & { readonly snapshot?: unknown } = {}): Breaker {
  const { snapshot, ...rest } = options ?? {};
  return new Breaker(rest, { snapshot });
}
