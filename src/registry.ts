import { createActor, type Actor } from 'xstate';
import type { BreakerState } from '../machines/breaker.types.js';
import { registryMachine, type RegistryMachine } from '../machines/registry.machine.js';
import { diagnosticsOf, type Breaker, type ExecuteOptions, type Permit } from './breaker.js';
import { clockRunningFirst, unrefClock } from './clock.js';
import {
  resolveRegistryOptions,
  type RegistryOptions,
  type ResolvedRegistryOptions,
} from './registry-options.js';
import { RegistryPersistence, type ToolLookup } from './registry-persistence.js';
import type { PersistedRegistrySnapshot } from './registry-snapshot.js';
import { checkToolName } from './tool-name.js';
import { EMPTY_STATS, type BreakerStats } from './stats.js';
import { DurationSinks, type DurationListener } from './durations.js';
import type { DashboardHandle, DashboardOptions } from './dashboard/options.js';
import { RegistryListeners, type RegistryEventMap } from './registry/events.js';
import { restoreRegistry } from './registry/restore.js';
import { indexScheduler } from './registry/scheduler-index.js';
import { LiveBreakers } from './registry/live-breakers.js';
import { ToolPlacement } from './registry/placement.js';
import type { ToolSlot } from './registry/slot.js';
import { RegistryTools } from './registry/tools.js';
import {
  persistedRegistry,
  registrySnapshot,
  type RegistrySnapshot,
  type ToolDiagnostics,
} from './registry/views.js';
import { FleetLink } from './share/link.js';
import { checkShare, registryTarget } from './share/targets.js';
import type { ShareStatus } from './share/types.js';

export type { RegistryEventMap } from './registry/events.js';
export type { RegistrySnapshot, ToolDiagnostics } from './registry/views.js';

/** Kept in a variable so bundlers for browsers do not follow this Node-only import. */
const DASHBOARD_MODULE = './dashboard/index.js';

/**
 * Per-tool circuit breakers: one breaker per tool name, so one bad tool never disables the
 * others. Tools never seen are closed. A tool that is closed is a dormant breaker (its context
 * only); it gets a live `breakerMachine` actor, spawned by the registry chart through one of its
 * shards (bounded children each: XState's spawn copies all of a parent's children on every
 * spawn), as soon as the chart has work for it (opening, isolation), which keeps 100,000 tools
 * cheap. Adding, evicting,
 * resetting and stopping a tool cost the same whatever the registry holds.
 */
export class Registry {
  /** The registry actor (`registryMachine`); breaker actors are spawned by its shards, in its system. */
  readonly actor: Actor<RegistryMachine>;
  readonly #options: ResolvedRegistryOptions;
  readonly #tools: RegistryTools;
  /** The breakers with a live actor, and what the registry chart counts of them. */
  readonly #live: LiveBreakers;
  /** Creates, places and removes the tools' breakers. */
  readonly #placement: ToolPlacement;
  readonly #listeners = new RegistryListeners();
  readonly #persistence: RegistryPersistence | undefined;
  readonly #ready: Promise<void>;
  /** Who wants call durations measured (metrics exporters), shared by every breaker. */
  readonly #durations = new DurationSinks();
  /** The tools as the persistence reads them: by name, and every one. */
  readonly #lookup: ToolLookup = {
    get: (tool) => this.#tools.get(tool)?.breaker,
    [Symbol.iterator]: () => this.entries(),
  };
  #stopped = false;
  /** The fleet share's link, with `share`. */
  readonly #link: FleetLink | undefined;

  constructor(options: RegistryOptions = {}) {
    this.#options = resolveRegistryOptions(options);
    this.#tools = new RegistryTools(this.#options.maxTools);
    const { clock, inspect } = this.#options.defaults;
    this.#persistence =
      options.store === undefined
        ? undefined
        : new RegistryPersistence(
            options.store,
            () => this.#lookup,
            (message, error) => this.#warn(message, error),
          );
    this.actor = createActor(registryMachine, {
      input: { maxOpenCircuits: this.#options.maxOpenCircuits, shardCapacity: this.#options.shardCapacity },
      // Every breaker actor's timers run on this system clock: batches are flushed before any fires.
      clock: clockRunningFirst(clock ?? unrefClock, () => this.#live.flushBatches()),
      ...(inspect === undefined ? {} : { inspect }),
    });
    indexScheduler(this.actor.system);
    this.#live = new LiveBreakers(this.actor, {
      slot: (tool) => this.#tools.get(tool),
      unpin: (slot) => this.#tools.unpin(slot),
      emit: (type, event) => this.#emit(type, event),
      listens: (type) => this.#listeners.has(type),
      changed: (tool) => this.#persistence?.changed(tool),
      countedFailure: (breaker) => this.#link?.failed(breaker),
      slowSuccess: (breaker) => this.#link?.slowSuccess(breaker),
    });
    this.#placement = new ToolPlacement({
      options: this.#options,
      tools: this.#tools,
      live: this.#live,
      durations: this.#durations,
      isStopped: () => this.#stopped,
      changed: (tool) => this.#persistence?.changed(tool),
      emit: (type, event) => this.#emit(type, event),
    });
    this.actor.on('recoveryPause', (event) =>
      this.#emit('recoveryPause', { ...event, openTools: [...this.#live.open] }),
    );
    this.actor.on('recoveryResumed', (event) => this.#emit('recoveryResumed', event));
    this.actor.start();
    this.#ready = restoreRegistry(
      {
        options: this.#options,
        tools: this.#tools,
        persistence: this.#persistence,
        isStopped: () => this.#stopped,
        place: (tool, dormant, snapshot) => this.#placement.place(tool, dormant, snapshot),
        remove: (slot) => this.#placement.remove(slot),
        opened: (tool) => this.#live.track(tool, true),
        warn: (message, error) => this.#warn(message, error),
      },
      options.snapshot,
    );
    this.#link =
      options.share === undefined
        ? undefined
        : new FleetLink(
            registryTarget(
              this,
              (tool) => this.#tools.get(tool)?.breaker,
              (message, error) => this.#warn(message, error),
            ),
            checkShare(options.share),
          );
  }

  /** With a `share`: `connected`, or `degraded` while the share cannot be reached (each process decides alone); undefined without one. */
  get shareStatus(): ShareStatus | undefined {
    return this.#link?.status;
  }

  /** Epoch milliseconds on the registry's clock: its `clock.now()` (a simulated clock's time), else `Date.now()`. */
  now(): number {
    const clock = this.#options.defaults.clock;
    return clock?.now ? clock.now() : Date.now();
  }

  /**
   * Resolves once the store's state is loaded (at once without a store, or with a store that
   * loads synchronously, like the file store). Rejects with the load's `SnapshotError` when
   * `onInvalidSnapshot` is `'throw'`. Calls made before are served as for tools never seen.
   */
  ready(): Promise<void> {
    const link = this.#link;
    return link === undefined ? this.#ready : Promise.all([this.#ready, link.ready]).then(() => undefined);
  }

  /**
   * Resolves once every change made so far is durable in the store (at once without one);
   * rejects with the error of a failed write. After `stop()`, once the last write is done and
   * the store closed.
   */
  flush(): Promise<void> {
    return this.#persistence?.flush() ?? Promise.resolve();
  }

  /** Tools known to the registry. */
  get size(): number {
    return this.#tools.size;
  }

  /** Runs `fn` through the tool's breaker (see `Breaker.execute`). Rejects for an invalid tool name. */
  execute<T>(
    tool: string,
    fn: (signal: AbortSignal) => T | PromiseLike<T>,
    options?: ExecuteOptions,
  ): Promise<Awaited<T>> {
    const slot = this.#tools.get(tool);
    if (slot !== undefined) {
      slot.used = true;
      return slot.breaker.execute(fn, options);
    }
    try {
      return this.breaker(tool).execute(fn, options);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * The tool's non-throwing gate (see `Breaker.tryAcquire`); undefined once the registry is
   * stopped. Throws `InvalidToolNameError` for a bad name.
   */
  tryAcquire(tool: string): Permit | undefined {
    const slot = this.#tools.get(tool);
    if (slot !== undefined) {
      slot.used = true;
      return slot.breaker.tryAcquire();
    }
    if (this.#stopped) {
      checkToolName(tool, this.#options.maxToolNameLength);
      return undefined;
    }
    return this.breaker(tool).tryAcquire();
  }

  /**
   * The tool's breaker, created (closed) if the tool was never seen. Throws
   * `InvalidToolNameError` for a bad name, `BreakerStoppedError` for a new tool once stopped.
   */
  breaker(tool: string): Breaker {
    const known = this.#tools.get(tool);
    if (known === undefined) return this.#placement.add(tool);
    known.used = true;
    return known.breaker;
  }

  /** The tool's state; `closed` for a tool never seen. */
  state(tool: string): BreakerState {
    return this.#known(tool)?.breaker.state ?? 'closed';
  }

  /** The tool's diagnostics; those of a closed, untouched breaker for a tool never seen. */
  diagnostics(tool: string): ToolDiagnostics {
    const slot = this.#known(tool);
    if (slot !== undefined) return { tool, ...slot.breaker.diagnostics() };
    return { tool, ...diagnosticsOf('closed', this.#placement.newToolContext(tool), 0) };
  }

  /** The tool's cumulative call counts (see `BreakerStats`); all zero for a tool never seen. */
  stats(tool: string): BreakerStats {
    return this.#known(tool)?.breaker.stats() ?? EMPTY_STATS;
  }

  /**
   * Every tool the registry holds now and its breaker, in the order first seen (for exporters
   * that read every tool at once). Reading a breaker through it does not count as a use.
   */
  *entries(): IterableIterator<[string, Breaker]> {
    for (const { tool, breaker } of this.#tools.values()) yield [tool, breaker];
  }

  /**
   * Measures every tool's call durations (into `durationHistogram`, and `listener` if given)
   * until the returned function is called. For metrics exporters. @internal
   */
  measureDurations(listener?: DurationListener): () => void {
    const sinks = this.#durations;
    return sinks.observe(
      listener,
      () => {
        for (const { breaker } of this.#tools.values()) breaker.attachDurations(sinks);
      },
      () => {
        for (const { breaker } of this.#tools.values()) breaker.detachDurations();
      },
    );
  }

  /** Every tool's diagnostics, the open circuits and their count, read at one instant. */
  snapshot(): RegistrySnapshot {
    return registrySnapshot(this.#tools.values());
  }

  /** Tools whose circuit is open or isolated. */
  openCircuits(): string[] {
    return [...this.#live.open];
  }

  /** True when at least `maxOpen` circuits are open (the seed's `should_pause_for_recovery`). */
  shouldPauseForRecovery(maxOpen: number): boolean {
    return this.#live.open.size >= maxOpen;
  }

  /** Forgets the tool: its breaker stops, and the tool is closed and new again. */
  reset(tool: string): void {
    const slot = this.#known(tool);
    if (slot === undefined) return;
    this.#placement.remove(slot);
    this.#link?.reset(tool); // with a share: the fleet's record too
  }

  /** Forgets every tool. */
  resetAll(): void {
    this.#live.stopAll((breaker) => breaker.stop()); // the chart stops their shards below
    for (const { breaker } of this.#tools.values()) breaker.stop();
    this.#tools.clear();
    this.#live.open.clear();
    this.actor.send({ type: 'registry.resetAll' });
    this.#persistence?.cleared();
  }

  /** Forces the tool's circuit open until `release(tool)`. */
  isolate(tool: string): void {
    this.breaker(tool).isolate();
  }

  /** Ends the tool's isolation. */
  release(tool: string): void {
    this.#known(tool)?.breaker.release();
  }

  /** Subscribes to an event of every tool (with its name) or of the registry; returns the unsubscribe function. */
  on<K extends keyof RegistryEventMap>(type: K, listener: (event: RegistryEventMap[K]) => void): () => void {
    const { off, first } = this.#listeners.add(type, listener);
    if (first && type === 'rejected')
      for (const breaker of this.#live.live) this.#live.forwardRejections(breaker);
    return off;
  }

  /** Every tool's breaker snapshot, for `createRegistry({ snapshot })`. */
  getPersistedSnapshot(): PersistedRegistrySnapshot {
    return persistedRegistry(this.#tools.values());
  }

  /**
   * Serves the live local dashboard of this registry (Node only; loaded on first use):
   * every tool's statechart, counters and backoff countdown, and an event log.
   * Binds 127.0.0.1 on an ephemeral port and is read-only unless `controls` is true.
   * Rejects with a `RangeError` for an invalid option (a port outside 0..65535, say).
   */
  async serveDashboard(options: DashboardOptions = {}): Promise<DashboardHandle> {
    const dashboard = (await import(DASHBOARD_MODULE)) as {
      serveDashboard(registry: Registry, options: DashboardOptions): Promise<DashboardHandle>;
    };
    return dashboard.serveDashboard(this, options);
  }

  /**
   * Stops every breaker and the registry actor, after handing the last changes to the store
   * (when set); `await flush()` then resolves once they are durable and the store is closed.
   */
  stop(): void {
    if (this.#stopped) return;
    void this.#persistence?.stop().catch(() => undefined); // failures are `warning` events
    void this.#link?.stop();
    this.#stopped = true;
    this.#live.stopAll((breaker) => breaker.stop()); // their actors stop with the registry actor
    for (const { breaker } of this.#tools.values()) breaker.stop();
    this.actor.stop();
  }

  #known(tool: string): ToolSlot | undefined {
    const slot = this.#tools.get(tool);
    if (slot === undefined) checkToolName(tool, this.#options.maxToolNameLength);
    return slot;
  }

  #emit<K extends keyof RegistryEventMap>(type: K, event: RegistryEventMap[K]): void {
    this.#listeners.emit(type, event);
  }

  /** A `warning` event: `message`, with the `error` behind it when there is one. */
  #warn(message: string, error?: unknown): void {
    this.#emit('warning', { type: 'warning', message, ...(error === undefined ? {} : { error }) });
  }
}

/** Creates a registry of per-tool breakers. Throws for invalid options, or a `SnapshotError` for a bad snapshot. */
export function createRegistry(options: RegistryOptions = {}): Registry {
  return new Registry(options);
}
