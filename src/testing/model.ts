/**
 * `createBreakerTestModel`: an `xstate/graph` test model of a breaker configuration, whose
 * paths `runBreakerPath` executes against a real breaker.
 */
import { initialTransition } from 'xstate';
import { createTestModel, type TestModel, type TestPath } from 'xstate/graph';
import { hasProbeSlot, isBackoffElapsed } from '../../machines/breaker.logic.js';
import type { BreakerConfig, BreakerState } from '../../machines/breaker.types.js';
import type { ErrorCategory } from '../../machines/categories.js';
import { stateName } from '../breaker.js';
import { resolveBreakerConfig, type BreakerOptions } from '../options.js';
import {
  breakerTestMachine,
  type BreakerModelInput,
  modelValue,
  type BreakerModelEvent,
  type BreakerModelSnapshot,
} from './machine.js';

/** Options of `createBreakerTestModel`: the breaker's options (durations in milliseconds), and what to explore. */
export interface BreakerTestModelOptions extends Omit<
  BreakerOptions,
  'clock' | 'inspect' | 'classify' | 'retryAfter'
> {
  /**
   * Failure categories the model reports. @default the first category of `tripOn` and the
   * first one outside it (a counting and a non-counting failure)
   */
  readonly categories?: readonly ErrorCategory[];
  /** Whether the model restores the breaker from a persisted snapshot (`breaker.rearm`). @default true */
  readonly restore?: boolean;
  /** Whether the model reports late results of calls admitted in an older generation. @default true */
  readonly staleResults?: boolean;
  /** Whether the model sends the fleet's events (`fleet.opened`, `fleet.probeGranted`…), as a share would. @default false */
  readonly fleet?: boolean;
  /** Epoch milliseconds the model's time starts at; use the same for the breaker's clock. @default 0 */
  readonly startAt?: number;
  /**
   * What the shortest paths reach: every `state` the breaker can be in (as
   * `serializeBreakerModelSnapshot` tells them apart), or every `transition` between them,
   * self-loops included (a path per transition: more paths, every edge exercised).
   * @default 'transitions'
   */
  readonly cover?: 'states' | 'transitions';
}

/** A test path of the breaker model. */
export type BreakerTestPath = TestPath<BreakerModelSnapshot, BreakerModelEvent>;

/** An `xstate/graph` test model of a breaker, with the configuration it was made for. */
export interface BreakerTestModel extends TestModel<BreakerModelSnapshot, BreakerModelEvent, unknown> {
  /** The resolved configuration of the modelled breaker. */
  readonly config: BreakerConfig;
  /** Epoch milliseconds the model's time starts at. */
  readonly startAt: number;
}

/** The public state of a model snapshot. */
export function modelState(snapshot: BreakerModelSnapshot): BreakerState {
  return stateName(modelValue(snapshot));
}

/** True when a request at the model's time would only be counted as a rejection. */
export function modelRejects(snapshot: BreakerModelSnapshot): boolean {
  const { context } = snapshot;
  const value = modelValue(snapshot);
  if (value === 'isolated') return true;
  if (typeof value === 'object' && 'open' in value) return !isBackoffElapsed(context, context.test.now);
  return (
    typeof value === 'object' && 'halfOpen' in value && value.halfOpen === 'probing' && !hasProbeSlot(context)
  );
}

function defaultCategories(config: BreakerConfig): ErrorCategory[] {
  const counting = config.tripOn[0];
  const other = (['invalid_parameters', 'cancelled', 'network'] as const).find(
    (category) => !config.tripOn.includes(category),
  );
  return [counting, other].filter((category): category is ErrorCategory => category !== undefined);
}

/**
 * The events the model tries in a snapshot: every event at the model's time, a request that
 * arrives after the backoff ended but before its timer fired, a rejection, results of the
 * current generation (and of an older one), and each timer at its deadline.
 */
function eventsFor(
  snapshot: BreakerModelSnapshot,
  categories: readonly ErrorCategory[],
  options: { restore: boolean; staleResults: boolean; fleet: boolean },
): BreakerModelEvent[] {
  const c = snapshot.context;
  const at = c.test.now;
  const events: BreakerModelEvent[] = [{ type: 'call.requested', at }];
  if (c.retryAt !== null && c.retryAt > at) {
    events.push({ type: 'call.requested', at: c.retryAt, intent: 'late' });
  }
  const state = modelState(snapshot);
  if (state !== 'closed' && modelRejects(snapshot))
    events.push({ type: 'call.rejected', state, count: 1, at });
  // The health check holds the probe: no caller reports its result.
  const checking = c.test.healthCheckGeneration === c.generation;
  const generations = checking ? [] : [c.generation];
  if (options.staleResults && c.generation >= 2 && !c.test.restored && !checking) {
    generations.push(c.generation - 1);
  }
  const slowMs = c.config.window === null ? null : c.config.slowCallDurationMs;
  for (const generation of generations) {
    const intent = generation === c.generation ? {} : ({ intent: 'stale' } as const);
    events.push(
      { type: 'call.succeeded', generation, at, ...intent },
      { type: 'call.released', generation, at, ...intent },
    );
    // With a slow-call rule, a success that took longer than `slowCallDurationMs` too.
    if (slowMs !== null && !intent.intent) {
      events.push({ type: 'call.succeeded', generation, at, durationMs: slowMs + 1 });
    }
    for (const category of intent.intent ? categories.slice(0, 1) : categories) {
      events.push({ type: 'call.failed', generation, category, at, ...intent });
    }
  }
  events.push(
    { type: 'breaker.reset', at },
    { type: 'breaker.isolate', at },
    { type: 'breaker.release', at },
  );
  if (options.restore) events.push({ type: 'breaker.rearm', at });
  if (c.retryAt !== null) events.push({ type: 'clock.backoffElapsed', at: c.retryAt });
  if (c.probeStartedAt !== null) {
    events.push({ type: 'clock.probeTimedOut', at: c.probeStartedAt + c.config.probeTimeoutMs });
  }
  const grace = c.config.healthCheckGraceMs;
  if (grace !== null && c.idleSince !== null && JSON.stringify(snapshot.value) === '{"halfOpen":"idle"}') {
    events.push({ type: 'clock.healthCheckDue', at: c.idleSince + grace });
  }
  if (options.fleet) events.push(...fleetEventsFor(snapshot));
  return events;
}

/**
 * The fleet's events in a snapshot: an opening, a closing, a reset, an isolation and a release
 * of a newer fleet generation, and, once the breaker has one, the same generation's opening, closing and lease
 * answers; while waiting for the lease answer, its timer.
 */
function fleetEventsFor(snapshot: BreakerModelSnapshot): BreakerModelEvent[] {
  const c = snapshot.context;
  const at = c.test.now;
  const current = c.fleetGeneration;
  const backoff = { remainingMs: c.config.minBackoffMs, backoffMs: c.config.minBackoffMs } as const;
  const newer = (current ?? 0) + 1;
  const events: BreakerModelEvent[] = [
    { type: 'fleet.opened', fleetGeneration: newer, ...backoff, reason: 'threshold', at },
    { type: 'fleet.closed', fleetGeneration: newer, at },
    { type: 'fleet.reset', fleetGeneration: newer, at },
    { type: 'fleet.isolated', fleetGeneration: newer, at },
    { type: 'fleet.released', fleetGeneration: newer, at },
  ];
  if (current !== null) {
    const same = { fleetGeneration: current, at, intent: 'sameFleet' } as const;
    events.push(
      { type: 'fleet.opened', ...same, ...backoff, reason: 'threshold' },
      { type: 'fleet.closed', ...same },
      { type: 'fleet.probeGranted', ...same },
      { type: 'fleet.probeTaken', ...same, leaseMs: c.config.probeTimeoutMs },
    );
  }
  if (JSON.stringify(snapshot.value) === '{"halfOpen":"claiming"}' && c.idleSince !== null) {
    events.push({ type: 'clock.fleetAnswerDue', at: c.idleSince + c.config.probeTimeoutMs });
  }
  return events;
}

/**
 * What the breaker's behaviour depends on, without the counters that only grow (generation,
 * opens, denials) and with times relative to the model's: two snapshots with the same key
 * answer every event alike, so traversal ends.
 */
export function serializeBreakerModelSnapshot(snapshot: BreakerModelSnapshot): string {
  const c = snapshot.context;
  const now = c.test.now;
  const spec = c.config.window;
  const w = c.window;
  const window =
    spec === null || w === null
      ? null
      : [
          w.head,
          spec.kind === 'time' ? w.headEpoch - Math.floor(now / spec.bucketMs) : 0,
          Array.from(w.counts),
        ];
  return JSON.stringify([
    snapshot.value,
    c.failureCount,
    c.currentBackoffMs,
    c.probesInFlight,
    c.lastErrorCategory,
    c.retryAt === null ? null : c.retryAt - now,
    c.probeStartedAt === null ? null : now - c.probeStartedAt,
    c.openedAt === null,
    c.generation >= 2,
    c.test.restored,
    window,
    c.probeResults,
    c.probeFailures,
    c.probeSlowCalls,
    c.config.healthCheckGraceMs === null || c.idleSince === null ? null : now - c.idleSince,
    c.test.healthCheckGeneration === c.generation,
    c.fleetGeneration === null,
  ]);
}

/** An event's name in a transition key: its type, category and intent. */
function eventKey(event: BreakerModelEvent): string {
  const category = event.type === 'call.failed' ? `(${event.category})` : '';
  const slow = 'durationMs' in event && event.durationMs !== undefined ? `[${event.durationMs} ms]` : '';
  return `${event.type}${category}${slow}${event.intent ? `/${event.intent}` : ''}`;
}

/**
 * `serializeBreakerModelSnapshot` of a snapshot and of the one before it, with the event
 * between them: one key per transition, so shortest paths exercise every transition.
 */
export function serializeBreakerModelTransition(
  snapshot: BreakerModelSnapshot,
  event: BreakerModelEvent | undefined,
  previous?: BreakerModelSnapshot,
): string {
  const key = serializeBreakerModelSnapshot(snapshot);
  if (event === undefined || previous === undefined) return key;
  return `${key} via ${eventKey(event)} from ${serializeBreakerModelSnapshot(previous)}`;
}

/** The initial snapshot of the model for `input`. */
export function initialModelSnapshot(input: BreakerModelInput): BreakerModelSnapshot {
  return initialTransition(breakerTestMachine, input)[0];
}

/**
 * An `xstate/graph` test model of a breaker with these options, generated from
 * `breakerMachine` with its timers as events (`clock.backoffElapsed`, `clock.probeTimedOut`,
 * fired at their deadlines). `model.getShortestPaths()` and `model.getSimplePaths()` give
 * paths that `runBreakerPath` executes against a real breaker.
 *
 * Keep the configuration small (a low `failureThreshold`, few `halfOpenProbes`, a
 * `maxBackoffMs` a few factors above `minBackoffMs`) so the model stays small. The model
 * predicts exact times, so `jitter` must be 0. Throws a RangeError for invalid options.
 */
export function createBreakerTestModel(options: BreakerTestModelOptions = {}): BreakerTestModel {
  const {
    categories,
    restore = true,
    staleResults = true,
    fleet = false,
    startAt = 0,
    cover = 'transitions',
    ...breakerOptions
  } = options;
  const config = resolveBreakerConfig(breakerOptions);
  if (config.jitter !== 0) {
    throw new RangeError(`tripstate: createBreakerTestModel needs jitter 0, got ${config.jitter}`);
  }
  const tried = categories ?? defaultCategories(config);
  const model = createTestModel(breakerTestMachine, {
    input: { config, startAt },
    events: (snapshot) => eventsFor(snapshot, tried, { restore, staleResults, fleet }),
    // createTestModel adds a payload-less event for every handled type it was not given.
    filterEvents: (_snapshot, event) => 'at' in event || 'generation' in event,
    serializeState: cover === 'states' ? serializeBreakerModelSnapshot : serializeBreakerModelTransition,
  });
  return Object.assign(model, { config, startAt });
}

/** A one-line name of a path: its events, as `closed → call.failed(network) → … → open`. */
export function describeBreakerPath(path: BreakerTestPath): string {
  const steps = path.steps
    .filter((step) => (step.event.type as string) !== 'xstate.init')
    .map((step) => {
      const event = step.event;
      const suffix = event.intent ? ` (${event.intent})` : '';
      if (event.type === 'call.failed') return `call.failed(${event.category})${suffix}`;
      if (event.type === 'call.succeeded' && event.durationMs !== undefined) {
        return `call.succeeded(${event.durationMs} ms)${suffix}`;
      }
      return `${event.type}${suffix}`;
    });
  const end = path.state.value;
  return [...steps, typeof end === 'string' ? end : JSON.stringify(end)].join(' → ');
}
