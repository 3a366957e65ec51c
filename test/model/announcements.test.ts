/**
 * The chart announces every change of a breaker's public state: over every generated path of
 * every model (fleet events, windows, health checks included), a step that moves the state
 * emits the event of the state it moves to, and no step emits the event of a state it does not
 * end in. Listeners, the registry's open set and the metrics follow the state by these events.
 */
import { describe, expect, it } from 'vitest';
import { transition, type EventObject } from 'xstate';
import type { BreakerState } from '../../machines/breaker.types.js';
import { breakerTestMachine, type BreakerModelSnapshot } from '../../src/testing/machine.js';
import { modelState, type BreakerTestPath } from '../../src/testing/model.js';
import { concreteEvent } from '../../src/testing/run-events.js';
import { fleetPaths, healthCheckPaths, shortestPaths, simplePaths, windowPaths } from './paths.js';

const ANNOUNCES: Record<string, BreakerState> = {
  opened: 'open',
  halfOpened: 'halfOpen',
  closed: 'closed',
  isolated: 'isolated',
};

/** Every step of `paths` that moves the public state without announcing it, or announces a state it does not end in. */
function unannounced(paths: readonly BreakerTestPath[]): string[] {
  const found = new Set<string>();
  for (const path of paths) {
    for (let i = 1; i < path.steps.length; i++) {
      const before = path.steps[i - 1]?.state as BreakerModelSnapshot;
      // The event as the path runner sends it (times and generations made concrete).
      const event = concreteEvent(path.steps[i]?.event as never, before);
      const [after, actions] = transition(breakerTestMachine, before, event);
      expect(after.value).toEqual(path.steps[i]?.state.value);
      const announced = actions
        .filter((action) => (action.type as string) === 'xstate.emit')
        .map((action) => (action.params as { event: EventObject }).event.type)
        .filter((type) => type in ANNOUNCES);
      const [from, to] = [modelState(before), modelState(after)];
      const step = `${from} --${event.type}--> ${to} announced [${announced.join(', ')}]`;
      if (from !== to && !announced.some((type) => ANNOUNCES[type] === to)) found.add(step);
      if (announced.some((type) => ANNOUNCES[type] !== to)) found.add(step);
    }
  }
  return [...found].sort();
}

describe('every change of public state is announced by the chart', () => {
  it.each([
    ['a two-probe breaker (shortest paths)', shortestPaths],
    ['a one-probe breaker (simple paths)', simplePaths],
    ['a windowed breaker', windowPaths],
    ['a breaker with a health check', healthCheckPaths],
    ['a breaker in a fleet', fleetPaths],
  ] as const)('%s', (_name, paths) => {
    expect(paths.length).toBeGreaterThan(0);
    expect(unannounced(paths)).toEqual([]);
  });
});
