/**
 * A shard of the registry chart: spawns and stops breaker actors (`breakerMachine`, the tool's
 * name as the child's id) on the registry's events. XState copies a parent's whole `children`
 * record on every spawn and stop, so one parent of n breakers costs O(n²); a shard holds at
 * most `SHARD_CAPACITY` of them and the registry opens a new shard when the current one is full.
 *
 *   breaker.spawn ──▶ spawnBreaker (children[tool]);  breaker.stop ──▶ stopBreaker, and when the
 *   last one stops, shard.emptied to the registry
 */
import { assign, sendParent, setup, spawnChild, stopChild } from 'xstate';
import { breakerMachine } from './breaker.machine.js';
import type { BreakerInput } from './breaker.types.js';

/** The most breakers one shard spawns. */
export const SHARD_CAPACITY = 32;

export interface RegistryShardContext {
  /** This shard's id among the registry's children. */
  readonly id: string;
  /** Breakers spawned by this shard and not stopped yet. */
  readonly breakers: number;
}

export type RegistryShardEvent =
  | { readonly type: 'breaker.spawn'; readonly tool: string; readonly input: BreakerInput }
  | { readonly type: 'breaker.stop'; readonly tool: string };

/** What a shard tells the registry. */
export interface ShardEmptied {
  readonly type: 'shard.emptied';
  readonly shard: string;
}

const toolOf = ({ event }: { readonly event: RegistryShardEvent }): string => event.tool;

export const registryShardMachine = setup({
  types: {
    context: {} as RegistryShardContext,
    events: {} as RegistryShardEvent,
    input: {} as { readonly id: string },
  },
  actors: { breaker: breakerMachine },
  guards: {
    isLastBreaker: ({ context }) => context.breakers === 1,
  },
  actions: {
    spawnBreaker: spawnChild('breaker', {
      id: toolOf,
      input: ({ event }) => (event.type === 'breaker.spawn' ? event.input : (undefined as never)),
    }),
    stopBreaker: stopChild(toolOf),
    countSpawned: assign({ breakers: ({ context }) => context.breakers + 1 }),
    countStopped: assign({ breakers: ({ context }) => Math.max(0, context.breakers - 1) }),
    reportEmptied: sendParent(({ context }): ShardEmptied => ({ type: 'shard.emptied', shard: context.id })),
  },
}).createMachine({
  id: 'registryShard',
  context: ({ input }) => ({ id: input.id, breakers: 0 }),
  on: {
    'breaker.spawn': { actions: ['spawnBreaker', 'countSpawned'] },
    'breaker.stop': [
      { guard: 'isLastBreaker', actions: ['stopBreaker', 'countStopped', 'reportEmptied'] },
      { actions: ['stopBreaker', 'countStopped'] },
    ],
  },
});

/** The shard machine's type. */
export type RegistryShardMachine = typeof registryShardMachine;
