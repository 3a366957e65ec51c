/**
 * Executes a path of a registry test model against a real registry, step by step: after every
 * step each tool's state, diagnostics and breaker context, the registry actor's state and
 * counts, the open circuits and the events the registry emitted must equal the model's.
 */
import type { AnyTransitionDefinition, InspectionEvent, Observer } from 'xstate';
import { createRegistry, type Registry } from '../registry.js';
import { diagnosticsOf, type Permit } from '../breaker.js';
import { TestClock } from './clock.js';
import { equalityCheck } from './expect.js';
import { microstepEdges } from './registry-coverage.js';
import { modelValue } from './machine.js';
import { modelState } from './model.js';
import {
  describeRegistryEvent,
  dueTimers,
  type RegistryModelEmitted,
  type RegistryModelEvent,
  type RegistryModelSnapshot,
  type RegistryTestModel,
  type RegistryTestPath,
  type ToolModel,
} from './registry-model.js';
import {
  RegistryModelMismatchError,
  registryTestOptions,
  type RegistryPathReport,
  type RegistryPathRunOptions,
} from './registry-run.types.js';

export { RegistryModelMismatchError, registryTestOptions };
export type { RegistryPathReport, RegistryPathRunOptions };

const expectEqual = equalityCheck(RegistryModelMismatchError);

const REGISTRY_EVENTS = [
  'opened',
  'halfOpened',
  'closed',
  'isolated',
  'recoveryPause',
  'recoveryResumed',
] as const;

interface Held {
  readonly tool: string;
  readonly permit: Permit;
}

/** One run of a path: the registry, its clock, the permits it granted, the model replayed alongside. */
class RegistryPathRun {
  readonly clock: TestClock;
  readonly registry: Registry;
  readonly states = new Set<string>();
  readonly edges = new Set<string>();
  #model: RegistryModelSnapshot;
  #held: Held[] = [];
  #emitted: RegistryModelEmitted[] = [];
  #inspected: string[] = [];
  readonly #unsubscribe: (() => void)[] = [];

  constructor(
    readonly model: RegistryTestModel,
    readonly options: RegistryPathRunOptions,
  ) {
    this.clock = new TestClock(model.registryOptions.startAt);
    this.#model = model.initial;
    const observer = model.registryOptions.inspect
      ? { next: (event: InspectionEvent) => this.#inspect(event) }
      : undefined;
    const create =
      options.create ??
      ((clock: TestClock, inspect?: Observer<InspectionEvent>) =>
        createRegistry(registryTestOptions(model, clock, inspect)));
    this.registry = create(this.clock, observer);
    const record = (event: RegistryModelEmitted): void => void this.#emitted.push(event);
    for (const type of REGISTRY_EVENTS) this.#unsubscribe.push(this.registry.on(type, record));
    if (options.perRejection) this.#unsubscribe.push(this.registry.on('rejected', record));
    const subscription = this.registry.actor.subscribe((snapshot) => this.#visit(snapshot._nodes));
    this.#unsubscribe.push(() => subscription.unsubscribe());
    this.#visit(this.registry.actor.getSnapshot()._nodes);
  }

  #visit(nodes: readonly { id: string; parent?: unknown }[]): void {
    for (const node of nodes) if (node.parent) this.states.add(node.id);
  }

  #inspect(event: InspectionEvent): void {
    if (event.type !== '@xstate.microstep' || event.actorRef.sessionId !== event.rootId) return;
    const taken = microstepEdges((event as { _transitions: AnyTransitionDefinition[] })._transitions);
    this.#inspected.push(...taken);
    for (const edge of taken) this.edges.add(edge);
  }

  /** Compares the registry with the model. */
  check(label: string): void {
    const model = this.#model;
    const registry = this.registry;
    expectEqual(`${label}: clock`, this.clock.now(), model.now);
    for (const tool of model.tools) this.#checkTool(label, tool);
    const known = model.tools.filter((t) => t.presence !== 'unseen').map((t) => t.tool);
    expectEqual(
      `${label}: known tools`,
      registry
        .snapshot()
        .diagnostics.map((d) => d.tool)
        .sort(),
      [...known].sort(),
    );
    expectEqual(`${label}: registry.size`, registry.size, known.length);
    const actor = registry.actor.getSnapshot();
    expectEqual(`${label}: registry actor state`, actor.value, model.registry.value);
    expectEqual(`${label}: registry actor context`, actor.context, model.registry.context);
    expectEqual(`${label}: openCircuits()`, registry.openCircuits(), model.openTools);
  }

  #checkTool(label: string, tool: ToolModel): void {
    const where = `${label}: ${tool.tool}`;
    const { test: _test, ...context } = tool.breaker.context;
    const state = modelState(tool.breaker);
    expectEqual(`${where} state`, this.registry.state(tool.tool), state);
    expectEqual(`${where} diagnostics`, this.registry.diagnostics(tool.tool), {
      tool: tool.tool,
      ...diagnosticsOf(state, context, this.clock.now()),
    });
    if (tool.presence === 'unseen') return;
    const breaker = this.registry.breaker(tool.tool);
    expectEqual(`${where} dormant`, breaker.dormant, tool.presence === 'dormant');
    const snapshot = breaker.getSnapshot();
    expectEqual(`${where} state value`, snapshot.value, modelValue(tool.breaker));
    expectEqual(`${where} context`, snapshot.context, context);
  }

  /** Executes one path event on the model and on the registry, then compares them. */
  step(event: RegistryModelEvent, index: number): void {
    const before = this.#model;
    const label = `step ${index} (${describeRegistryEvent(event)})`;
    this.options.log?.(label);
    const after = this.model.next(before, event);
    const others = 'tool' in event ? before.tools.filter((t) => t.tool !== event.tool) : [];
    const untouched = others.map((t) => this.#timeless(t.tool, before.now !== after.now));
    this.#emitted = [];
    this.#inspected = [];
    this.#execute(event, before, after, label);
    this.#model = after;
    this.check(label);
    const expected = this.options.perRejection
      ? after.last.emitted
      : after.last.emitted.filter((e) => e.type !== 'rejected');
    expectEqual(`${label}: emitted events`, this.#emitted, expected);
    if (this.model.registryOptions.inspect) {
      expectEqual(`${label}: registry edges`, this.#inspected, after.last.registryEdges);
    }
    expectEqual(
      `${label}: other tools' diagnostics`,
      others.map((t) => this.#timeless(t.tool, before.now !== after.now)),
      untouched,
    );
  }

  /** A tool's diagnostics, without the backoff left when the step moves the clock. */
  #timeless(tool: string, clockMoves: boolean): object {
    const { remainingBackoffMs, ...rest } = this.registry.diagnostics(tool);
    return clockMoves ? rest : { ...rest, remainingBackoffMs };
  }

  #execute(
    event: RegistryModelEvent,
    before: RegistryModelSnapshot,
    after: RegistryModelSnapshot,
    label: string,
  ): void {
    const registry = this.registry;
    switch (event.type) {
      case 'call.requested': {
        const tool = before.tools.find((t) => t.tool === event.tool)!;
        const retryAt = tool.breaker.context.retryAt;
        if (event.intent === 'late' && retryAt !== null) this.clock.lagTo(retryAt);
        const permit = registry.tryAcquire(event.tool);
        expectEqual(`${label}: admitted`, permit !== undefined, after.last.admitted);
        if (permit) this.#held.push({ tool: event.tool, permit });
        return;
      }
      case 'call.succeeded':
      case 'call.failed':
      case 'call.released': {
        const permit = this.#permit(event.tool, before, label);
        const settled =
          event.type === 'call.succeeded'
            ? permit.success()
            : event.type === 'call.failed'
              ? permit.failure(event.category)
              : permit.release();
        expectEqual(`${label}: permit settled`, settled, true);
        return;
      }
      case 'breaker.reset':
        return registry.breaker(event.tool).reset();
      case 'breaker.isolate':
        return registry.isolate(event.tool);
      case 'breaker.release':
        return registry.release(event.tool);
      case 'registry.reset':
        this.#held = this.#held.filter((held) => held.tool !== event.tool);
        return registry.reset(event.tool);
      case 'registry.resetAll':
        this.#held = [];
        return registry.resetAll();
      case 'clock.advance': {
        const due = dueTimers(before);
        if (due) this.clock.advanceTo(due.at);
        return;
      }
    }
  }

  /** A permit of the tool's current generation: one held, or in `closed` a new one. */
  #permit(tool: string, before: RegistryModelSnapshot, label: string): Permit {
    const model = before.tools.find((t) => t.tool === tool)!;
    const generation = model.breaker.context.generation;
    const index = this.#held.findIndex((h) => h.tool === tool && h.permit.generation === generation);
    if (index >= 0) return this.#held.splice(index, 1)[0]!.permit;
    if (modelState(model.breaker) === 'closed') {
      const permit = this.registry.tryAcquire(tool);
      if (permit === undefined)
        throw new RegistryModelMismatchError(`${label}: a closed tool rejected a call`);
      expectEqual(`${label}: permit generation`, permit.generation, generation);
      return permit;
    }
    throw new RegistryModelMismatchError(
      `${label}: no permit of generation ${generation} is held for ${tool}`,
    );
  }

  stop(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.registry.stop();
  }
}

/**
 * Executes `path` (from `model.getShortestPaths()` or `getSimplePaths()`) against a registry
 * on a `TestClock` starting at the model's `startAt`. Tool events become what a caller does:
 * `call.requested` is `registry.tryAcquire(tool)` (a late one after `clock.lagTo` its
 * backoff's end), results settle permits it granted, `breaker.isolate`/`release` call
 * `registry.isolate`/`release`, `breaker.reset` is `registry.breaker(tool).reset()`,
 * `registry.reset`/`resetAll` forget tools, and `clock.advance` moves the clock to the next
 * deadline. After every step the tools, the registry actor, the open circuits and the emitted
 * events must equal the model's, and a tool's step must leave every other tool's diagnostics
 * as they were. Rejects with a `RegistryModelMismatchError` naming the step and the path.
 */
export async function runRegistryPath(
  model: RegistryTestModel,
  path: RegistryTestPath,
  options: RegistryPathRunOptions = {},
): Promise<RegistryPathReport> {
  const run = new RegistryPathRun(model, options);
  let index = 0;
  const exec = (step: { event: RegistryModelEvent }): void => run.step(step.event, ++index);
  try {
    run.check('initial state');
    await path.test({
      events: Object.fromEntries(
        (
          [
            'call.requested',
            'call.succeeded',
            'call.failed',
            'call.released',
            'breaker.reset',
            'breaker.isolate',
            'breaker.release',
            'registry.reset',
            'registry.resetAll',
            'clock.advance',
          ] as const
        ).map((type) => [type, exec]),
      ),
    });
  } finally {
    run.stop();
  }
  return { steps: index, states: run.states, edges: run.edges };
}
