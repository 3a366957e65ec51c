/**
 * `createRegistryTestModel`: an `xstate/graph` test model of a registry of a few tools,
 * composed from the charts themselves: each tool is a `breakerTestMachine` (the breaker chart
 * with its timers as events), the registry is `registryMachine`, and one shared clock fires
 * the tools' timers in deadline order. `runRegistryPath` executes its paths against a real
 * registry.
 */
import { TestModel } from 'xstate/graph';
import { initialTransition, type ActorLogic } from 'xstate';
import type { BreakerConfig } from '../../machines/breaker.types.js';
import type { ErrorCategory } from '../../machines/categories.js';
import { registryMachine } from '../../machines/registry.machine.js';
import { resolveBreakerConfig } from '../options.js';
import type { BreakerModelSnapshot } from './machine.js';
import { initialModelSnapshot, modelState, serializeBreakerModelSnapshot } from './model.js';
import { atTime, dueTimers, nextSnapshot, toolTimer } from './registry-step.js';
import type {
  RegistryModelEvent,
  RegistryModelSnapshot,
  RegistryTestModel,
  RegistryTestModelOptions,
  RegistryTestPath,
  ToolModel,
} from './registry-model.types.js';

export type * from './registry-model.types.js';
export { dueTimers, toolTimer } from './registry-step.js';

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
    registryKey(snapshot),
  ]);
}

/**
 * The registry chart's context as its behaviour depends on it: its counts, whether the open
 * shard has room, and which tools are in it (shard ids and fill only grow: left out).
 */
function registryKey(snapshot: RegistryModelSnapshot): unknown[] {
  const { openCircuits, liveBreakers, spawningShard, shardFill, shardCapacity } = snapshot.registry.context;
  const room = spawningShard !== null && shardFill < shardCapacity;
  return [
    openCircuits,
    liveBreakers,
    room,
    snapshot.tools.map((t) => t.shard !== null && t.shard === spawningShard),
  ];
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
  const [registry] = initialTransition(registryMachine, {
    maxOpenCircuits: options.maxOpenCircuits ?? null,
    ...(options.shardCapacity === undefined ? {} : { shardCapacity: options.shardCapacity }),
  });
  const initial: RegistryModelSnapshot = {
    status: 'active',
    output: undefined,
    error: undefined,
    now: startAt,
    tools: tools.map((tool) => ({
      tool,
      presence: 'unseen',
      breaker: fresh(tool),
      armed: null,
      shard: null,
    })),
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
