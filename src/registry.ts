import { createActor, type Actor } from 'xstate';
import { initialBreakerContext } from '../machines/breaker.machine.js';
import type { BreakerContext, BreakerEmitted, BreakerState } from '../machines/breaker.types.js';
import { registryMachine, type RegistryEmitted, type RegistryMachine } from '../machines/registry.machine.js';
import {
  BREAKER_EVENT_TYPES,
  Breaker,
  checkListener,
  diagnosticsOf,
  type BreakerHost,
  type BreakerDiagnostics,
  type BreakerEventMap,
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
import {
  restoreRegistrySnapshot,
  type PersistedRegistrySnapshot,
  type RegistryStore,
} from './registry-snapshot.js';
import { checkToolName } from './tool-name.js';
import type { DashboardHandle, DashboardOptions } from './dashboard/options.js';

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

type WithTool<E> = E & { readonly tool: string };

/** Payloads of the registry's events, by name. Breaker events carry the tool's name. */
export type RegistryEventMap = { readonly [K in keyof BreakerEventMap]: WithTool<BreakerEventMap[K]> } & {
  readonly recoveryPause: Extract<RegistryEmitted, { type: 'recoveryPause' }> & {
    readonly openTools: readonly string[];
  };
  readonly recoveryResumed: Extract<RegistryEmitted, { type: 'recoveryResumed' }>;
  readonly evicted: { readonly type: 'evicted'; readonly tool: string };
  readonly warning: { readonly type: 'warning'; readonly message: string; readonly error?: unknown };
};

type AnyListener = (event: never) => void;

/** Kept in a variable so bundlers for browsers do not follow this Node-only import. */
const DASHBOARD_MODULE = './dashboard/index.js';
const BREAKER_EVENTS = ['opened', 'halfOpened', 'closed', 'isolated'] as const;
const REGISTRY_EVENT_TYPES: readonly (keyof RegistryEventMap)[] = [
  ...BREAKER_EVENT_TYPES,
  'recoveryPause',
  'recoveryResumed',
  'evicted',
  'warning',
];

/**
 * Per-tool circuit breakers: one breaker per tool name, so one bad tool never disables the
 * others. Tools never seen are closed. A tool that is closed is a dormant breaker (its context
 * only); it gets a live `breakerMachine` actor, a child of the registry actor in one actor
 * system, as soon as the chart has work for it (opening, isolation), which keeps 100,000 tools
 * cheap (XState's spawn copies all of a parent's children on every spawn).
 */
export class Registry {
  /** The registry actor (`registryMachine`); breaker actors are its children in its system. */
  readonly actor: Actor<RegistryMachine>;
  readonly #options: ResolvedRegistryOptions;
  readonly #tools = new Map<string, Breaker>();
  readonly #live = new Set<Breaker>();
  readonly #open = new Set<string>();
  /** Breakers that may hold batched failures or rejections. */
  readonly #batching = new Set<Breaker>();
  readonly #listeners = new Map<string, Set<AnyListener>>();
  readonly #store: RegistryStore | undefined;
  /** Shared by every breaker: their actors are this registry actor's children. */
  readonly #host: BreakerHost;
  #saveQueued = false;
  #stopped = false;

  constructor(options: RegistryOptions = {}) {
    this.#options = resolveRegistryOptions(options);
    const { clock, inspect } = this.#options.defaults;
    this.#store = options.store;
    this.actor = createActor(registryMachine, {
      input: { maxOpenCircuits: this.#options.maxOpenCircuits },
      // Every breaker actor's timers run on this system clock: batches are flushed before any fires.
      clock: clockRunningFirst(clock ?? unrefClock, () => this.#flushBatches()),
      ...(inspect === undefined ? {} : { inspect }),
    });
    this.#host = {
      parent: this.actor,
      adopt: (breaker) => this.#adopt(breaker),
      stopActor: (breaker, actor) => {
        this.#live.delete(breaker);
        this.#batching.delete(breaker); // flushed by its stop(); nothing keeps it alive here
        this.actor.send({ type: 'breaker.stop', tool: breaker.tool as string, breaker: actor });
      },
      batching: (breaker) => void this.#batching.add(breaker),
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
  }

  /** Tools known to the registry. */
  get size(): number {
    return this.#tools.size;
  }

  /** Runs `fn` through the tool's breaker (see `Breaker.execute`). Rejects for an invalid tool name. */
  execute<T>(
    tool: string,
    fn: (signal: AbortSignal | undefined) => T | PromiseLike<T>,
    options?: ExecuteOptions,
  ): Promise<Awaited<T>> {
    const breaker = this.#tools.get(tool);
    if (breaker !== undefined) {
      breaker.recentlyUsed = true;
      return breaker.execute(fn, options);
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
    const breaker = this.#tools.get(tool);
    if (breaker !== undefined) {
      breaker.recentlyUsed = true;
      return breaker.tryAcquire();
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
      known.recentlyUsed = true;
      return known;
    }
    checkToolName(tool, this.#options.maxToolNameLength);
    if (this.#stopped) throw new BreakerStoppedError(tool);
    if (this.#tools.size >= this.#options.maxTools) this.#evictOne();
    return this.#place(tool, this.#newToolContext(tool), undefined);
  }

  /** The tool's state; `closed` for a tool never seen. */
  state(tool: string): BreakerState {
    return this.#known(tool)?.state ?? 'closed';
  }

  /** The tool's diagnostics; those of a closed, untouched breaker for a tool never seen. */
  diagnostics(tool: string): ToolDiagnostics {
    const breaker = this.#known(tool);
    if (breaker !== undefined) return { tool, ...breaker.diagnostics() };
    return { tool, ...diagnosticsOf('closed', this.#newToolContext(tool), 0) };
  }

  /** The context of a tool's breaker before its first call: closed, as if its chart had just started. */
  #newToolContext(tool: string): BreakerContext {
    return { ...initialBreakerContext(optionsForTool(this.#options, tool).config), generation: 1 };
  }

  /** Every tool's diagnostics, the open circuits and their count, read at one instant. */
  snapshot(): RegistrySnapshot {
    const diagnostics: ToolDiagnostics[] = [];
    const openCircuits: string[] = [];
    for (const [tool, breaker] of this.#tools) {
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
    const breaker = this.#known(tool);
    if (breaker === undefined) return;
    this.#remove(tool, breaker);
    this.#queueSave();
  }

  /** Forgets every tool. */
  resetAll(): void {
    for (const breaker of this.#live) breaker.stop();
    for (const breaker of this.#tools.values()) breaker.stop();
    this.#tools.clear();
    this.#live.clear();
    this.#open.clear();
    this.actor.send({ type: 'registry.resetAll' });
    this.#queueSave();
  }

  /** Forces the tool's circuit open until `release(tool)`. */
  isolate(tool: string): void {
    this.breaker(tool).isolate();
  }

  /** Ends the tool's isolation. */
  release(tool: string): void {
    this.#known(tool)?.release();
  }

  /** Subscribes to an event of every tool (with its name) or of the registry; returns the unsubscribe function. */
  on<K extends keyof RegistryEventMap>(type: K, listener: (event: RegistryEventMap[K]) => void): () => void {
    checkListener('registry', REGISTRY_EVENT_TYPES, type, listener);
    let set = this.#listeners.get(type);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(type, set);
      if (type === 'rejected') for (const breaker of this.#live) this.#forwardRejections(breaker);
    }
    const fn = listener as AnyListener;
    set.add(fn);
    return () => void set.delete(fn);
  }

  /** Every tool's breaker snapshot, for `createRegistry({ snapshot })`. */
  getPersistedSnapshot(): PersistedRegistrySnapshot {
    const tools: PersistedRegistrySnapshot['tools'][number][] = [];
    for (const [tool, breaker] of this.#tools) tools.push([tool, breaker.getPersistedSnapshot()]);
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

  /** Saves (when a store is set) and stops every breaker and the registry actor. */
  stop(): void {
    if (this.#stopped) return;
    this.#save();
    this.#stopped = true;
    for (const breaker of this.#tools.values()) breaker.stop();
    for (const breaker of this.#live) breaker.stop();
    this.actor.stop();
  }

  #known(tool: string): Breaker | undefined {
    const breaker = this.#tools.get(tool);
    if (breaker === undefined) checkToolName(tool, this.#options.maxToolNameLength);
    return breaker;
  }

  #place(tool: string, dormant: BreakerContext | undefined, snapshot: unknown): Breaker {
    const breaker = new Breaker(optionsForTool(this.#options, tool), {
      tool,
      ...(dormant === undefined ? { snapshot } : { dormant }),
      host: this.#host,
    });
    this.#tools.set(tool, breaker);
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
        if (this.#tools.get(tool) !== breaker) return;
        // The event first, then the registry's reaction to it (a recoveryPause it causes).
        this.#track(tool, type === 'opened' || type === 'isolated', () =>
          this.#emit(type, { ...event, tool } as RegistryEventMap[typeof type]),
        );
        this.#queueSave();
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

  #remove(tool: string, breaker: Breaker): void {
    this.#track(tool, false);
    this.#tools.delete(tool);
    breaker.stop();
  }

  /**
   * Evicts the least recently used closed tool with no failures (CLOCK: a used tool gets a
   * second chance). Open, half-open, isolated and failing tools are never evicted; when none
   * can go, the registry grows past `maxTools` and says so.
   */
  #evictOne(): void {
    let budget = this.#tools.size * 2;
    for (const [tool, breaker] of this.#tools) {
      if (budget-- <= 0) break;
      if (!breaker.recentlyUsed && breaker.state === 'closed' && breaker.failureCount === 0) {
        this.#remove(tool, breaker);
        this.#emit('evicted', { type: 'evicted', tool });
        return;
      }
      breaker.recentlyUsed = false;
      this.#tools.delete(tool);
      this.#tools.set(tool, breaker);
    }
    this.#emit('warning', {
      type: 'warning',
      message: `tripstate: ${this.#tools.size} tools and none can be evicted (all open, half-open, isolated or failing); maxTools ${this.#options.maxTools} exceeded`,
    });
  }

  /** Sends every breaker's batched failures and rejections to its actor. */
  #flushBatches(): void {
    if (this.#batching.size === 0) return;
    const batching = [...this.#batching];
    this.#batching.clear();
    for (const breaker of batching) breaker.flush();
  }

  #emit<K extends keyof RegistryEventMap>(type: K, event: RegistryEventMap[K]): void {
    const set = this.#listeners.get(type);
    if (set === undefined) return;
    for (const listener of set) {
      try {
        (listener as (event: RegistryEventMap[K]) => void)(event);
      } catch (error) {
        if (type !== 'warning')
          this.#emit('warning', { type: 'warning', message: `tripstate: a ${type} listener threw`, error });
      }
    }
  }

  #restore(options: RegistryOptions): void {
    let input: unknown = options.snapshot;
    try {
      if (input === undefined && this.#store !== undefined) input = this.#store.load();
      if (input === undefined) return;
      const tools = restoreRegistrySnapshot(
        input,
        (tool) => optionsForTool(this.#options, tool).config,
        this.#options.maxToolNameLength,
      );
      for (const [tool, snapshot] of tools) {
        const breaker =
          snapshot.value === 'closed'
            ? this.#place(tool, snapshot.context, undefined)
            : this.#place(tool, undefined, snapshot);
        if (breaker.state === 'open' || breaker.state === 'isolated') this.#track(tool, true);
      }
    } catch (error) {
      if (this.#options.onInvalidSnapshot === 'throw' || !(error instanceof SnapshotError)) throw error;
      this.#tools.clear();
      this.#live.clear();
      this.#open.clear();
      this.actor.send({ type: 'registry.resetAll' });
      queueMicrotask(() =>
        this.#emit('warning', {
          type: 'warning',
          message: `tripstate: started empty: ${error.message}`,
          error,
        }),
      );
    }
  }

  #queueSave(): void {
    if (this.#store === undefined || this.#saveQueued || this.#stopped) return;
    this.#saveQueued = true;
    queueMicrotask(() => this.#save());
  }

  #save(): void {
    this.#saveQueued = false;
    if (this.#store === undefined || this.#stopped) return;
    try {
      this.#store.save(this.getPersistedSnapshot());
    } catch (error) {
      this.#emit('warning', {
        type: 'warning',
        message: `tripstate: saving the registry failed: ${error instanceof Error ? error.message : String(error)}`,
        error,
      });
    }
  }
}

/** Creates a registry of per-tool breakers. Throws for invalid options, or a `SnapshotError` for a bad snapshot. */
export function createRegistry(options: RegistryOptions = {}): Registry {
  return new Registry(options);
}
