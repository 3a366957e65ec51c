/**
 * The registry statechart: what a registry of per-tool breakers knows as a whole, and the parent
 * of their actors. Each tool that has state worth a live actor (the others are closed and
 * dormant) gets its own `breakerMachine` actor, spawned by this chart through a shard
 * (`registryShard`, at most `SHARD_CAPACITY` breakers each, the tool's name as the child's id)
 * on `breaker.spawn`, and stopped there on `breaker.stop`; a shard that is full makes the chart
 * open the next one, and one emptied after that is stopped. Every live breaker is in its
 * shard's snapshot `children`. A shard is actor logic (`registryShardLogic`) that adds and deletes
 * its children in place, so a spawn or a stop costs the same whatever it holds, and the registry
 * holds few shards (XState copies its `children` on every shard it stops). The chart also counts them, and turns the open circuits into the
 * recovery pause: entered when they reach `maxOpenCircuits`, left when they drop below it.
 *
 *   breaker.spawn ──(shard full)──▶ openShard; routeSpawn ──▶ shard: spawnBreaker
 *   breaker.stop ──▶ routeStop ──▶ shard: stopBreaker;  shard.emptied ──(not the open one)──▶ stopShard
 *   running ──(openCircuits >= maxOpenCircuits)──▶ recoveryPause ──(below)──▶ running
 *   tool.* ──▶ routeToolEvent (registry.protocol.ts);  breaker.reported ──▶ emitReported, countReported
 *
 * A registry driven by a user's machine with the tool events alone (no runtime class) spawns a
 * breaker for each tool it is asked about and keeps it; a registry of `createRegistry` is driven
 * by the runtime (`breaker.spawn`, `breaker.stop`, `breaker.opened`, `breaker.recovered`).
 */
import { assign, emit, enqueueActions, sendTo, setup, stopChild } from 'xstate';
import type { AnyActorRef } from 'xstate';
import type { BreakerConfig, BreakerInput } from './breaker.types.js';
import {
  breakerEventOf,
  breakerSystemId,
  spawnsBreaker,
  toolConfig,
  toolEventProblem,
  type BreakerReported,
  type RegistryToolEvent,
  type ToolConfigs,
  type ToolEmitted,
  type ToolEventWarning,
  type ToolSpawn,
} from './registry.protocol.js';
import { registryShardLogic, SHARD_CAPACITY, type ShardEmptied } from './registry.shard.js';

export interface RegistryContext {
  /** Breakers open or isolated now. */
  readonly openCircuits: number;
  /** Breakers that have a live actor now (the others are closed and dormant). */
  readonly liveBreakers: number;
  /** Open circuits that start a recovery pause; null: never. */
  readonly maxOpenCircuits: number | null;
  /** The id of the shard new breakers are spawned in; null before the first. */
  readonly spawningShard: string | null;
  /** Breakers spawned in `spawningShard` so far. */
  readonly shardFill: number;
  /** Shards opened so far (the next one's id is `shard.<shardsOpened>`). */
  readonly shardsOpened: number;
  /** Breakers spawned in a shard before the next one is opened. */
  readonly shardCapacity: number;
  /** The breaker configurations of the tool events (`tool.request` …). */
  readonly toolConfigs: ToolConfigs;
}

export interface RegistryInput {
  readonly maxOpenCircuits?: number | null;
  /** Breakers spawned in a shard before the next one is opened. @default SHARD_CAPACITY (1024) */
  readonly shardCapacity?: number;
  /**
   * The configuration of every tool driven by the tool events (`resolveBreakerConfig(options)`);
   * required before the first `tool.request` or `tool.isolate`.
   */
  readonly breaker?: BreakerConfig;
  /** Configurations of single tools driven by the tool events. */
  readonly tools?: Readonly<Record<string, BreakerConfig>>;
}

export type RegistryEvent =
  | {
      readonly type: 'breaker.spawn';
      readonly tool: string;
      /** The breaker chart's input (its config, and a `start` for a restored or waking breaker). */
      readonly input: BreakerInput;
      /** Spawned for the tool events: its systemId and the event that spawned it. */
      readonly tools?: ToolSpawn;
    }
  | {
      readonly type: 'breaker.stop';
      readonly tool: string;
      /** The shard the breaker was spawned in (the registry's `spawningShard` then). */
      readonly shard: string;
      /** The circuit was open or isolated: one event stops it and counts it recovered. */
      readonly wasOpen?: boolean;
    }
  | ShardEmptied
  | { readonly type: 'breaker.opened'; readonly tool: string }
  | { readonly type: 'breaker.recovered'; readonly tool: string }
  | { readonly type: 'registry.resetAll' }
  | RegistryToolEvent
  | BreakerReported;

export type RegistryEmitted =
  | { readonly type: 'recoveryPause'; readonly openCircuits: number; readonly limit: number }
  | { readonly type: 'recoveryResumed'; readonly openCircuits: number }
  | ToolEmitted
  | ToolEventWarning;

export const registryMachine = setup({
  types: {
    context: {} as RegistryContext,
    events: {} as RegistryEvent,
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the assertion types `input`
    input: {} as RegistryInput,
    emitted: {} as RegistryEmitted,
  },
  actors: { registryShard: registryShardLogic },
  guards: {
    hasShardRoom: ({ context }) =>
      context.spawningShard !== null && context.shardFill < context.shardCapacity,
    isRetiredShard: ({ context, event }) =>
      event.type === 'shard.emptied' && event.shard !== context.spawningShard,
    isPauseLimitReached: ({ context }) =>
      context.maxOpenCircuits !== null && context.openCircuits >= context.maxOpenCircuits,
    isBelowPauseLimit: ({ context }) =>
      context.maxOpenCircuits === null || context.openCircuits < context.maxOpenCircuits,
    wasOpenCircuit: ({ event }) => event.type === 'breaker.stop' && event.wasOpen === true,
  },
  actions: {
    openShard: enqueueActions(({ context, enqueue }) => {
      const id = `shard.${context.shardsOpened}`;
      enqueue.spawnChild('registryShard', { id, input: { id } });
      enqueue.assign({ spawningShard: id, shardFill: 0, shardsOpened: context.shardsOpened + 1 });
    }),
    routeSpawn: sendTo(
      ({ context }) => context.spawningShard ?? '',
      ({ event }) => ({
        type: 'breaker.spawn' as const,
        tool: event.type === 'breaker.spawn' ? event.tool : '',
        input: event.type === 'breaker.spawn' ? event.input : (undefined as never),
        ...(event.type === 'breaker.spawn' && event.tools !== undefined ? { tools: event.tools } : {}),
      }),
    ),
    /**
     * Sends a tool event to the tool's breaker as the breaker chart's event, stamped with
     * `Date.now()` when it carries no `at`. A tool without a breaker gets one for a request or an
     * isolation (`breaker.spawn`, the event sent once it has started); other events for it are
     * dropped (an outcome of a breaker that is gone changes nothing). A malformed event is
     * dropped with a `warning` (`toolEventProblem`).
     */
    routeToolEvent: enqueueActions(({ context, event, self, system, enqueue }) => {
      const toolEvent = event as RegistryToolEvent;
      const problem = toolEventProblem(toolEvent);
      if (problem !== undefined) {
        enqueue.emit({ type: 'warning', message: `tripstate: registryMachine dropped ${problem}` });
        return;
      }
      const breakerEvent = breakerEventOf(toolEvent, toolEvent.at ?? Date.now());
      const systemId = breakerSystemId(self, toolEvent.tool);
      const breaker = (system as { get(id: string): AnyActorRef | undefined }).get(systemId);
      if (breaker !== undefined) {
        enqueue.sendTo(breaker, breakerEvent);
        return;
      }
      if (!spawnsBreaker(toolEvent)) return;
      enqueue.raise({
        type: 'breaker.spawn',
        tool: toolEvent.tool,
        input: { config: toolConfig(context.toolConfigs, toolEvent.tool) },
        tools: { systemId, first: breakerEvent },
      });
    }),
    /** Emits a breaker's reported event with its tool. */
    emitReported: emit(({ event }) => {
      const { tool, event: reported } = event as BreakerReported;
      return { ...reported, tool };
    }),
    /** Counts the open circuits from the breakers' reported events. */
    countReported: assign({
      openCircuits: ({ context, event }) =>
        Math.max(0, context.openCircuits + (event as BreakerReported).openDelta),
    }),
    routeStop: sendTo(
      ({ event }) => (event.type === 'breaker.stop' ? event.shard : ''),
      ({ event }) => ({
        type: 'breaker.stop' as const,
        tool: event.type === 'breaker.stop' ? event.tool : '',
      }),
    ),
    stopShard: stopChild(({ event }) => (event.type === 'shard.emptied' ? event.shard : '')),
    stopShards: enqueueActions(({ self, enqueue }) => {
      for (const id of Object.keys(self.getSnapshot().children as object)) enqueue.stopChild(id);
    }),
    countSpawned: assign({
      liveBreakers: ({ context }) => context.liveBreakers + 1,
      shardFill: ({ context }) => context.shardFill + 1,
    }),
    countStopped: assign({ liveBreakers: ({ context }) => Math.max(0, context.liveBreakers - 1) }),
    countOpened: assign({ openCircuits: ({ context }) => context.openCircuits + 1 }),
    countRecovered: assign({ openCircuits: ({ context }) => Math.max(0, context.openCircuits - 1) }),
    clearCounts: assign({ openCircuits: 0, liveBreakers: 0, spawningShard: null, shardFill: 0 }),
    emitRecoveryPause: emit(({ context }) => ({
      type: 'recoveryPause' as const,
      openCircuits: context.openCircuits,
      limit: context.maxOpenCircuits ?? 0,
    })),
    emitRecoveryResumed: emit(({ context }) => ({
      type: 'recoveryResumed' as const,
      openCircuits: context.openCircuits,
    })),
  },
}).createMachine({
  id: 'registry',
  context: ({ input }) => ({
    openCircuits: 0,
    liveBreakers: 0,
    maxOpenCircuits: input.maxOpenCircuits ?? null,
    spawningShard: null,
    shardFill: 0,
    shardsOpened: 0,
    shardCapacity: input.shardCapacity ?? SHARD_CAPACITY,
    toolConfigs: { breaker: input.breaker, tools: input.tools },
  }),
  initial: 'running',
  on: {
    'breaker.spawn': [
      { guard: 'hasShardRoom', actions: ['routeSpawn', 'countSpawned'] },
      { actions: ['openShard', 'routeSpawn', 'countSpawned'] },
    ],
    'breaker.stop': [
      { guard: 'wasOpenCircuit', actions: ['routeStop', 'countStopped', 'countRecovered'] },
      { actions: ['routeStop', 'countStopped'] },
    ],
    'shard.emptied': { guard: 'isRetiredShard', actions: 'stopShard' },
    'breaker.opened': { actions: 'countOpened' },
    'breaker.recovered': { actions: 'countRecovered' },
    'registry.resetAll': { actions: ['stopShards', 'clearCounts'] },
    'tool.request': { actions: 'routeToolEvent' },
    'tool.succeeded': { actions: 'routeToolEvent' },
    'tool.failed': { actions: 'routeToolEvent' },
    'tool.released': { actions: 'routeToolEvent' },
    'tool.reset': { actions: 'routeToolEvent' },
    'tool.isolate': { actions: 'routeToolEvent' },
    'tool.release': { actions: 'routeToolEvent' },
    'breaker.reported': { actions: ['emitReported', 'countReported'] },
  },
  states: {
    running: {
      always: { guard: 'isPauseLimitReached', target: 'recoveryPause' },
    },
    recoveryPause: {
      entry: 'emitRecoveryPause',
      exit: 'emitRecoveryResumed',
      always: { guard: 'isBelowPauseLimit', target: 'running' },
    },
  },
});

/** The registry machine's type. */
export type RegistryMachine = typeof registryMachine;
