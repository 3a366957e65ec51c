/**
 * Executes a path of a breaker test model against a real breaker, step by step: the model
 * (the chart, derived from `breakerMachine`) predicts the state, the context and the emitted
 * events, and the breaker must match after every step.
 */
import { transition } from 'xstate';
import type { BreakerContext, BreakerEmitted } from '../../machines/breaker.types.js';
import type { Breaker, Permit } from '../breaker.js';
import type { PersistedBreakerSnapshot } from '../snapshot.js';
import type { BreakerPathReport, BreakerPathRunOptions } from './run.types.js';
import { TestClock } from './clock.js';
import { equalityCheck, show } from './expect.js';
import { testEdgeKey } from './coverage.js';
import { concreteEvent, PATH_EVENT_TYPES } from './run-events.js';
import { startEdge } from './start-edges.js';
import {
  BREAKER_TIMER_EVENTS,
  breakerTestMachine,
  modelValue,
  type BreakerModelEvent,
  type BreakerModelSnapshot,
} from './machine.js';
import { initialModelSnapshot, modelState, type BreakerTestModel, type BreakerTestPath } from './model.js';

export type { BreakerPathReport, BreakerPathRunOptions } from './run.types.js';

/** Thrown when the breaker does not do what the model predicts. */
export class BreakerModelMismatchError extends Error {
  override readonly name = 'BreakerModelMismatchError';
}

const expectEqual = equalityCheck(BreakerModelMismatchError);

/** The breaker's context fields, in the order the machine defines them, from a model context. */
function breakerContext(context: BreakerModelSnapshot['context']): Record<string, unknown> {
  const { test: _test, ...rest } = context;
  return rest;
}

function sameContext(actual: object, expected: Record<string, unknown>): void {
  const a = actual as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(expected)]);
  for (const key of keys) expectEqual(`context.${key}`, a[key], expected[key]);
}

interface Held {
  readonly breaker: Breaker;
  readonly permit: Permit;
}

/**
 * One run of a path: the breaker, its clock, the permits it granted, and the model replayed
 * alongside. Each path event is an intent (a request now or late, a result of the current or
 * an older generation, a timer) made concrete against the replayed model, so a path whose
 * states were merged by the model's serialization still runs consistently.
 */
class PathRun {
  readonly clock: TestClock;
  readonly edges = new Set<string>();
  readonly states = new Set<string>();
  #breaker: Breaker;
  #model: BreakerModelSnapshot;
  #held: Held[] = [];
  #spares: Held[] = [];
  #emitted: BreakerEmitted[] = [];
  #unsubscribe: Array<() => void> = [];

  constructor(
    model: BreakerTestModel,
    readonly options: BreakerPathRunOptions,
    spares: number,
  ) {
    this.clock = new TestClock(model.startAt);
    this.#model = initialModelSnapshot({ config: model.config, startAt: model.startAt });
    this.#breaker = this.#attach(options.create(this.clock));
    // The model's chart started new; the breaker's starts in `closed` when it wakes (here, or in `step`).
    this.edges.add(startEdge(model.config, undefined));
    if (!this.#breaker.dormant) this.edges.add(startEdge(model.config, 'closed'));
    this.states.add('breaker.starting');
    for (let i = 0; i < spares; i++) {
      const permit = this.#breaker.tryAcquire();
      if (permit === undefined) throw new BreakerModelMismatchError('a new breaker rejected a call');
      this.#spares.push({ breaker: this.#breaker, permit });
    }
    this.#visitStates();
  }

  /** Compares the breaker with the model. */
  check(label: string): void {
    const expected = this.#model;
    const snapshot = this.#breaker.getSnapshot();
    expectEqual(`${label}: state value`, snapshot.value, modelValue(expected));
    expectEqual(`${label}: state`, this.#breaker.state, modelState(expected));
    sameContext(snapshot.context, breakerContext(expected.context));
    expectEqual(`${label}: clock`, this.clock.now(), expected.context.test.now);
  }

  /** Executes one path event on the model and on the breaker, then compares them. */
  step(pathEvent: BreakerModelEvent, index: number): void {
    const before = this.#model;
    const event = concreteEvent(pathEvent, before);
    const label = `step ${index} (${event.type})`;
    this.options.log?.(`${label} ${show(event)}`);
    const [after, actions] = transition(breakerTestMachine, before, event);
    const taken = breakerTestMachine
      .getTransitionData(before, event)
      .map((t) => testEdgeKey(t, BREAKER_TIMER_EVENTS));
    const expectedEmitted = actions
      .filter((action) => (action.type as string) === 'xstate.emit')
      .map((action) => (action.params as { event: BreakerEmitted }).event);
    this.#emitted = [];
    const dormant = this.#breaker.dormant;
    this.#execute(event, before, after, label);
    // A breaker that got its actor: its chart started, woken in `closed` or restored in its state;
    // woken by a failure, the chart took it in its first step (`start.outcome`).
    const started = !this.#breaker.dormant && (dormant || event.type === 'breaker.rearm');
    const woken =
      started && dormant && event.type === 'call.failed'
        ? { context: breakerContext(before.context) as unknown as BreakerContext, outcome: event }
        : undefined;
    const startTaken = started
      ? startEdge(
          before.context.config,
          event.type === 'breaker.rearm' ? modelValue(before) : 'closed',
          woken,
        )
      : undefined;
    // A chart that started open took that start edge instead of closed's edge for the failure.
    const openedAtStart = woken !== undefined && startTaken?.includes(' → breaker.open ') === true;
    if (!openedAtStart) for (const edge of taken) this.edges.add(edge);
    if (startTaken !== undefined) this.edges.add(startTaken);
    this.#model = after;
    this.check(label);
    expectEqual(`${label}: emitted events`, this.#emitted, expectedEmitted);
    this.#visitStates();
  }

  stop(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#breaker.stop();
  }

  #visitStates(): void {
    for (const node of this.#model._nodes) if (node.parent) this.states.add(node.id);
  }

  #attach(breaker: Breaker): Breaker {
    const record = (event: BreakerEmitted): void => void this.#emitted.push(event);
    this.#unsubscribe = [
      breaker.on('opened', record),
      breaker.on('halfOpened', record),
      breaker.on('closed', record),
      breaker.on('isolated', record),
      breaker.on('healthCheckStarted', record),
    ];
    if (this.options.perRejection) this.#unsubscribe.push(breaker.on('rejected', record));
    else {
      const subscription = breaker.actor.on('rejected', record);
      this.#unsubscribe.push(() => subscription.unsubscribe());
    }
    return breaker;
  }

  #execute(
    event: BreakerModelEvent,
    before: BreakerModelSnapshot,
    after: BreakerModelSnapshot,
    label: string,
  ): void {
    const breaker = this.#breaker;
    switch (event.type) {
      case 'call.requested': {
        if (event.at > this.clock.now()) this.clock.lagTo(event.at);
        const permit = breaker.tryAcquire();
        const admitted = after.context.deniedRequests === before.context.deniedRequests;
        expectEqual(`${label}: admitted`, permit !== undefined, admitted);
        if (permit) this.#held.push({ breaker, permit });
        return;
      }
      case 'call.rejected':
        expectEqual(`${label}: admitted`, breaker.tryAcquire() !== undefined, false);
        return;
      case 'call.succeeded':
      case 'call.failed':
      case 'call.released': {
        const permit = this.#permit(event.generation, event.intent === 'stale', before, label);
        // A measuring breaker is told the model's duration (time stands still between steps).
        const durationMs = 'durationMs' in event ? (event.durationMs ?? 0) : 0;
        const settled =
          event.type === 'call.succeeded'
            ? permit.success(durationMs)
            : event.type === 'call.failed'
              ? permit.failure(event.category, durationMs)
              : permit.release();
        expectEqual(`${label}: permit settled`, settled, true);
        return;
      }
      case 'breaker.reset':
        return breaker.reset();
      case 'breaker.isolate':
        return breaker.isolate();
      case 'breaker.release':
        return breaker.release();
      case 'breaker.rearm': {
        const saved = JSON.parse(JSON.stringify(breaker.getPersistedSnapshot())) as PersistedBreakerSnapshot;
        this.stop();
        this.#breaker = this.#attach(this.options.create(this.clock, saved));
        return;
      }
      case 'clock.backoffElapsed':
      case 'clock.probeTimedOut':
      case 'clock.healthCheckDue':
      case 'clock.fleetAnswerDue':
        return this.clock.advanceTo(event.at);
      case 'fleet.opened':
      case 'fleet.closed':
      case 'fleet.reset':
      case 'fleet.isolated':
      case 'fleet.released':
      case 'fleet.probeGranted':
      case 'fleet.probeTaken': {
        // What a share link does with a record: the breaker's batches first, then the chart event.
        const { intent: _intent, ...fleetEvent } = event;
        breaker.flush();
        breaker.actor.send(fleetEvent);
        return;
      }
    }
  }

  /** A permit of `generation`: one held, a new one in `closed`, or a spare for an older generation. */
  #permit(generation: number, stale: boolean, before: BreakerModelSnapshot, label: string): Permit {
    const breaker = this.#breaker;
    const current = !stale;
    const pool = current ? this.#held : this.#spares;
    const index = pool.findIndex(
      (held) =>
        held.breaker === breaker &&
        (current
          ? held.permit.generation === generation
          : held.permit.generation < before.context.generation),
    );
    if (index >= 0) return pool.splice(index, 1)[0]!.permit;
    if (current && modelState(before) === 'closed') {
      const permit = breaker.tryAcquire();
      if (permit === undefined)
        throw new BreakerModelMismatchError(`${label}: closed breaker rejected a call`);
      expectEqual(`${label}: permit generation`, permit.generation, generation);
      return permit;
    }
    throw new BreakerModelMismatchError(
      `${label}: no permit of generation ${generation} (${current ? 'current' : 'older'}) is held`,
    );
  }
}

/**
 * Executes `path` (from `model.getShortestPaths()` or `model.getSimplePaths()`) against a
 * breaker from `options.create`, on a `TestClock` starting at the model's `startAt`. Each
 * event becomes what a caller does: `call.requested` is `tryAcquire()` (late ones after
 * `clock.lagTo`), results settle permits the breaker granted (spare permits taken in the
 * initial `closed` state stand for calls of older generations), `breaker.*` call
 * `reset()`/`isolate()`/`release()`, `breaker.rearm` restores from a persisted snapshot, and
 * timer events `clock.advanceTo` their deadline (milliseconds). After every step the state,
 * the whole context and the emitted events must equal the model's.
 *
 * Resolves with the steps and the machine edges taken; rejects with a
 * `BreakerModelMismatchError` (or the breaker's own error) naming the step and the path.
 */
export async function runBreakerPath(
  model: BreakerTestModel,
  path: BreakerTestPath,
  options: BreakerPathRunOptions,
): Promise<BreakerPathReport> {
  const spares = path.steps.filter((step) => step.event.intent === 'stale').length;
  const run = new PathRun(model, options, spares);
  let checked = false;
  let index = 0;
  const exec = (step: { event: BreakerModelEvent }): void => run.step(step.event, ++index);
  try {
    await path.test({
      events: Object.fromEntries(PATH_EVENT_TYPES.map((type) => [type, exec])),
      states: {
        '*': () => {
          if (!checked) run.check('initial state');
          checked = true;
        },
      },
    });
  } finally {
    run.stop();
  }
  return { steps: index, edges: run.edges, states: run.states };
}
