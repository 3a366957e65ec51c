/** The coverage guard: every state and edge of the real machine is visited by the generated paths. */
import { beforeAll, describe, expect, it } from 'vitest';
import { breakerMachine } from '../../machines/index.js';
import { edgeKey } from '../../src/testing/coverage.js';
import { createBreaker } from '../../src/index.js';
import { machineGraphKeys, runBreakerPath, TestClock } from '../../src/testing/index.js';
import { startEdge } from '../../src/testing/start-edges.js';
import type { PersistedBreakerSnapshot } from '../../src/snapshot.js';
import {
  richModel,
  richOptions,
  runOptions,
  shortestPaths,
  simplePaths,
  smallModel,
  smallOptions,
  windowModel,
  windowOptions,
  windowPaths,
  healthCheckModel,
  healthCheckOptions,
  healthCheckPaths,
  fleetModel,
  fleetOptions,
  fleetPaths,
} from './paths.js';

const keys = machineGraphKeys(breakerMachine);
/** `toDirectedGraph` leaves out eventless transitions: the `starting` state's are added here. */
const startEdges = (breakerMachine.getStateNodeById('breaker.starting').always ?? []).map((t) => edgeKey(t));
const graph = { states: keys.states, edges: new Set([...keys.edges, ...startEdges]) };

/**
 * A breaker restored (`createBreaker({ snapshot })`) in half-open idle and in isolation, which
 * no path restores (`breaker.rearm` changes nothing there): its chart starts in the state saved.
 */
function restoredStarts(): string[] {
  const clock = new TestClock(0);
  const options = { failureThreshold: 1, minBackoffMs: 100, maxBackoffMs: 100, clock };
  const breaker = createBreaker(options);
  breaker.tryAcquire()?.failure('network');
  clock.advanceTo(100);
  const idle = breaker.getPersistedSnapshot();
  breaker.isolate();
  const isolated = breaker.getPersistedSnapshot();
  breaker.stop();
  return [idle, isolated].map((saved: PersistedBreakerSnapshot) => {
    const restored = createBreaker({ ...options, snapshot: saved });
    expect(restored.getPersistedSnapshot()).toEqual(saved);
    restored.stop();
    return startEdge(restored.config, saved.value);
  });
}
const visitedEdges = new Set<string>();
const visitedStates = new Set<string>();

beforeAll(async () => {
  const runs = [
    ...shortestPaths.map((path) => runBreakerPath(richModel, path, runOptions(richOptions))),
    ...simplePaths.map((path) => runBreakerPath(smallModel, path, runOptions(smallOptions))),
    ...windowPaths.map((path) => runBreakerPath(windowModel, path, runOptions(windowOptions))),
    // With a rejected listener a breaker stays dormant (no actor) until an outcome gives the chart
    // work: the failure that trips it is taken in the chart's first step (the starting edges to open).
    ...shortestPaths.map((path) =>
      runBreakerPath(richModel, path, runOptions(richOptions, { perRejection: true })),
    ),
    ...windowPaths.map((path) =>
      runBreakerPath(windowModel, path, runOptions(windowOptions, { perRejection: true })),
    ),
    ...healthCheckPaths.map((path) => runBreakerPath(healthCheckModel, path, runOptions(healthCheckOptions))),
    ...fleetPaths.map((path) => runBreakerPath(fleetModel, path, runOptions(fleetOptions))),
  ];
  for (const edge of restoredStarts()) visitedEdges.add(edge);
  for (const report of await Promise.all(runs)) {
    for (const edge of report.edges) visitedEdges.add(edge);
    for (const state of report.states) visitedStates.add(state);
  }
  console.info(
    `model coverage: ${shortestPaths.length} shortest + ${simplePaths.length} simple + ` +
      `${windowPaths.length} windowed + ${healthCheckPaths.length} health-check + ${fleetPaths.length} fleet paths, ` +
      `${visitedStates.size}/${graph.states.size} states, ${visitedEdges.size}/${graph.edges.size} edges`,
  );
});

describe('coverage of toDirectedGraph(breakerMachine) by the generated paths', () => {
  it('visits every state node of the machine', () => {
    expect([...graph.states].filter((state) => !visitedStates.has(state))).toEqual([]);
  });

  it('takes every transition edge of the machine', () => {
    expect([...graph.edges].filter((edge) => !visitedEdges.has(edge))).toEqual([]);
  });

  it('takes no edge the real machine does not have, so edges are named alike on both sides', () => {
    expect([...visitedEdges].filter((edge) => !graph.edges.has(edge))).toEqual([]);
  });

  it('sees every delayed transition of the real machine replaced by a clock event', () => {
    const delayed = [...graph.edges].filter((edge) => edge.includes(' xstate.after.'));
    expect(delayed).toHaveLength(5);
    expect(delayed.every((edge) => visitedEdges.has(edge))).toBe(true);
  });
});
