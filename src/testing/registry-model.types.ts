/** The types of the registry test model (`createRegistryTestModel`). */
import type { TestModel, TestPath } from 'xstate/graph';
import type { SnapshotFrom } from 'xstate';
import type { BreakerConfig, BreakerEmitted } from '../../machines/breaker.types.js';
import type { ErrorCategory } from '../../machines/categories.js';
import type { RegistryEmitted, RegistryMachine } from '../../machines/registry.machine.js';
import type { BreakerModelSnapshot } from './machine.js';
import type { BreakerTestModelOptions } from './model.js';

/** Breaker options of the modelled tools (durations in milliseconds; `jitter` must be 0). */
export type ToolModelOptions = Omit<
  BreakerTestModelOptions,
  'categories' | 'restore' | 'staleResults' | 'startAt' | 'cover'
>;

/** Options of `createRegistryTestModel`. */
export interface RegistryTestModelOptions {
  /** The tools the model calls (two or three keep it small). */
  readonly tools: readonly string[];
  /** Breaker options of every tool. */
  readonly defaults?: ToolModelOptions;
  /** Breaker options over the defaults, by exact tool name. */
  readonly overrides?: Readonly<Record<string, ToolModelOptions>>;
  /** The registry's `maxOpenCircuits`; reachable values make `recoveryPause` reachable. @default none */
  readonly maxOpenCircuits?: number;
  /** The registry's `shardCapacity` (1 opens a shard per breaker, and retires emptied ones). @default 1024 */
  readonly shardCapacity?: number;
  /** Failure categories the model reports. @default a counting and a non-counting one */
  readonly categories?: readonly ErrorCategory[];
  /** Epoch milliseconds the model and the `TestClock` start at. @default 0 */
  readonly startAt?: number;
  /**
   * Whether the registry runs with an inspection observer: every tool then gets a live actor
   * when first seen, and the breakers send every event (no batching). @default false
   */
  readonly inspect?: boolean;
  /**
   * What the shortest paths reach: every `state` of the model; every state and every way to
   * get there by forgetting tools (`resets`: `registry.reset` and `registry.resetAll` from
   * every state, which shortest paths to states alone never take, since they lead back to
   * states reached sooner); or every `transition` (many more paths). @default 'resets'
   */
  readonly cover?: 'states' | 'resets' | 'transitions';
}

/** Whether the registry knows a tool, and whether its breaker has a live actor. */
export type ToolPresence = 'unseen' | 'dormant' | 'live';

/** One tool in the model. */
export interface ToolModel {
  readonly tool: string;
  readonly presence: ToolPresence;
  /** The tool's breaker, a snapshot of `breakerTestMachine` whose time is the model's. */
  readonly breaker: BreakerModelSnapshot;
  /** When its pending timer was set, relative to the other tools' (ties fire in that order); null: none. */
  readonly armed: number | null;
  /** The registry chart's shard its live actor was spawned in; null: none. */
  readonly shard: string | null;
}

/** An event the registry emits, as a listener of `registry.on` receives it. */
export type RegistryModelEmitted =
  | (Exclude<BreakerEmitted, { type: 'rejected' }> & { readonly tool: string })
  | (Extract<BreakerEmitted, { type: 'rejected' }> & { readonly tool: string })
  | (Extract<RegistryEmitted, { type: 'recoveryPause' }> & { readonly openTools: readonly string[] })
  | Extract<RegistryEmitted, { type: 'recoveryResumed' }>;

/** What the last step did, for the runner to compare. */
export interface RegistryModelStep {
  /** Events of the registry, in the order its listeners receive them. */
  readonly emitted: readonly RegistryModelEmitted[];
  /** Edges of `registryMachine` taken, named as `machineGraphKeys` names them. */
  readonly registryEdges: readonly string[];
  /** The tool whose call was admitted (call.requested), if any. */
  readonly admitted: boolean | null;
}

/** The registry chart's snapshot. */
export type RegistrySnapshot = SnapshotFrom<RegistryMachine>;

/** A state of the model: every tool, the registry chart, the open circuits in order, the time. */
export interface RegistryModelSnapshot {
  readonly status: 'active';
  readonly output: undefined;
  readonly error: undefined;
  /** Epoch milliseconds. */
  readonly now: number;
  readonly tools: readonly ToolModel[];
  readonly registry: RegistrySnapshot;
  /** `registry.openCircuits()`: open or isolated tools, in the order they opened. */
  readonly openTools: readonly string[];
  readonly timersSet: number;
  readonly last: RegistryModelStep;
}

/** Events of the model. Tool events are the breaker chart's, for one tool. */
export type RegistryModelEvent =
  | { readonly type: 'call.requested'; readonly tool: string; readonly intent?: 'late' }
  | { readonly type: 'call.succeeded'; readonly tool: string }
  | { readonly type: 'call.failed'; readonly tool: string; readonly category: ErrorCategory }
  | { readonly type: 'call.released'; readonly tool: string }
  | { readonly type: 'breaker.reset'; readonly tool: string }
  | { readonly type: 'breaker.isolate'; readonly tool: string }
  | { readonly type: 'breaker.release'; readonly tool: string }
  | { readonly type: 'registry.reset'; readonly tool: string }
  | { readonly type: 'registry.resetAll' }
  | { readonly type: 'clock.advance' };

/** A test path of the registry model. */
export type RegistryTestPath = TestPath<RegistryModelSnapshot, RegistryModelEvent>;

/** An `xstate/graph` test model of a registry, with the configuration it was made for. */
export interface RegistryTestModel extends TestModel<RegistryModelSnapshot, RegistryModelEvent, undefined> {
  /** The options the model was made with. */
  readonly registryOptions: RegistryTestModelOptions & { readonly startAt: number };
  /** The resolved breaker configuration of each tool. */
  readonly configs: ReadonlyMap<string, BreakerConfig>;
  /** The model's initial state. */
  readonly initial: RegistryModelSnapshot;
  /** The model's transition function (`runRegistryPath` replays paths with it). */
  next(snapshot: RegistryModelSnapshot, event: RegistryModelEvent): RegistryModelSnapshot;
}
