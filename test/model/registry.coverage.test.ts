/**
 * The coverage guard of the registry chart: the registry actor, observed while the generated
 * paths run, visits every state and takes every edge of `toDirectedGraph(registryMachine)`,
 * and both eventless transitions of the recovery pause, which `toDirectedGraph` leaves out. Two
 * breakers a shard (`shardsOfTwo`) make the chart open a second shard and retire the first.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createRegistryTestModel,
  registryGraphKeys,
  runRegistryPath,
  type RegistryModelEvent,
  type RegistryTestPath,
} from '../../src/testing/index.js';
import { modelPaths, pauseAtOne, pauseAtTwo, shardsOfTwo, type ModelPaths } from './registry-paths.js';
import { createBreakerTestModel } from '../../src/testing/index.js';
import { richOptions } from './paths.js';
import { runProtocolPath } from './protocol-run.js';

const graph = registryGraphKeys();

/**
 * Two breakers a shard: both tools get an actor (shard.0 is full), the first is forgotten and
 * comes back (the chart opens shard.1), then the second is forgotten (shard.0 is emptied and
 * retired). One path of events replayed through the model, not a traversal: the shortest paths
 * to its states never take it.
 */
function shardPaths(): ModelPaths {
  const model = createRegistryTestModel({ ...shardsOfTwo, inspect: true });
  const [search, shell] = shardsOfTwo.tools;
  const events: RegistryModelEvent[] = [
    { type: 'breaker.isolate', tool: search },
    { type: 'breaker.isolate', tool: shell },
    { type: 'registry.reset', tool: search },
    { type: 'breaker.isolate', tool: search },
    { type: 'registry.reset', tool: shell },
  ];
  let state = model.initial;
  const steps = events.map((event) => ({ event, state: (state = model.next(state, event)) }));
  const path = {
    state,
    steps,
    weight: steps.length,
    description: 'shards: fill one, open the next, retire the first',
    test: ({ events: run }: { events: Record<string, (step: { event: RegistryModelEvent }) => void> }) => {
      for (const step of steps) run[step.event.type]?.(step);
      return Promise.resolve();
    },
  } as unknown as RegistryTestPath;
  return { name: 'shards', model, paths: [path] };
}

/** Edges the inspected registry actors took. */
const inspectedEdges = new Set<string>();
/** Edges a registry actor driven by tool events alone took (test/model/registry-protocol.test.ts checks its steps). */
const protocolEdges = new Set<string>();
/** Edges the model predicted, with and without an inspector. */
const predictedEdges = new Set<string>();
/** States the registry actors were in, with an inspector and without. */
const inspectedStates = new Set<string>();
const batchedStates = new Set<string>();

beforeAll(async () => {
  let paths = 0;
  for (const [runs, states] of [
    [[modelPaths('inspected', { ...pauseAtOne, inspect: true }), shardPaths()], inspectedStates],
    [[modelPaths('batched', { ...pauseAtTwo, cover: 'states' })], batchedStates],
  ] as const) {
    for (const { model, paths: modelPaths } of runs) {
      for (const path of modelPaths) {
        const report = await runRegistryPath(model, path);
        for (const edge of report.edges) inspectedEdges.add(edge);
        for (const state of report.states) states.add(state);
        for (const step of path.steps)
          for (const edge of step.state.last.registryEdges) predictedEdges.add(edge);
        paths++;
      }
    }
  }
  // The tool events (a registry driven by events alone): the breaker model's paths sent as them.
  const protocolModel = createBreakerTestModel({ ...richOptions, restore: false });
  for (const path of protocolModel.getShortestPaths()) {
    for (const edge of runProtocolPath(protocolModel, path).registryEdges) protocolEdges.add(edge);
    paths++;
  }
  console.info(
    `registry coverage: ${paths} paths, ${inspectedStates.size}/${graph.states.size} states, ` +
      `${new Set([...inspectedEdges, ...protocolEdges]).size}/${graph.edges.size} edges (${graph.eventless.size} eventless)`,
  );
});

describe('coverage of registryMachine by the registry actor under the generated paths', () => {
  it('visits every state node of the machine', () => {
    expect([...graph.states].filter((state) => !inspectedStates.has(state))).toEqual([]);
  });

  it('takes every transition edge of the machine, eventless ones included (the tool events in the registry driven by them)', () => {
    const taken = new Set([...inspectedEdges, ...protocolEdges]);
    expect([...graph.edges].filter((edge) => !taken.has(edge))).toEqual([]);
  });

  it('takes no edge the machine does not have, so edges are named alike on both sides', () => {
    expect([...inspectedEdges, ...protocolEdges].filter((edge) => !graph.edges.has(edge))).toEqual([]);
  });

  it('enters and leaves the recovery pause only through its two eventless transitions', () => {
    expect(graph.eventless.size).toBe(2);
    expect([...graph.eventless].every((edge) => inspectedEdges.has(edge))).toBe(true);
  });

  it('predicts in the model every edge the registry actor takes', () => {
    expect([...inspectedEdges].filter((edge) => !predictedEdges.has(edge))).toEqual([]);
  });

  it('reaches every state of the machine without an inspector too, with dormant tools and batching', () => {
    expect([...graph.states].filter((state) => !batchedStates.has(state))).toEqual([]);
  });
});
