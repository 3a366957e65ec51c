/**
 * The test variant of `breakerMachine`: the same chart, derived from its own config, in which
 * every delayed (`after`) transition becomes an explicit event, so that `xstate/graph`'s
 * `createTestModel` accepts it and a test fires each timer by moving a clock.
 */
import { assign, setup, type SnapshotFrom } from 'xstate';
import { breakerMachine } from '../../machines/breaker.machine.js';
import type { BreakerStateValue } from '../snapshot.js';
import type {
  BreakerContext,
  BreakerEmitted,
  BreakerEvent,
  BreakerInput,
} from '../../machines/breaker.types.js';

/** A delay of a machine and the explicit event that replaces its `after` transitions. */
export type TimerEvents = Readonly<Record<string, string>>;

/** The breaker's delays and their events: `after: backoff` → `clock.backoffElapsed`, and so on. */
export const BREAKER_TIMER_EVENTS = {
  backoff: 'clock.backoffElapsed',
  probeTimeout: 'clock.probeTimedOut',
  healthCheckGrace: 'clock.healthCheckDue',
  fleetAnswer: 'clock.fleetAnswerDue',
} as const satisfies TimerEvents;

/** What the model remembers besides the breaker's context. */
export interface ModelBookkeeping {
  /** The model's time, epoch milliseconds: the latest `at` of an event it took. */
  readonly now: number;
  /** True once the model restored the breaker from a persisted snapshot (`breaker.rearm`). */
  readonly restored: boolean;
  /** The generation whose probe is the health check (its result is the health check's, not a caller's). */
  readonly healthCheckGeneration: number | null;
}

/** The context of the test variant: the breaker's, plus the model's bookkeeping under `test`. */
export interface BreakerModelContext extends BreakerContext {
  readonly test: ModelBookkeeping;
}

/**
 * Events of the test variant: the breaker's, plus one per timer. A timer event's `at` is the
 * deadline at which the real timer fires (epoch milliseconds).
 */
export type BreakerModelEvent = (
  | BreakerEvent
  | { readonly type: 'clock.backoffElapsed'; readonly at: number }
  | { readonly type: 'clock.probeTimedOut'; readonly at: number }
  | { readonly type: 'clock.healthCheckDue'; readonly at: number }
  | { readonly type: 'clock.fleetAnswerDue'; readonly at: number }
) & {
  /**
   * What the event stands for, when its payload alone does not say it once states are merged:
   * `late` is a request after the backoff ended whose timer has not fired yet, `stale` a result
   * of a call admitted in an older generation, `sameFleet` a fleet event of the fleet generation
   * the breaker already has (without it, a fleet event is of a newer one). The machine ignores it.
   */
  readonly intent?: 'late' | 'stale' | 'sameFleet';
};

/** Input of the test variant: the breaker's, and the time the model starts at. */
export interface BreakerModelInput extends BreakerInput {
  /** Epoch milliseconds. @default 0 */
  readonly startAt?: number;
}

type Config = Record<string, unknown>;
type TransitionConfig = string | Config;

const isRecord = (value: unknown): value is Config =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asArray = <T>(value: T | readonly T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? [...(value as readonly T[])] : [value as T];

/** A transition with `actions` run before its own (a string transition is a target). */
function prependActions(transition: TransitionConfig, actions: readonly string[]): Config {
  const object: Config = typeof transition === 'string' ? { target: transition } : { ...transition };
  return { ...object, actions: [...actions, ...asArray(object.actions)] };
}

/**
 * Rewrites a machine config (state node config) so that each `after: { delay: transition }`
 * becomes `on: { [timers[delay]]: transition }`, and every transition first runs the actions
 * `actionsFor(eventType)` returns. Pure: the input is not changed. Throws for a delay that
 * has no event in `timers` or a numeric delay, so a new timer cannot go untested.
 */
export function timersAsEvents(
  node: Config,
  timers: TimerEvents,
  actionsFor: (eventType: string) => readonly string[] = () => [],
): Config {
  const on: Config = {};
  const add = (eventType: string, transitions: unknown): void => {
    const list = asArray<TransitionConfig>(transitions as TransitionConfig | TransitionConfig[]);
    on[eventType] = list.map((t) => prependActions(t, actionsFor(eventType)));
  };
  if (isRecord(node.on)) for (const [type, t] of Object.entries(node.on)) add(type, t);
  if (isRecord(node.after)) {
    for (const [delay, t] of Object.entries(node.after)) {
      const eventType = timers[delay];
      if (eventType === undefined) throw new Error(`timersAsEvents: no event for the delay "${delay}"`);
      if (eventType in on) throw new Error(`timersAsEvents: "${eventType}" is already an event here`);
      add(eventType, t);
    }
  }
  const states = isRecord(node.states)
    ? Object.fromEntries(
        Object.entries(node.states).map(([key, child]) => [
          key,
          timersAsEvents(child as Config, timers, actionsFor),
        ]),
      )
    : undefined;
  const { after: _after, ...rest } = node;
  return {
    ...rest,
    ...(Object.keys(on).length > 0 ? { on } : {}),
    ...(states ? { states } : {}),
  };
}

const baseContext = breakerMachine.config.context as (args: { input: BreakerInput }) => BreakerContext;
/** The machine's named guards, delays and actions, typed loosely to join the test variant's setup. */
const implementations = breakerMachine.implementations as unknown as {
  readonly guards: Record<string, () => boolean>;
  readonly delays: Record<string, () => number>;
  readonly actions: Record<string, never>;
};

const testSetup = setup({
  types: {
    context: {} as BreakerModelContext,
    events: {} as BreakerModelEvent,
    input: {} as BreakerModelInput,
    emitted: {} as BreakerEmitted,
  },
  guards: implementations.guards,
  delays: implementations.delays,
  actions: {
    ...implementations.actions,
    advanceModelClock: assign({
      test: ({ context, event }) =>
        'at' in event && event.at !== undefined && event.at > context.test.now
          ? { ...context.test, now: event.at }
          : context.test,
    }),
    markHealthCheck: assign({
      test: ({ context }) => ({ ...context.test, healthCheckGeneration: context.generation }),
    }),
    markRestored: assign({ test: ({ context }) => ({ ...context.test, restored: true }) }),
  },
});

/**
 * `breakerMachine` with its timers as events (`BREAKER_TIMER_EVENTS`), derived from the
 * machine's own config and implementations: the guards, actions and targets are the
 * machine's. The model's time (`context.test.now`) follows the `at` of every event taken.
 */
export const breakerTestMachine = testSetup.createMachine({
  ...(timersAsEvents(breakerMachine.config as Config, BREAKER_TIMER_EVENTS, (type) =>
    type === 'breaker.rearm'
      ? ['advanceModelClock', 'markRestored']
      : type === 'clock.healthCheckDue'
        ? ['advanceModelClock', 'markHealthCheck']
        : ['advanceModelClock'],
  ) as Parameters<typeof testSetup.createMachine>[0]),
  context: ({ input }) => ({
    ...baseContext({ input }),
    test: { now: input.startAt ?? 0, restored: false, healthCheckGeneration: null },
  }),
});

/** The type of `breakerTestMachine`. */
export type BreakerTestMachine = typeof breakerTestMachine;

/** A snapshot of `breakerTestMachine`. */
export type BreakerModelSnapshot = SnapshotFrom<BreakerTestMachine>;

/** The state value of a model snapshot (the derived config does not carry the value's type). */
export function modelValue(snapshot: BreakerModelSnapshot): BreakerStateValue {
  return snapshot.value as unknown as BreakerStateValue;
}

/** The XState event type of a machine's delayed transition, as `toDirectedGraph` labels it. */
export function afterEventType(delay: string, stateNodeId: string): string {
  return `xstate.after.${delay}.${stateNodeId}`;
}
