import { createActor, type Actor } from 'xstate';
import { initialBreakerContext } from '../machines/breaker.machine.js';
import type { BreakerContext, BreakerEmitted, BreakerState } from '../machines/breaker.types.js';
import { registryMachine, type RegistryMachine } from '../machines/registry.machine.js';
import {
  Breaker,
  diagnosticsOf,
  type BreakerHost,
  type BreakerDiagnostics,
  type ExecuteOptions,
  type Permit,
} from './breaker.js';
import { clockRunningFirst, unrefClock } from './clock.js';
import { BreakerStoppedError, SnapshotError } from './errors.js';
import {
  optionsForTool,
  resolveRegistryOptions,
  type RegistryOptions,
  type ResolvedRegistryOptions,
} from './registry-options.js';
import { liveContext } from './snapshot.js';
import { RegistryPersistence, type ToolLookup } from './registry-persistence.js';
import { restoreRegistrySnapshot, type PersistedRegistrySnapshot } from './registry-snapshot.js';
import { checkToolName } from './tool-name.js';
import { EMPTY_STATS, type BreakerStats } from './stats.js';
import { DurationSinks, type DurationListener } from './durations.js';
import type { DashboardHandle, DashboardOptions } from './dashboard/options.js';
import { RegistryListeners, type RegistryEventMap } from './registry/events.js';
import { planRestore } from './registry/restore-plan.js';
import { indexScheduler } from './registry/scheduler-index.js';
import { ToolSlot } from './registry/slot.js';
import { RegistryTools } from './registry/tools.js';
import { FleetLink } from './share/link.js';
import { checkShare, registryTarget } from './share/targets.js';
import type { ShareStatus } from './share/types.js';

export type { RegistryEventMap } from './registry/events.js';

/** One tool's diagnostics. */
export interface ToolDiagnostics extends BreakerDiagnostics {
  readonly tool: string;
}

/** One consistent view of the whole registry. */
export interface RegistrySnapshot {
  readonly diagnostics: readonly ToolDiagnostics[];
  /** Tools whose circuit is open or isolated. */
  readonly openCircuits: readonly string[];
  readonly openCount: number;
}

/** Kept in a variable so bundlers for browsers do not follow this Node-only import. */
const DASHBOARD_MODULE = './dashboard/index.js';
const BREAKER_EVENTS = ['opened', 'halfOpened', 'closed', 'isolated'] as const;

/**
 * Per-tool circuit breakers: one breaker per tool name, so one bad tool never disables the
 * others. Tools never seen are closed. A tool that is closed is a dormant breaker (its context
 * only); it gets a live `breakerMachine` actor, a child of the registry actor in one actor
 * system, as soon as the chart has work for it (opening, isolation), which keeps 100,000 tools
 * cheap (XState's spawn copies all of a parent's children on every spawn). Adding, evicting,
 * resetting and stopping a tool cost the same whatever the registry holds.
 */
export class Registry {
  /** The registry actor (`registryMachine`); breaker actors are its children in its system. */
  readonly actor: Actor<RegistryMachine>;
  readonly #options: ResolvedRegistryOptions;
  readonly #tools: RegistryTools;
  readonly #live = new Set<Breaker>();
  readonly #open = new Set<string>();
  /** Breakers that may hold batched failures or rejections. */
  readonly #batching = new Set<Breaker>();
  readonly #listeners = new RegistryListeners();
  readonly #persistence: RegistryPersistence | undefined;
  #ready: Promise<void> = Promise.resolve();
  /** Shared by every breaker: their actors are this registry actor's children. */
  readonly #host: BreakerHost;
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
            (message, error) => this.#emit('warning', { type: 'warning', message, error }),
          );
    this.actor = createActor(registryMachine, {
      input: { maxOpenCircuits: this.#options.maxOpenCircuits },
      // Every breaker actor's timers run on this system clock: batches are flushed before any fires.
      clock: clockRunningFirst(clock ?? unrefClock, () => this.#flushBatches()),
      ...(inspect === undefined ? {} : { inspect }),
    });
    indexScheduler(this.actor.system);
    this.#host = {
      parent: this.actor,
      adopt: (breaker) => this.#adopt(breaker),
      stopActor: (breaker, actor) => {
        this.#live.delete(breaker);
        this.#batching.delete(breaker); // flushed by its stop(); nothing keeps it alive here
        this.actor.send({ type: 'breaker.stop', tool: breaker.tool as string, breaker: actor });
      },
      batching: (breaker) => void this.#batching.add(breaker),
      countedFailure: (breaker) => this.#link?.failed(breaker),
      listenerThrew: (breaker, type, error) =>
        this.#emit('warning', {
          type: 'warning',
          message: `tripstate: a ${type} listener of ${JSON.stringify((breaker.tool ?? '').slice(0, 200))} threw`,
          error,
        }),
    };
    this.actor.on('recoveryPause', (event) =>
      this.#emit('recoveryPause', { ...event, openTools: [...this.#open] }),
    );
    this.actor.on('recoveryResumed', (event) => this.#emit('recoveryResumed', event));
    this.actor.start();
    this.#restore(options);
    this.#link =
      options.share === undefined
        ? undefined
        : new FleetLink(
            registryTarget(
              this,
              (tool) => this.#tools.get(tool)?.breaker,
              (message, error) => this.#emit('warning', { type: 'warning', message, error }),
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
    if (known !== undefined) {
      known.used = true;
      return known.breaker;
    }
    checkToolName(tool, this.#options.maxToolNameLength);
    if (this.#stopped) throw new BreakerStoppedError(tool);
    const evicted = this.#tools.makeRoom(1);
    for (const slot of evicted ?? []) this.#stopSlot(slot);
    const breaker = this.#place(tool, this.#newToolContext(tool), undefined);
    if (this.#tools.crossedMaxTools()) {
      this.#emit('warning', {
        type: 'warning',
        message: `tripstate: ${this.#tools.size} tools and none can be evicted (all open, half-open, isolated, failing or with calls in flight); maxTools ${this.#options.maxTools} exceeded`,
      });
    }
    // Announced once the new tool is in: a listener that adds a tool finds the registry within
    // its bounds, and its tool makes room for itself.
    for (const { tool: gone } of evicted ?? []) this.#emit('evicted', { type: 'evicted', tool: gone });
    return breaker;
  }

  /** The tool's state; `closed` for a tool never seen. */
  state(tool: string): BreakerState {
    return this.#known(tool)?.breaker.state ?? 'closed';
  }

  /** The tool's diagnostics; those of a closed, untouched breaker for a tool never seen. */
  diagnostics(tool: string): ToolDiagnostics {
    const slot = this.#known(tool);
    if (slot !== undefined) return { tool, ...slot.breaker.diagnostics() };
    return { tool, ...diagnosticsOf('closed', this.#newToolContext(tool), 0) };
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

  /** The context of a tool's breaker before its first call: closed, as if its chart had just started. */
  #newToolContext(tool: string): BreakerContext {
    return { ...initialBreakerContext(optionsForTool(this.#options, tool).config), generation: 1 };
  }

  /** Every tool's diagnostics, the open circuits and their count, read at one instant. */
  snapshot(): RegistrySnapshot {
    const diagnostics: ToolDiagnostics[] = [];
    const openCircuits: string[] = [];
    for (const { tool, breaker } of this.#tools.values()) {
      const d = breaker.diagnostics();
      diagnostics.push({ tool, ...d });
      if (d.isOpen) openCircuits.push(tool);
    }
    return { diagnostics, openCircuits, openCount: openCircuits.length };
  }

  /** Tools whose circuit is open or isolated. */
  openCircuits(): string[] {
    return [...this.#open];
  }

  /** True when at least `maxOpen` circuits are open (the seed's `should_pause_for_recovery`). */
  shouldPauseForRecovery(maxOpen: number): boolean {
    return this.#open.size >= maxOpen;
  }

  /** Forgets the tool: its breaker stops, and the tool is closed and new again. */
  reset(tool: string): void {
    const slot = this.#known(tool);
    if (slot === undefined) return;
    this.#remove(slot);
    this.#link?.reset(tool); // with a share: the fleet's record too
  }

  /** Forgets every tool. */
  resetAll(): void {
    for (const breaker of this.#live) breaker.stop();
    for (const { breaker } of this.#tools.values()) breaker.stop();
    this.#tools.clear();
    this.#live.clear();
    this.#open.clear();
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
    if (first && type === 'rejected') for (const breaker of this.#live) this.#forwardRejections(breaker);
    return off;
  }

  /** Every tool's breaker snapshot, for `createRegistry({ snapshot })`. */
  getPersistedSnapshot(): PersistedRegistrySnapshot {
    const tools: PersistedRegistrySnapshot['tools'][number][] = [];
    for (const { tool, breaker } of this.#tools.values()) tools.push([tool, breaker.getPersistedSnapshot()]);
    return { format: 'tripstate.registry', version: 1, tools };
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
    for (const { breaker } of this.#tools.values()) breaker.stop();
    for (const breaker of this.#live) breaker.stop();
    this.actor.stop();
  }

  #known(tool: string): ToolSlot | undefined {
    const slot = this.#tools.get(tool);
    if (slot === undefined) checkToolName(tool, this.#options.maxToolNameLength);
    return slot;
  }

  #place(tool: string, dormant: BreakerContext | undefined, snapshot: unknown): Breaker {
    const breaker = new Breaker(optionsForTool(this.#options, tool), {
      tool,
      ...(dormant === undefined ? { snapshot } : { dormant }),
      host: this.#host,
    });
    if (this.#durations.observers > 0) breaker.attachDurations(this.#durations);
    this.#tools.add(new ToolSlot(tool, breaker));
    // An inspector is shown every tool, new or restored: no dormancy when someone is watching.
    if (this.#options.defaults.inspect !== undefined) void breaker.actor;
    return breaker;
  }

  /** A breaker just got its actor: count it, follow its state, forward its events. */
  #adopt(breaker: Breaker): void {
    const tool = breaker.tool as string;
    this.#live.add(breaker);
    this.actor.send({ type: 'breaker.spawned', tool });
    for (const type of BREAKER_EVENTS) {
      breaker.on(type, (event: BreakerEmitted) => {
        const slot = this.#tools.get(tool);
        if (slot?.breaker !== breaker) return;
        if (type === 'closed') this.#tools.unpin(slot);
        // The event first, then the registry's reaction to it (a recoveryPause it causes).
        this.#track(tool, type === 'opened' || type === 'isolated', () =>
          this.#emit(type, { ...event, tool } as RegistryEventMap[typeof type]),
        );
        this.#persistence?.changed(tool);
      });
    }
    if (this.#listeners.has('rejected')) this.#forwardRejections(breaker);
  }

  #forwardRejections(breaker: Breaker): void {
    const tool = breaker.tool as string;
    breaker.on('rejected', (event) => this.#emit('rejected', { ...event, tool }));
  }

  /** Keeps the set of open circuits and the registry chart's count in step. */
  #track(tool: string, open: boolean, announce?: () => void): void {
    const changed = open !== this.#open.has(tool);
    if (changed && open) this.#open.add(tool);
    else if (changed) this.#open.delete(tool);
    announce?.();
    if (!changed) return;
    this.actor.send({ type: open ? 'breaker.opened' : 'breaker.recovered', tool });
  }

  #remove(slot: ToolSlot): void {
    this.#tools.delete(slot);
    this.#stopSlot(slot);
  }

  /** Stops the breaker of a tool taken out of the registry. */
  #stopSlot(slot: ToolSlot): void {
    this.#track(slot.tool, false);
    slot.breaker.stop();
    this.#persistence?.changed(slot.tool);
  }

  /** Sends every breaker's batched failures and rejections to its actor. */
  #flushBatches(): void {
    if (this.#batching.size === 0) return;
    const batching = [...this.#batching];
    this.#batching.clear();
    for (const breaker of batching) breaker.flush();
  }

  #emit<K extends keyof RegistryEventMap>(type: K, event: RegistryEventMap[K]): void {
    this.#listeners.emit(type, event);
  }

  /** Restores `options.snapshot`, or else what the store loads (now, or once its promise settles). */
  #restore(options: RegistryOptions): void {
    const persistence = this.#persistence;
    try {
      const loaded = persistence?.load();
      if (loaded instanceof Promise && options.snapshot === undefined) {
        this.#ready = loaded.then(
          (input) => this.#apply(input, true),
          (error: unknown) => this.#loadFailed(error),
        );
        this.#ready.catch(() => undefined); // the rejection is for whoever awaits ready()
        return;
      }
      if (loaded instanceof Promise) loaded.catch(() => undefined); // `options.snapshot` wins
      this.#apply(options.snapshot ?? loaded, false);
      if (options.snapshot !== undefined)
        persistence?.cleared(Array.from(this.#tools.values(), (slot) => slot.tool)); // the store now holds it
    } catch (error) {
      this.#loadFailed(error);
    }
  }

  /** A snapshot larger than `maxTools` was cut down: said once listeners can hear it. */
  #warnDropped(dropped: number, kept: number): void {
    this.#tools.crossedMaxTools(); // this warning says it: the next tool added does not again
    queueMicrotask(() =>
      this.#emit('warning', {
        type: 'warning',
        message: `tripstate: the snapshot held more than maxTools ${this.#options.maxTools} tools: kept ${kept} (every open, half-open, isolated or failing one, then the closed ones listed last), dropped ${dropped} closed ones`,
      }),
    );
  }

  /** Places the tools of a snapshot; `merge`: a tool already used keeps its state unless closed without failures. */
  #apply(input: unknown, merge: boolean): void {
    if (input === undefined || this.#stopped) return;
    const { kept: tools, dropped } = planRestore(
      restoreRegistrySnapshot(
        input,
        (tool) => optionsForTool(this.#options, tool).config,
        this.#options.maxToolNameLength,
      ),
      this.#options.maxTools,
    );
    for (const [tool, snapshot] of tools) {
      const known = merge ? this.#tools.get(tool) : undefined;
      if (known !== undefined && (known.breaker.state !== 'closed' || known.breaker.failureCount > 0))
        continue;
      if (known !== undefined) this.#remove(known);
      const breaker =
        snapshot.value === 'closed'
          ? this.#place(tool, liveContext(snapshot.context), undefined)
          : this.#place(tool, undefined, snapshot);
      if (breaker.state === 'open' || breaker.state === 'isolated') this.#track(tool, true);
    }
    if (dropped > 0) this.#warnDropped(dropped, tools.length);
  }

  /** A failed load or restore: thrown (or rejected from ready()), or an empty start with a `warning`. */
  #loadFailed(error: unknown): void {
    if (this.#options.onInvalidSnapshot === 'throw' || !(error instanceof SnapshotError)) {
      this.#persistence?.disable();
      throw error;
    }
    for (const slot of [...this.#tools.values()]) this.#remove(slot);
    this.#persistence?.cleared();
    const message = `tripstate: started empty: ${error.message}`;
    queueMicrotask(() => this.#emit('warning', { type: 'warning', message, error }));
  }
}

/** Creates a registry of per-tool breakers. Throws for invalid options, or a `SnapshotError` for a bad snapshot. */
export function createRegistry(options: RegistryOptions = {}): Registry {
  return new Registry(options);
}
