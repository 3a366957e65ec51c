/**
 * `createRegistryTestModel`: an `xstate/graph` test model of a registry of a few tools,
 * composed from the charts themselves: each tool is a `breakerTestMachine` (the breaker chart
 * with its timers as events), the registry is `registryMachine`, and one shared clock fires
 * the tools' timers in deadline order. `runRegistryPath` executes its paths against a real
 * registry.
 */
import { TestModel, type TestPath } from 'xstate/graph';
import {
  initialTransition,
  transition,
  type ActorLogic,
  type AnyActorRef,
  type AnyStateNode,
  type SnapshotFrom,
} from 'xstate';
import { breakerMachine } from '../../machines/breaker.machine.js';
import type { BreakerConfig, BreakerEmitted } from '../../machines/breaker.types.js';
import type { ErrorCategory } from '../../machines/categories.js';
import {
  registryMachine,
  type RegistryEmitted,
  type RegistryEvent,
  type RegistryMachine,
} from '../../machines/registry.machine.js';
import { resolveBreakerConfig } from '../options.js';
import { breakerTestMachine, type BreakerModelEvent, type BreakerModelSnapshot } from './machine.js';
import {
  initialModelSnapshot,
  modelState,
  serializeBreakerModelSnapshot,
  type BreakerTestModelOptions,
} from './model.js';
import { registryEdgesTaken } from './registry-coverage.js';

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

type RegistrySnapshot = SnapshotFrom<RegistryMachine>;

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

/** The pending timer of a tool's breaker: the test variant's event and its deadline. */
export function toolTimer(tool: ToolModel): { type: BreakerModelEvent['type']; at: number } | null {
  const c = tool.breaker.context;
  if (c.retryAt !== null) return { type: 'clock.backoffElapsed', at: c.retryAt };
  if (c.probeStartedAt !== null)
    return { type: 'clock.probeTimedOut', at: c.probeStartedAt + c.config.probeTimeoutMs };
  return null;
}

/** A breaker snapshot whose time is `now` (the tools share one clock). */
function atTime(snapshot: BreakerModelSnapshot, now: number): BreakerModelSnapshot {
  if (snapshot.context.test.now === now) return snapshot;
  return breakerTestMachine.resolveState({
    value: snapshot.value,
    context: { ...snapshot.context, test: { ...snapshot.context.test, now } },
  });
}

const emittedBy = <E>(actions: readonly { type: string; params?: unknown }[]): E[] =>
  actions
    .filter((action) => action.type === 'xstate.emit')
    .map((action) => (action.params as { event: E }).event);

/** A stand-in for the breaker actor `breaker.stop` carries (the model has no actors). */
const actorStandIn = (tool: string): AnyActorRef => ({ id: tool }) as unknown as AnyActorRef;

/** One step being built: the model's state, changed in place, and what it emits. */
class Step {
  now: number;
  tools: ToolModel[];
  registry: RegistrySnapshot;
  openTools: string[];
  timersSet: number;
  readonly emitted: RegistryModelEmitted[] = [];
  readonly registryEdges: string[] = [];
  admitted: boolean | null = null;

  constructor(
    from: RegistryModelSnapshot,
    readonly inspected: boolean,
  ) {
    this.now = from.now;
    this.tools = [...from.tools];
    this.registry = from.registry;
    this.openTools = [...from.openTools];
    this.timersSet = from.timersSet;
  }

  send(event: RegistryEvent): void {
    const [next, actions] = transition(registryMachine, this.registry, event);
    this.registryEdges.push(...registryEdgesTaken(this.registry, event, next));
    this.registry = next;
    for (const e of emittedBy<RegistryEmitted>(actions)) {
      this.emitted.push(e.type === 'recoveryPause' ? { ...e, openTools: [...this.openTools] } : e);
    }
  }

  index(tool: string): number {
    const index = this.tools.findIndex((t) => t.tool === tool);
    if (index < 0) throw new Error(`registry model: unknown tool "${tool}"`);
    return index;
  }

  /** Sends a breaker event to a tool's chart, and what the registry does with its events. */
  breaker(tool: string, event: BreakerModelEvent, wake: boolean): void {
    const i = this.index(tool);
    const before = this.tools[i]!;
    let presence = before.presence;
    if (presence === 'unseen') {
      // A registry with an inspector gives every tool an actor when it first sees it.
      if (this.inspected) this.send({ type: 'breaker.spawned', tool });
      presence = this.inspected ? 'live' : 'dormant';
    }
    const [after, actions] = transition(breakerTestMachine, before.breaker, event);
    const live = presence === 'live' || wake || modelState(after) !== 'closed';
    if (live && presence !== 'live') this.send({ type: 'breaker.spawned', tool });
    const timer = toolTimer({ ...before, breaker: after });
    const rearmed = timer !== null && timerNodesEntered(before.breaker, after);
    this.tools[i] = {
      tool,
      presence: live ? 'live' : presence,
      breaker: after,
      armed: timer === null ? null : rearmed ? ++this.timersSet : before.armed,
    };
    if (event.type === 'call.requested') {
      this.admitted = after.context.deniedRequests === before.breaker.context.deniedRequests;
    }
    // A breaker's event comes first, then what it causes in the registry (a recoveryPause).
    for (const e of emittedBy<BreakerEmitted>(actions)) {
      this.emitted.push({ ...e, tool });
      if (e.type !== 'rejected') this.track(tool, e.type === 'opened' || e.type === 'isolated');
    }
  }

  /** The registry's set of open circuits, and the chart's count of them. */
  track(tool: string, open: boolean): void {
    if (open === this.openTools.includes(tool)) return;
    this.openTools = open ? [...this.openTools, tool] : this.openTools.filter((t) => t !== tool);
    this.send({ type: open ? 'breaker.opened' : 'breaker.recovered', tool });
  }

  /** The registry forgets a tool: it is new and closed again. */
  forget(tool: string, fresh: BreakerModelSnapshot): void {
    const i = this.index(tool);
    const known = this.tools[i]!;
    if (known.presence === 'unseen') return;
    if (known.presence === 'live') {
      // One event stops the actor and, for an open circuit, counts it recovered.
      const wasOpen = this.openTools.includes(tool);
      if (wasOpen) this.openTools = this.openTools.filter((t) => t !== tool);
      this.send({ type: 'breaker.stop', tool, breaker: actorStandIn(tool), wasOpen });
    }
    this.tools[i] = { tool, presence: 'unseen', breaker: fresh, armed: null };
  }

  done(): RegistryModelSnapshot {
    return {
      status: 'active',
      output: undefined,
      error: undefined,
      now: this.now,
      tools: this.tools.map((t) => ({ ...t, breaker: atTime(t.breaker, this.now) })),
      registry: this.registry,
      openTools: this.openTools,
      timersSet: this.timersSet,
      last: { emitted: this.emitted, registryEdges: this.registryEdges, admitted: this.admitted },
    };
  }
}

/** State node ids of `breakerMachine` that set a timer on entry (those with `after`). */
const TIMER_NODES: ReadonlySet<string> = new Set(
  (function timed(node: AnyStateNode): string[] {
    const own = node.after.length > 0 ? [node.id] : [];
    return [...own, ...Object.values(node.states).flatMap(timed)];
  })(breakerMachine.root),
);

function timerNodesEntered(before: BreakerModelSnapshot, after: BreakerModelSnapshot): boolean {
  const was = new Set(before._nodes.map((node) => node.id));
  return after._nodes.some((node) => TIMER_NODES.has(node.id) && !was.has(node.id));
}

/** The breaker event a model event stands for, at the model's time. */
function breakerEvent(event: RegistryModelEvent, tool: ToolModel, now: number): BreakerModelEvent {
  const c = tool.breaker.context;
  switch (event.type) {
    case 'call.requested':
      return { type: 'call.requested', at: event.intent === 'late' ? (c.retryAt ?? now) : now };
    case 'call.succeeded':
      return { type: 'call.succeeded', generation: c.generation, at: now };
    case 'call.failed':
      return { type: 'call.failed', generation: c.generation, category: event.category, at: now };
    case 'call.released':
      return { type: 'call.released', generation: c.generation, at: now };
    case 'breaker.reset':
    case 'breaker.isolate':
    case 'breaker.release':
      return { type: event.type, at: now };
    default:
      throw new Error(`registry model: ${event.type} is not a tool event`);
  }
}

/** Timers due by the next deadline (or overdue), in the order the clock fires them. */
export function dueTimers(
  snapshot: RegistryModelSnapshot,
): { at: number; tools: readonly ToolModel[] } | null {
  const pending = snapshot.tools.filter((t) => toolTimer(t) !== null);
  if (pending.length === 0) return null;
  const at = Math.max(snapshot.now, Math.min(...pending.map((t) => toolTimer(t)!.at)));
  const due = pending
    .filter((t) => toolTimer(t)!.at <= at)
    .sort((x, y) => toolTimer(x)!.at - toolTimer(y)!.at || x.armed! - y.armed!);
  return { at, tools: due };
}

function nextSnapshot(
  snapshot: RegistryModelSnapshot,
  event: RegistryModelEvent,
  fresh: (tool: string) => BreakerModelSnapshot,
  inspected: boolean,
): RegistryModelSnapshot {
  const step = new Step(snapshot, inspected);
  switch (event.type) {
    case 'registry.reset':
      step.forget(event.tool, fresh(event.tool));
      break;
    case 'registry.resetAll':
      for (const tool of snapshot.tools) {
        if (tool.presence === 'live') {
          step.send({
            type: 'breaker.stop',
            tool: tool.tool,
            breaker: actorStandIn(tool.tool),
            wasOpen: false,
          });
        }
      }
      step.openTools = [];
      step.tools = snapshot.tools.map((t) => ({
        tool: t.tool,
        presence: 'unseen',
        breaker: fresh(t.tool),
        armed: null,
      }));
      step.send({ type: 'registry.resetAll' });
      break;
    case 'clock.advance': {
      const due = dueTimers(snapshot);
      if (due === null) break;
      for (const tool of due.tools) step.breaker(tool.tool, toolTimer(tool)! as BreakerModelEvent, false);
      step.now = due.at;
      break;
    }
    default: {
      const tool = step.tools[step.index(event.tool)]!;
      const concrete = breakerEvent(event, tool, snapshot.now);
      if ('at' in concrete && concrete.at !== undefined && concrete.at > step.now) step.now = concrete.at;
      const wake = event.type === 'breaker.reset' || event.type === 'breaker.isolate';
      if (event.type === 'breaker.release' && tool.presence === 'unseen') break;
      step.breaker(event.tool, concrete, wake);
    }
  }
  return step.done();
}

/** Keys of a tool's state for traversal: its presence and its breaker without growing counters. */
function serializeTool(tool: ToolModel): unknown[] {
  return [tool.presence, JSON.parse(serializeBreakerModelSnapshot(tool.breaker)) as unknown];
}

/**
 * What the registry's behaviour depends on: each tool's presence and breaker (as
 * `serializeBreakerModelSnapshot` keys it, times relative to now), the order the pending
 * timers fire in on a tie, the order of the open circuits, and the registry chart's state.
 */
export function serializeRegistryModelSnapshot(snapshot: RegistryModelSnapshot): string {
  let key = serialized.get(snapshot);
  if (key === undefined) {
    key = serialize(snapshot);
    serialized.set(snapshot, key);
  }
  return key;
}

const serialized = new WeakMap<RegistryModelSnapshot, string>();

function serialize(snapshot: RegistryModelSnapshot): string {
  const timerOrder = snapshot.tools
    .filter((t) => t.armed !== null)
    .sort((x, y) => x.armed! - y.armed!)
    .map((t) => t.tool);
  return JSON.stringify([
    snapshot.tools.map(serializeTool),
    timerOrder,
    snapshot.openTools,
    snapshot.registry.value,
    snapshot.registry.context,
  ]);
}

/**
 * `serializeRegistryModelSnapshot` of a snapshot, and for the transitions `cover` asks for,
 * the event and the snapshot before it: one key per such transition, so shortest paths take it.
 */
function serializeCovering(
  cover: 'states' | 'resets' | 'transitions',
): (snapshot: RegistryModelSnapshot, event?: RegistryModelEvent, previous?: RegistryModelSnapshot) => string {
  return (snapshot, event, previous) => {
    const key = serializeRegistryModelSnapshot(snapshot);
    if (event === undefined || previous === undefined || cover === 'states') return key;
    if (cover === 'resets' && event.type !== 'registry.reset' && event.type !== 'registry.resetAll')
      return key;
    return `${key} via ${JSON.stringify(event)} from ${serializeRegistryModelSnapshot(previous)}`;
  };
}

function defaultCategories(configs: readonly BreakerConfig[]): ErrorCategory[] {
  const config = configs[0]!;
  const other = (['invalid_parameters', 'cancelled', 'network'] as const).find(
    (category) => !configs.some((c) => c.tripOn.includes(category)),
  );
  return [config.tripOn[0]!, ...(other ? [other] : [])];
}

/**
 * The events the model tries: for each tool, a request (and a late one, after its backoff
 * ended and before its timer fired, when no other timer falls due before), results when the
 * tool is closed or has probes in flight, `breaker.reset`, isolation and its release, and the
 * registry forgetting the tool; `registry.resetAll`; and the clock firing the next timers.
 */
function eventsFor(
  snapshot: RegistryModelSnapshot,
  categories: readonly ErrorCategory[],
): RegistryModelEvent[] {
  const events: RegistryModelEvent[] = [];
  for (const t of snapshot.tools) {
    const tool = t.tool;
    const c = t.breaker.context;
    events.push({ type: 'call.requested', tool });
    const others = snapshot.tools.filter((o) => o !== t).map(toolTimer);
    if (
      c.retryAt !== null &&
      c.retryAt > snapshot.now &&
      others.every((o) => o === null || o.at >= c.retryAt!)
    ) {
      events.push({ type: 'call.requested', tool, intent: 'late' });
    }
    const state = modelState(t.breaker);
    if (state === 'closed' || c.probesInFlight > 0) {
      events.push({ type: 'call.succeeded', tool }, { type: 'call.released', tool });
      for (const category of categories) events.push({ type: 'call.failed', tool, category });
    }
    events.push({ type: 'breaker.reset', tool }, { type: 'breaker.isolate', tool });
    events.push({ type: 'breaker.release', tool }, { type: 'registry.reset', tool });
  }
  events.push({ type: 'registry.resetAll' });
  if (dueTimers(snapshot) !== null) events.push({ type: 'clock.advance' });
  return events;
}

/** A one-line name of a model event, e.g. `a:call.failed(network)`. */
export function describeRegistryEvent(event: RegistryModelEvent): string {
  if (!('tool' in event)) return event.type;
  const detail = event.type === 'call.failed' ? `(${event.category})` : '';
  const late = event.type === 'call.requested' && event.intent ? ' (late)' : '';
  return `${event.tool}:${event.type}${detail}${late}`;
}

/** A one-line name of a path: its events, then the tools' and the registry's states. */
export function describeRegistryPath(path: RegistryTestPath): string {
  const steps = path.steps
    .filter((step) => (step.event.type as string) !== 'xstate.init')
    .map((step) => describeRegistryEvent(step.event));
  const end = path.state.tools.map((t) => `${t.tool}=${modelState(t.breaker)}`).join(',');
  return [...steps, `${end} ${String(path.state.registry.value)}`].join(' → ');
}

/**
 * An `xstate/graph` test model of a registry of `options.tools`, composed from the charts:
 * each tool's breaker is `breakerTestMachine` (timers as events), the registry is
 * `registryMachine`, told what the runtime tells it (a breaker that got an actor, opened,
 * recovered, stopped; `resetAll`). `getShortestPaths()` reaches every state of the model;
 * `getSimplePaths()` grows fast: use it with two tools and `failureThreshold: 1`.
 */
export function createRegistryTestModel(options: RegistryTestModelOptions): RegistryTestModel {
  const { tools, startAt = 0 } = options;
  if (tools.length === 0 || new Set(tools).size !== tools.length) {
    throw new RangeError('tripstate: createRegistryTestModel needs distinct tool names');
  }
  const configs = new Map(
    tools.map((tool) => [tool, resolveBreakerConfig({ ...options.defaults, ...options.overrides?.[tool] })]),
  );
  for (const [tool, config] of configs) {
    if (config.jitter !== 0)
      throw new RangeError(`tripstate: tool ${tool} needs jitter 0, got ${config.jitter}`);
  }
  const categories = options.categories ?? defaultCategories([...configs.values()]);
  const fresh = (tool: string): BreakerModelSnapshot =>
    initialModelSnapshot({ config: configs.get(tool)!, startAt });
  const [registry] = initialTransition(registryMachine, { maxOpenCircuits: options.maxOpenCircuits ?? null });
  const initial: RegistryModelSnapshot = {
    status: 'active',
    output: undefined,
    error: undefined,
    now: startAt,
    tools: tools.map((tool) => ({ tool, presence: 'unseen', breaker: fresh(tool), armed: null })),
    registry,
    openTools: [],
    timersSet: 0,
    last: { emitted: [], registryEdges: [], admitted: null },
  };
  const next = (snapshot: RegistryModelSnapshot, event: RegistryModelEvent): RegistryModelSnapshot => {
    const after = nextSnapshot(snapshot, event, fresh, options.inspect ?? false);
    return { ...after, tools: after.tools.map((t) => ({ ...t, breaker: atTime(t.breaker, after.now) })) };
  };
  const logic: ActorLogic<RegistryModelSnapshot, RegistryModelEvent, undefined> = {
    transition: next,
    getInitialSnapshot: () => initial,
    getPersistedSnapshot: (snapshot) => snapshot,
  };
  const model = new TestModel(logic, {
    events: (snapshot) => eventsFor(snapshot, categories),
    serializeState: serializeCovering(options.cover ?? 'resets'),
    serializeEvent: (event) => JSON.stringify(event),
  });
  return Object.assign(model, {
    registryOptions: { ...options, startAt },
    configs,
    initial,
    next,
  });
}
