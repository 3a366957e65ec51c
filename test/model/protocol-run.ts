/**
 * Runs a breaker model's path through a registry driven by tool events alone: a
 * `registryMachine` actor, no runtime class. Each path event becomes the tool event a user's
 * machine would send (`tool.request` for a request, `tool.failed` … for an outcome, `tool.reset`
 * …), and each timer event moves the actor system's simulated clock to its deadline. After every
 * step the tool's breaker actor, the answer to a request and the registry's emitted events must
 * be what the model (the breaker chart with its timers as events) says.
 */
import {
  createActor,
  fromCallback,
  transition,
  type AnyActorRef,
  type AnyTransitionDefinition,
  type EventObject,
  type InspectionEvent,
} from 'xstate';
import { expect } from 'vitest';
import {
  registryMachine,
  type BreakerEmitted,
  type RegistryToolEvent,
  type ToolAnswer,
} from '../../machines/index.js';
import { breakerSystemId } from '../../machines/registry.protocol.js';
import { TestClock } from '../../src/testing/clock.js';
import { microstepEdges } from '../../src/testing/registry-coverage.js';
import {
  breakerTestMachine,
  modelValue,
  type BreakerModelEvent,
  type BreakerModelSnapshot,
} from '../../src/testing/machine.js';
import { initialModelSnapshot, modelState } from '../../src/testing/model.js';
import { concreteEvent } from '../../src/testing/run-events.js';
import type { BreakerTestModel, BreakerTestPath } from '../../src/testing/index.js';

const TOOL = 'search';
const REPORTED = new Set(['opened', 'halfOpened', 'isolated', 'closed']);

/** The registry chart's edges the path took. */
export interface ProtocolPathReport {
  readonly registryEdges: ReadonlySet<string>;
  readonly steps: number;
}

/** The tool event a user's machine sends for a path event; null for a timer (the clock moves instead). */
function toolEventOf(event: BreakerModelEvent, replyTo: AnyActorRef): RegistryToolEvent | null {
  const at = event.at;
  switch (event.type) {
    case 'call.requested':
    case 'call.rejected':
      return { type: 'tool.request', tool: TOOL, replyTo, at };
    case 'call.succeeded':
      return { type: 'tool.succeeded', tool: TOOL, generation: event.generation, at, ...duration(event) };
    case 'call.failed':
      return {
        type: 'tool.failed',
        tool: TOOL,
        generation: event.generation,
        category: event.category,
        at,
        ...(event.retryAfterMs === undefined ? {} : { retryAfterMs: event.retryAfterMs }),
        ...duration(event),
      };
    case 'call.released':
      return { type: 'tool.released', tool: TOOL, generation: event.generation, at: event.at ?? 0 };
    case 'breaker.reset':
      return { type: 'tool.reset', tool: TOOL, at };
    case 'breaker.isolate':
      return { type: 'tool.isolate', tool: TOOL, at };
    case 'breaker.release':
      return { type: 'tool.release', tool: TOOL, at };
    case 'clock.backoffElapsed':
    case 'clock.probeTimedOut':
      return null;
    default:
      throw new Error(
        `the tool events have no ${event.type}: run a model without restores, health checks or a fleet`,
      );
  }
}

const duration = (event: { readonly durationMs?: number }) =>
  event.durationMs === undefined ? {} : { durationMs: event.durationMs };

/** Runs `path` of `model` through a registry actor driven by tool events; throws at the first difference. */
export function runProtocolPath(model: BreakerTestModel, path: BreakerTestPath): ProtocolPathReport {
  const clock = new TestClock(model.startAt);
  const registryEdges = new Set<string>();
  const inspect = (event: InspectionEvent): void => {
    if (event.type !== '@xstate.microstep' || event.actorRef.sessionId !== event.rootId) return;
    for (const edge of microstepEdges((event as { _transitions: AnyTransitionDefinition[] })._transitions))
      registryEdges.add(edge);
  };
  const registry = createActor(registryMachine, { input: { breaker: model.config }, clock, inspect }).start();
  const answers: ToolAnswer[] = [];
  const inbox = createActor(
    fromCallback<EventObject>(({ receive }) => receive((event) => answers.push(event as ToolAnswer))),
  ).start();
  const emitted: EventObject[] = [];
  registry.on('*', (event) => emitted.push(event));
  const breaker = () => registry.system.get(breakerSystemId(registry, TOOL)) as AnyActorRef;

  let model_: BreakerModelSnapshot = initialModelSnapshot({ config: model.config, startAt: model.startAt });
  // The tool's breaker comes to life on its first request (a closed breaker admits it, as the model's does).
  registry.send({ type: 'tool.request', tool: TOOL, replyTo: inbox, at: model.startAt });
  expect(answers).toEqual([{ type: 'tool.admitted', tool: TOOL, generation: model_.context.generation }]);

  let index = 0;
  try {
    for (const step of path.steps) {
      if ((step.event.type as string) === 'xstate.init') continue; // the model's start: the registry's above
      const label = `step ${++index} (${step.event.type})`;
      const before = model_;
      const event = concreteEvent(step.event, before);
      const [after, actions] = transition(breakerTestMachine, before, event);
      const expectedEmitted = actions
        .filter((action) => (action.type as string) === 'xstate.emit')
        .map((action) => (action.params as { event: BreakerEmitted }).event)
        .filter((e) => REPORTED.has(e.type))
        .map((e) => ({ ...e, tool: TOOL }));
      const toolEvent = toolEventOf(event, inbox);
      answers.length = 0;
      emitted.length = 0;
      // A timer's event moves the clock to its deadline; a request late for its timer lags it there.
      if (toolEvent === null) clock.advanceTo(event.at ?? clock.now());
      else {
        if (event.at !== undefined && event.at > clock.now()) clock.lagTo(event.at);
        registry.send(toolEvent);
      }
      if (toolEvent?.type === 'tool.request') {
        const admitted = after.context.deniedRequests === before.context.deniedRequests;
        const state = modelState(after);
        const retryAt = after.context.retryAt;
        expect(answers, `${label}: the answer`).toEqual([
          admitted
            ? { type: 'tool.admitted', tool: TOOL, generation: after.context.generation }
            : {
                type: 'tool.rejected',
                tool: TOOL,
                state,
                remainingBackoffMs:
                  state === 'open' && retryAt !== null ? Math.max(0, retryAt - (event.at ?? 0)) : null,
              },
        ]);
      } else expect(answers, `${label}: no answer`).toEqual([]);
      expect(breaker().getSnapshot().value, `${label}: the breaker's state`).toEqual(modelValue(after));
      expect(breaker().getSnapshot().context.generation, `${label}: the generation`).toBe(
        after.context.generation,
      );
      expect(
        emitted.filter((e) => REPORTED.has(e.type)),
        `${label}: the registry's emitted events`,
      ).toEqual(expectedEmitted);
      model_ = after;
    }
  } finally {
    registry.stop();
    inbox.stop();
  }
  return { registryEdges, steps: index };
}
