/** The coverage guard: every state and edge of the real machine is visited by the generated paths. */
import { beforeAll, describe, expect, it } from 'vitest';
import { breakerMachine } from '../../machines/index.js';
import { machineGraphKeys, runBreakerPath } from '../../src/testing/index.js';
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

const graph = machineGraphKeys(breakerMachine);
const visitedEdges = new Set<string>();
const visitedStates = new Set<string>();

beforeAll(async () => {
  const runs = [
    ...shortestPaths.map((path) => runBreakerPath(richModel, path, runOptions(richOptions))),
    ...simplePaths.map((path) => runBreakerPath(smallModel, path, runOptions(smallOptions))),
    ...windowPaths.map((path) => runBreakerPath(windowModel, path, runOptions(windowOptions))),
    ...healthCheckPaths.map((path) => runBreakerPath(healthCheckModel, path, runOptions(healthCheckOptions))),
    ...fleetPaths.map((path) => runBreakerPath(fleetModel, path, runOptions(fleetOptions))),
  ];
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
