import type { Actor, AnyActorRef } from 'xstate';
import type { BreakerMachine } from '../../machines/breaker.machine.js';
import type { BreakerEmitted, BreakerInput } from '../../machines/breaker.types.js';
import type { RegistryMachine } from '../../machines/registry.machine.js';
import type { Breaker, BreakerHost } from '../breaker.js';
import type { RegistryEventMap } from './events.js';
import type { ToolSlot } from './slot.js';

type ToolEventType = 'opened' | 'halfOpened' | 'closed' | 'isolated';
const TOOL_EVENTS: ReadonlySet<string> = new Set<ToolEventType>([
  'opened',
  'halfOpened',
  'closed',
  'isolated',
]);

/** What the registry lends its live breakers: its tools, its listeners, its store. */
export interface LiveBreakersOwner {
  /** The tool's slot in the registry now, if any. */
  slot(tool: string): ToolSlot | undefined;
  /** The tool's circuit closed: it may be evicted again. */
  unpin(slot: ToolSlot): void;
  emit<K extends keyof RegistryEventMap>(type: K, event: RegistryEventMap[K]): void;
  /** True when someone listens to the registry's `type` event. */
  listens(type: keyof RegistryEventMap): boolean;
  /** The tool's state changed: the store saves it. */
  changed(tool: string): void;
  /** A breaker's call failed with a category that counts (a fleet share's outbox sends it to the fleet's count). */
  countedFailure?(breaker: Breaker): void;
  /** A breaker's call succeeded slowly (a fleet share then follows the tool's window). */
  slowSuccess?(breaker: Breaker): void;
}

/**
 * The breakers of a registry that have a live actor (spawned by the registry chart in one of its
 * shards), and what the chart counts of them: it spawns one, hears when it opens and recovers,
 * and stops it (`breaker.spawn`, `breaker.opened`, `breaker.recovered`, `breaker.stop`), one
 * event each, and
 * an open circuit that is stopped is counted recovered by its stop event. Also the breakers
 * holding batched failures or rejections, flushed before any timer of the system fires.
 */
export class LiveBreakers {
  /** Breakers with an actor now. */
  readonly live = new Set<Breaker>();
  /** Tools whose circuit is open or isolated. */
  readonly open = new Set<string>();
  /** Breakers that may hold batched failures or rejections. */
  readonly #batching = new Set<Breaker>();
  /** The open breaker `stop` is stopping: its stop event also counts it recovered. */
  #stoppingOpen: Breaker | undefined;
  /** The shard each live breaker's actor was spawned in. */
  readonly #shardOf = new Map<Breaker, string>();
  /** True while every breaker is stopped at once (`stopAll`): no stop event each. */
  #stoppingAll = false;
  /** Shared by every breaker of the registry: their actors are the registry actor's children. */
  readonly host: BreakerHost;

  constructor(
    readonly actor: Actor<RegistryMachine>,
    readonly owner: LiveBreakersOwner,
  ) {
    this.host = {
      spawnActor: (breaker, input) => this.#spawn(breaker, input),
      adopt: (breaker) => this.#adopt(breaker),
      stopActor: (breaker) => {
        this.live.delete(breaker);
        this.#batching.delete(breaker); // flushed by its stop(); nothing keeps it alive here
        const wasOpen = this.#stoppingOpen === breaker;
        this.#stoppingOpen = undefined;
        const shard = this.#shardOf.get(breaker);
        this.#shardOf.delete(breaker);
        // Stopping them all: the registry actor stops every shard with its breakers at once.
        if (this.#stoppingAll || shard === undefined) return;
        actor.send({ type: 'breaker.stop', tool: breaker.tool as string, shard, wasOpen });
      },
      batching: (breaker) => void this.#batching.add(breaker),
      countedFailure: (breaker) => owner.countedFailure?.(breaker),
      slowSuccess: (breaker) => owner.slowSuccess?.(breaker),
      listenerThrew: (breaker, type, error) =>
        owner.emit('warning', {
          type: 'warning',
          message: `tripstate: a ${type} listener of ${JSON.stringify((breaker.tool ?? '').slice(0, 200))} threw`,
          error,
        }),
    };
  }

  /** Keeps the set of open circuits and the registry chart's count in step. */
  track(tool: string, open: boolean, announce?: () => void): void {
    const changed = open !== this.open.has(tool);
    if (changed && open) this.open.add(tool);
    else if (changed) this.open.delete(tool);
    announce?.();
    if (!changed) return;
    this.actor.send({ type: open ? 'breaker.opened' : 'breaker.recovered', tool });
  }

  /** Stops the breaker of a tool taken out of the registry. */
  stop(slot: ToolSlot): void {
    // An open circuit has an actor: the chart hears of its stop and its recovery in one event.
    if (this.open.delete(slot.tool)) this.#stoppingOpen = slot.breaker;
    slot.breaker.stop();
    if (this.#stoppingOpen === slot.breaker) {
      // Stopped before (the registry is stopping): no stop event carried the recovery.
      this.#stoppingOpen = undefined;
      this.actor.send({ type: 'breaker.recovered', tool: slot.tool });
    }
  }

  /**
   * Stops every live breaker with `stopBreaker` (which stops each, calling back `stopActor`)
   * and then their actors at once: `registry.resetAll` has the chart stop every shard, or the
   * registry actor's own stop does. One event in all, not one per breaker.
   */
  stopAll(stopBreaker: (breaker: Breaker) => void): void {
    this.#stoppingAll = true;
    try {
      for (const breaker of [...this.live]) stopBreaker(breaker);
    } finally {
      this.#stoppingAll = false;
    }
    this.live.clear();
    this.#shardOf.clear();
    this.#batching.clear();
  }

  /** Sends every breaker's batched failures and rejections to its actor. */
  flushBatches(): void {
    if (this.#batching.size === 0) return;
    const batching = [...this.#batching];
    this.#batching.clear();
    for (const breaker of batching) breaker.flush();
  }

  /** Forwards the breaker's `rejected` events to the registry's listeners. */
  forwardRejections(breaker: Breaker): void {
    const tool = breaker.tool as string;
    breaker.on('rejected', (event) => this.owner.emit('rejected', { ...event, tool }));
  }

  /** The registry chart spawns the breaker's actor in its open shard: the started child. */
  #spawn(breaker: Breaker, input: BreakerInput): Actor<BreakerMachine> {
    const tool = breaker.tool as string;
    const registry = this.actor;
    registry.send({ type: 'breaker.spawn', tool, input });
    const shard = registry.getSnapshot().context.spawningShard as string;
    const shardRef = (registry.getSnapshot().children as Record<string, AnyActorRef | undefined>)[shard];
    const children = (shardRef?.getSnapshot() as { children?: Record<string, unknown> } | undefined)
      ?.children;
    const child = children?.[tool] as Actor<BreakerMachine> | undefined;
    if (child === undefined)
      throw new Error(`tripstate: the registry chart did not spawn ${JSON.stringify(tool.slice(0, 200))}`);
    this.#shardOf.set(breaker, shard);
    return child;
  }

  /** A breaker just got its actor: count it, follow its state, forward its events. */
  #adopt(breaker: Breaker): void {
    const tool = breaker.tool as string;
    const owner = this.owner;
    this.live.add(breaker);
    // One wildcard subscription (XState keeps one set of them per actor), not one per event type.
    breaker.actor.on('*', (event: BreakerEmitted) => {
      const type = event.type;
      if (!TOOL_EVENTS.has(type)) return;
      const slot = owner.slot(tool);
      if (slot?.breaker !== breaker) return;
      if (type === 'closed') owner.unpin(slot);
      // The event first, then the registry's reaction to it (a recoveryPause it causes).
      this.track(tool, type === 'opened' || type === 'isolated', () =>
        owner.emit(type as ToolEventType, { ...event, tool } as RegistryEventMap[ToolEventType]),
      );
      owner.changed(tool);
    });
    if (owner.listens('rejected')) this.forwardRejections(breaker);
  }
}
