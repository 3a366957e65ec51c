/**
 * A shard of the registry chart: the parent of up to `SHARD_CAPACITY` breaker actors
 * (`breakerMachine`, the tool's name as the child's id), spawned and stopped on the registry's
 * events. It is XState actor logic, not a machine: a machine's `spawnChild` and `stopChild` copy
 * its whole `children` record (a spread, then a `delete`), and a stopping machine resolves one
 * `stopChild` per child, so k children cost O(k) per spawn or stop and O(k²) to stop them all.
 * The shard keeps its children in one record that it adds to and deletes from in place, and
 * spawns and stops them the way XState's own `spawnChild` and `stopChild` do (a child created
 * with the shard as its parent and started, or stopped, once the step is done: `actorScope.defer`).
 * Every breaker it holds is in its snapshot's `children`, as a machine's would be.
 *
 *   breaker.spawn ──▶ spawnBreaker (children[tool]);  breaker.stop ──▶ stopBreaker, and when the
 *   last one stops, reportEmptied (shard.emptied to the registry);  xstate.stop ──▶ stopBreakers
 */
import {
  createActor,
  type Actor,
  type ActorLogic,
  type ActorScope,
  type ActorSystem,
  type AnyActorRef,
  type EventObject,
  type Snapshot,
} from 'xstate';
import { breakerMachine, type BreakerMachine } from './breaker.machine.js';
import type { BreakerInput } from './breaker.types.js';
import { isReported, openDeltaOf, type BreakerReported, type ToolSpawn } from './registry.protocol.js';

/**
 * The most breakers one shard spawns. A shard's spawn and stop cost the same whatever it holds;
 * the capacity bounds how many shards the registry chart holds (XState copies the registry's
 * `children` on every shard it stops), and what one shard's stop does at once.
 */
export const SHARD_CAPACITY = 1024;

export interface RegistryShardContext {
  /** This shard's id among the registry's children. */
  readonly id: string;
  /** Breakers spawned by this shard and not stopped yet. */
  readonly breakers: number;
}

export type RegistryShardEvent =
  | {
      readonly type: 'breaker.spawn';
      readonly tool: string;
      readonly input: BreakerInput;
      /** Spawned for the registry's tool events: found by its systemId, reports its events. */
      readonly tools?: ToolSpawn;
    }
  | { readonly type: 'breaker.stop'; readonly tool: string };

/** What a shard tells the registry. */
export interface ShardEmptied {
  readonly type: 'shard.emptied';
  readonly shard: string;
}

/** A shard's snapshot: its count and its breaker actors, by tool (changed in place). */
export type RegistryShardSnapshot = Snapshot<undefined> & {
  readonly context: RegistryShardContext;
  readonly children: Record<string, Actor<BreakerMachine>>;
};

/** How a shard's snapshot is persisted: its count and each breaker's persisted snapshot. */
export type PersistedShardSnapshot = Snapshot<undefined> & {
  readonly context: RegistryShardContext;
  readonly children: Record<string, { readonly src: 'breaker'; readonly snapshot: Snapshot<unknown> }>;
};

/** Any actor system, named through `xstate`'s root export (so the registry chart's type can be named). */
type ShardSystem = ActorSystem<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- any system

type ShardScope = ActorScope<RegistryShardSnapshot, RegistryShardEvent, ShardSystem>;

/** XState's actor system relays an event with its source (what `sendParent` does); internal in 5.33. */
interface Relaying {
  _relay(source: AnyActorRef, target: AnyActorRef, event: EventObject): void;
}

/** A children record with no prototype: any tool name is an own key (`__proto__` too). */
const emptyChildren = (): Record<string, Actor<BreakerMachine>> =>
  Object.create(null) as Record<string, Actor<BreakerMachine>>;

const active = (context: RegistryShardContext, children: RegistryShardSnapshot['children']) =>
  ({ status: 'active', output: undefined, error: undefined, context, children }) as RegistryShardSnapshot;

/** The shard's named steps, each O(1) in what the shard holds (but `stopBreakers`: O(k)). */
const steps = {
  /**
   * Creates the tool's breaker actor as the shard's child; it starts once the step is done. One
   * spawned for the registry's tool events gets its systemId, reports its events to the registry
   * (`reportEvents`), and is sent the event that spawned it once started.
   */
  spawnBreaker(
    snapshot: RegistryShardSnapshot,
    tool: string,
    input: BreakerInput,
    scope: ShardScope,
    tools?: ToolSpawn,
  ): void {
    const child = createActor(breakerMachine, {
      id: tool,
      src: 'breaker',
      parent: scope.self,
      input,
      ...(tools === undefined ? {} : { systemId: tools.systemId }),
    });
    snapshot.children[tool] = child;
    if (tools === undefined) {
      scope.defer(() => child.start());
      return;
    }
    steps.reportEvents(tool, child, scope);
    scope.defer(() => {
      child.start();
      child.send(tools.first);
    });
  },
  /**
   * Relays the breaker's `opened`, `halfOpened`, `isolated` and `closed` to the registry as
   * `breaker.reported`, with whether the tool now counts as an open circuit.
   */
  reportEvents(tool: string, child: Actor<BreakerMachine>, scope: ShardScope): void {
    const registry = scope.self._parent;
    if (registry === undefined) return;
    let countedOpen = false;
    child.on('*', (event) => {
      if (!isReported(event)) return;
      const openDelta = openDeltaOf(event, countedOpen);
      countedOpen = openDelta === 0 ? countedOpen : openDelta > 0;
      const reported: BreakerReported = { type: 'breaker.reported', tool, event, openDelta };
      (scope.system as unknown as Relaying)._relay(scope.self, registry, reported);
    });
  },
  /** Takes the tool's breaker actor out of the shard; it stops once the step is done. */
  stopBreaker(snapshot: RegistryShardSnapshot, tool: string, scope: ShardScope): boolean {
    const child = snapshot.children[tool];
    if (child === undefined) return false;
    delete snapshot.children[tool];
    scope.defer(() => scope.stopChild(child));
    return true;
  },
  /** Tells the registry that the shard's last breaker stopped. */
  reportEmptied(snapshot: RegistryShardSnapshot, scope: ShardScope): void {
    const parent = scope.self._parent;
    if (parent === undefined) return;
    const event: ShardEmptied = { type: 'shard.emptied', shard: snapshot.context.id };
    const { _relay: relay } = scope.system as unknown as Partial<Relaying>;
    // With its source, as `sendParent` does (the inspector sees who sent it); a plain send else.
    scope.defer(() => (relay ? relay.call(scope.system, scope.self, parent, event) : parent.send(event)));
  },
  /** The shard stops: every breaker it holds stops with it. */
  stopBreakers(snapshot: RegistryShardSnapshot, scope: ShardScope): void {
    const children = Object.values(snapshot.children);
    scope.defer(() => {
      for (const child of children) scope.stopChild(child);
    });
  },
};

/** The registry shard's actor logic (`registryShard` in the registry chart's `actors`). */
export const registryShardLogic: ActorLogic<
  RegistryShardSnapshot,
  RegistryShardEvent,
  { readonly id: string },
  ShardSystem
> = {
  getInitialSnapshot: (_scope, input) => active({ id: input.id, breakers: 0 }, emptyChildren()),
  transition(snapshot, event, scope) {
    if (snapshot.status !== 'active') return snapshot;
    const { context } = snapshot;
    switch (event.type) {
      case 'breaker.spawn': {
        if (snapshot.children[event.tool] !== undefined) return snapshot; // one actor a tool
        steps.spawnBreaker(snapshot, event.tool, event.input, scope, event.tools);
        return active({ id: context.id, breakers: context.breakers + 1 }, snapshot.children);
      }
      case 'breaker.stop': {
        if (!steps.stopBreaker(snapshot, event.tool, scope)) return snapshot;
        const breakers = Math.max(0, context.breakers - 1);
        if (breakers === 0) steps.reportEmptied(snapshot, scope);
        return active({ id: context.id, breakers }, snapshot.children);
      }
      default: {
        if ((event as EventObject).type !== 'xstate.stop') return snapshot; // a child's done or error event
        steps.stopBreakers(snapshot, scope);
        return { ...snapshot, status: 'stopped' } as unknown as RegistryShardSnapshot;
      }
    }
  },
  /** A restored shard re-creates its breaker actors from their persisted snapshots... */
  restoreSnapshot(persisted, scope) {
    const { context, children: saved } = persisted as PersistedShardSnapshot;
    const children = emptyChildren();
    for (const [tool, { snapshot }] of Object.entries(saved))
      children[tool] = createActor(breakerMachine, {
        id: tool,
        src: 'breaker',
        parent: scope.self,
        snapshot,
        input: undefined, // unused: the snapshot holds the context
      });
    return active(context, children);
  },
  /** ...and starts them when it starts, as a machine starts its restored children. */
  start(snapshot) {
    for (const child of Object.values(snapshot.children))
      if (child.getSnapshot().status === 'active') child.start();
  },
  getPersistedSnapshot: (snapshot): PersistedShardSnapshot => {
    const children: PersistedShardSnapshot['children'] = {};
    for (const [tool, child] of Object.entries(snapshot.children))
      children[tool] = { src: 'breaker', snapshot: child.getPersistedSnapshot() };
    return {
      status: snapshot.status,
      output: undefined,
      error: undefined,
      context: snapshot.context,
      children,
    };
  },
};

/** The shard logic's type. */
export type RegistryShardLogic = typeof registryShardLogic;
