/**
 * A breaker's life outside the hot path: its actor (started lazily from the dormant context,
 * or from a restored snapshot), the batch flushed before every other event, listeners,
 * commands (`reset`, `isolate`, `release`, `stop`) and reads (state, snapshots, stats).
 * `Breaker` adds the guarded-call API on top.
 */
import type { Actor, SnapshotFrom } from 'xstate';
import {
  breakerMachine,
  initialBreakerContext,
  type BreakerMachine,
} from '../../machines/breaker.machine.js';
import type { StartOutcome } from '../../machines/breaker.start.js';
import type {
  BreakerConfig,
  BreakerContext,
  BreakerEmitted,
  BreakerState,
} from '../../machines/breaker.types.js';
import { unrefClock } from '../clock.js';
import {
  DurationRecorder,
  DurationSinks,
  type DurationHistogram,
  type DurationListener,
} from '../durations.js';
import { breakerOptionsOf, type BreakerOptions, type ResolvedBreakerOptions } from '../options.js';
import {
  liveContext,
  persistedContext,
  restoreBreakerSnapshot,
  type LiveBreakerSnapshot,
  type PersistedBreakerSnapshot,
} from '../snapshot.js';
import { CallCounts, type BreakerStats, type CallOutcome } from '../stats.js';
import type { Breaker } from './breaker.js';
import * as actors from './actor.js';
import { PendingBatch } from './batch.js';
import { diagnosticsOf, stateName, type BreakerDiagnostics } from './diagnostics.js';
import { BREAKER_EVENT_TYPES, checkListener, guarded, type BreakerEventMap } from './events.js';
import { HealthCheckRunner } from './health-check.js';
import type { ActorPlacement, BreakerHost, FleetHooks } from './host.js';
import { BreakerListeners } from './listeners.js';

type BreakerSnapshot = SnapshotFrom<BreakerMachine>;

/** The actor, batch, listeners, commands and reads of a breaker. @internal */
export abstract class BreakerLifecycle {
  /** The registry's tool name, if any. */
  readonly tool: string | undefined;
  protected readonly options: ResolvedBreakerOptions;
  protected readonly host: BreakerHost | undefined;
  /** A standalone breaker's fleet share hooks. */
  protected readonly fleet: FleetHooks | undefined;
  protected readonly now: () => number;
  /** False when an inspector wants every event: nothing is then batched or decided here. */
  protected readonly batching: boolean;
  /** The running actor; undefined while dormant (closed, with `dormantContext` as its whole state). */
  protected runningActor: Actor<BreakerMachine> | undefined;
  protected dormantContext: BreakerContext;
  protected isStopped = false;
  protected readonly batch = new PendingBatch();
  protected readonly listeners = new BreakerListeners();
  /** Cumulative call counts (`stats()`). */
  protected readonly counts = new CallCounts();
  /** Runs the health check as the probe when half-open waits for no caller; null without one. */
  protected readonly healthChecks: HealthCheckRunner | null;
  /**
   * True when outcomes carry their duration (a slow-call rule needs it): the one switch that
   * makes the hot path read the clock at admission and settlement. @internal
   */
  measuresDurations: boolean;
  /** Durations by outcome, once metrics asked for them. */
  protected durations: DurationRecorder | undefined;
  /** A standalone breaker's own duration observers. */
  #ownSinks: DurationSinks | undefined;

  constructor(options: BreakerOptions | ResolvedBreakerOptions = {}, placement: ActorPlacement = {}) {
    this.options = 'config' in options ? options : breakerOptionsOf(options);
    const { config, clock, inspect, healthCheck } = this.options;
    this.tool = placement.tool;
    this.host = placement.host;
    this.fleet = placement.fleet;
    this.now = clock?.now ? () => (clock.now as () => number)() : Date.now;
    this.batching = inspect === undefined;
    this.measuresDurations = config.window !== null && config.slowCallDurationMs !== null;
    this.healthChecks =
      healthCheck === null
        ? null
        : new HealthCheckRunner(healthCheck, clock ?? unrefClock, config.probeTimeoutMs);
    this.dormantContext = placement.dormant ?? initialBreakerContext(config);
    if (placement.dormant !== undefined) return;
    const snapshot =
      placement.snapshot === undefined
        ? undefined
        : restoreBreakerSnapshot(placement.snapshot, config, this.now());
    if (snapshot === undefined || snapshot.value === 'closed') {
      // Closed: dormant until the chart has work (as if `closed` had just been entered), unless watched.
      this.dormantContext =
        snapshot === undefined ? { ...this.dormantContext, generation: 1 } : liveContext(snapshot.context);
      if (inspect !== undefined) this.spawn('dormant');
    } else {
      this.dormantContext = liveContext(snapshot.context);
      // The chart starts in the restored state, and re-arms its timer from now itself.
      this.spawn({ ...snapshot, context: this.dormantContext });
    }
  }

  /** Runs the health check as the probe admitted in `generation` (the chart emitted `healthCheckStarted`). */
  protected abstract runHealthCheck(generation: number): void;

  /** The running XState actor, for embedding and inspection (a dormant breaker gets one now). */
  get actor(): Actor<BreakerMachine> {
    return this.runningActor ?? this.spawn('dormant');
  }

  /** True while the breaker has no actor: closed, its state a plain context. @internal */
  get dormant(): boolean {
    return this.runningActor === undefined;
  }

  /**
   * Starts the actor, the chart starting in the state and context of a restored snapshot, or
   * closed with the dormant context: created here for a standalone breaker, spawned by the
   * registry chart for a registry's. With `outcome` (the failure that trips a dormant breaker),
   * the chart takes it in its first step and starts open.
   */
  protected spawn(from: LiveBreakerSnapshot | 'dormant', outcome?: StartOutcome): Actor<BreakerMachine> {
    const snapshot = from === 'dormant' ? actors.dormantSnapshot(this.dormantContext) : from;
    const start = actors.startOf(snapshot, this.now(), outcome);
    const host = this.host;
    const actor =
      host === undefined
        ? actors.createBreakerActor(this.options, start, () => this.flush())
        : host.spawnActor(this.self(), actors.breakerInput(this.options.config, start));
    this.runningActor = actor;
    const counts = this.counts;
    actor.on('*', (event) => counts.transition(event));
    this.listeners.attachAll(actor);
    if (this.healthChecks !== null) {
      actor.on('healthCheckStarted', ({ generation }) => this.runHealthCheck(generation));
    }
    if (host === undefined) actor.start();
    else actors.adoptBy(host, this.self(), actor, outcome);
    actors.forgetStart(actor);
    return actor;
  }

  /** This breaker, typed as the `Breaker` it is (this class is only its lower half). */
  protected self(): Breaker {
    return this as unknown as Breaker;
  }

  /** The configuration this breaker runs with. */
  get config(): BreakerConfig {
    return this.options.config;
  }

  /** The current state: `closed`, `open`, `halfOpen` or `isolated`. */
  get state(): BreakerState {
    const actor = this.runningActor;
    return actor === undefined ? 'closed' : stateName(actor.getSnapshot().value);
  }

  /** Consecutive trip-counting failures counted in `closed`. */
  get failureCount(): number {
    const actor = this.runningActor;
    return actor === undefined
      ? this.dormantContext.failureCount
      : actor.getSnapshot().context.failureCount + this.batch.failures;
  }

  /** True once `stop()` was called. */
  get stopped(): boolean {
    return this.isStopped;
  }

  /** Diagnostics of the circuit, read at this instant. */
  diagnostics(): BreakerDiagnostics {
    const { value, context } = this.getSnapshot();
    return diagnosticsOf(stateName(value), context, this.now());
  }

  /**
   * Subscribes to one of the breaker's events; returns the function that unsubscribes. A
   * listener that throws changes nothing in the breaker: the error goes to the registry's
   * `warning` event, or for a breaker of its own to `console.error`. Throws a TypeError for an
   * unknown event name or a listener that is not a function.
   */
  on<K extends keyof BreakerEventMap>(type: K, listener: (event: BreakerEventMap[K]) => void): () => void {
    checkListener('breaker', BREAKER_EVENT_TYPES, type, listener);
    const fn = guarded(listener as (event: BreakerEmitted) => void, (error) => {
      if (this.host) this.host.listenerThrew(this.self(), type, error);
      else console.error(`tripstate: a breaker ${type} listener threw`, error);
    });
    return this.listeners.add(type, fn, this.runningActor);
  }

  /** Closes the circuit and clears every counter. Results of calls admitted before are ignored. */
  reset(): void {
    this.send({ type: 'breaker.reset', at: this.now() });
  }

  /** Forces the circuit open until `release()` (or `reset()`): every call is rejected. */
  isolate(): void {
    this.send({ type: 'breaker.isolate', at: this.now() });
  }

  /** Ends an isolation: the circuit closes with its failure count cleared. */
  release(): void {
    // A dormant breaker is closed, where the chart ignores `breaker.release`: nothing to wake.
    if (this.runningActor === undefined) return;
    this.send({ type: 'breaker.release', at: this.now() });
  }

  /** The machine's snapshot, with batched rejections counted. */
  getSnapshot(): BreakerSnapshot {
    const actor = this.runningActor;
    if (actor === undefined)
      return breakerMachine.resolveState({ value: 'closed', context: this.dormantContext });
    this.flush();
    return actor.getSnapshot();
  }

  /** A JSON-serialisable snapshot; `createBreaker({ snapshot })` restores it, re-arming timers. */
  getPersistedSnapshot(): PersistedBreakerSnapshot {
    const actor = this.runningActor;
    this.flush();
    const live =
      actor === undefined
        ? actors.dormantSnapshot(this.dormantContext)
        : (actor.getPersistedSnapshot() as unknown as LiveBreakerSnapshot);
    return { ...live, context: persistedContext(live.context) };
  }

  /**
   * Stops the actor and its timers. Afterwards `execute()` rejects with a `BreakerStoppedError`,
   * `tryAcquire()` returns undefined, and results of calls admitted before are ignored.
   */
  stop(): void {
    if (this.isStopped) return;
    this.flush();
    this.isStopped = true;
    this.healthChecks?.stop();
    this.fleet?.stopped();
    const actor = this.runningActor;
    if (actor === undefined) return;
    if (this.host) this.host.stopActor(this.self(), actor);
    else actor.stop();
  }

  /** Sends an event to the chart (waking a dormant breaker), after the batch; nothing once stopped. */
  protected send(event: Parameters<Actor<BreakerMachine>['send']>[0]): void {
    if (this.isStopped) return;
    this.flush();
    this.actor.send(event);
  }

  /** Sends the batched failures and rejections, if any: before any other event, any timer, any read. @internal */
  flush(): void {
    const actor = this.runningActor;
    if (actor !== undefined && !this.batch.empty) this.batch.sendTo(actor);
  }

  /** Calls admitted and not yet settled (a registry never evicts a tool with calls in flight). @internal */
  get inFlight(): number {
    return this.counts.inFlight;
  }

  /** Slow calls among the outcomes a window counts (what the fleet's slow-call rate sums). @internal */
  get countedSlowCalls(): number {
    return this.counts.countedSlowCalls;
  }

  /** Cumulative counts of this breaker's calls, outcomes, rejections and transitions (see `BreakerStats`). */
  stats(): BreakerStats {
    return this.counts.read();
  }

  /**
   * Measures every call's duration (into `durationHistogram`, and `listener` if given) until
   * the returned function is called. For metrics exporters. @internal
   */
  measureDurations(listener?: DurationListener): () => void {
    const sinks = (this.#ownSinks ??= new DurationSinks());
    return sinks.observe(
      listener,
      () => this.attachDurations(sinks),
      () => this.detachDurations(),
    );
  }

  /** Measures durations into `sinks` (a registry's, shared by its breakers). @internal */
  attachDurations(sinks: DurationSinks): void {
    this.durations ??= new DurationRecorder(sinks);
    this.measuresDurations = true;
  }

  /** Stops measuring durations unless a slow-call rule needs them. @internal */
  detachDurations(): void {
    const { window, slowCallDurationMs } = this.options.config;
    this.measuresDurations = window !== null && slowCallDurationMs !== null;
  }

  /** The measured durations of one outcome; undefined unless durations were ever measured. @internal */
  durationHistogram(outcome: CallOutcome): DurationHistogram | undefined {
    return this.durations?.histogram(outcome);
  }
}
