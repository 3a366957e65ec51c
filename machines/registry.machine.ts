/**
 * The registry statechart: what a registry of per-tool breakers knows as a whole. Each
 * tool's breaker is its own `breakerMachine` actor, created in this actor's system with this
 * actor as parent (one per tool that has state worth a live actor), and reporting here when
 * it spawns, opens and recovers; the chart stops it (`breaker.stop`) when its tool is reset
 * or evicted. The chart turns that into the recovery pause: entered
 * when the open circuits reach `maxOpenCircuits`, left when they drop below it.
 *
 *   running ──(openCircuits >= maxOpenCircuits)──▶ recoveryPause ──(below)──▶ running
 */
import { assign, emit, setup, stopChild, type AnyActorRef } from 'xstate';

export interface RegistryContext {
  /** Breakers open or isolated now. */
  readonly openCircuits: number;
  /** Breakers that have a live actor now (the others are closed and dormant). */
  readonly liveBreakers: number;
  /** Open circuits that start a recovery pause; null: never. */
  readonly maxOpenCircuits: number | null;
}

export interface RegistryInput {
  readonly maxOpenCircuits?: number | null;
}

export type RegistryEvent =
  | { readonly type: 'breaker.spawned'; readonly tool: string }
  | {
      readonly type: 'breaker.stop';
      readonly tool: string;
      readonly breaker: AnyActorRef;
      /** The circuit was open or isolated: one event stops it and counts it recovered. */
      readonly wasOpen?: boolean;
    }
  | { readonly type: 'breaker.opened'; readonly tool: string }
  | { readonly type: 'breaker.recovered'; readonly tool: string }
  | { readonly type: 'registry.resetAll' };

export type RegistryEmitted =
  | { readonly type: 'recoveryPause'; readonly openCircuits: number; readonly limit: number }
  | { readonly type: 'recoveryResumed'; readonly openCircuits: number };

export const registryMachine = setup({
  types: {
    context: {} as RegistryContext,
    events: {} as RegistryEvent,
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the assertion types `input`
    input: {} as RegistryInput,
    emitted: {} as RegistryEmitted,
  },
  guards: {
    isPauseLimitReached: ({ context }) =>
      context.maxOpenCircuits !== null && context.openCircuits >= context.maxOpenCircuits,
    isBelowPauseLimit: ({ context }) =>
      context.maxOpenCircuits === null || context.openCircuits < context.maxOpenCircuits,
    wasOpenCircuit: ({ event }) => event.type === 'breaker.stop' && event.wasOpen === true,
  },
  actions: {
    countSpawned: assign({ liveBreakers: ({ context }) => context.liveBreakers + 1 }),
    countStopped: assign({ liveBreakers: ({ context }) => Math.max(0, context.liveBreakers - 1) }),
    stopBreaker: stopChild(({ event }) => (event.type === 'breaker.stop' ? event.breaker : '')),
    countOpened: assign({ openCircuits: ({ context }) => context.openCircuits + 1 }),
    countRecovered: assign({ openCircuits: ({ context }) => Math.max(0, context.openCircuits - 1) }),
    clearCounts: assign({ openCircuits: 0, liveBreakers: 0 }),
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
  }),
  initial: 'running',
  on: {
    'breaker.spawned': { actions: 'countSpawned' },
    'breaker.stop': [
      { guard: 'wasOpenCircuit', actions: ['stopBreaker', 'countStopped', 'countRecovered'] },
      { actions: ['stopBreaker', 'countStopped'] },
    ],
    'breaker.opened': { actions: 'countOpened' },
    'breaker.recovered': { actions: 'countRecovered' },
    'registry.resetAll': { actions: 'clearCounts' },
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
