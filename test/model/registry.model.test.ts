/**
 * Model-based tests of a registry: paths generated from the composition of one breaker chart
 * per tool (timers as clock events) and the registry chart run against `createRegistry`,
 * which must match every tool's state and context, the registry actor's state and counts,
 * the open circuits and the events emitted after every step.
 */
import { describe, expect, it } from 'vitest';
import {
  createRegistryTestModel,
  describeRegistryPath,
  runRegistryPath,
  type RegistryModelSnapshot,
} from '../../src/testing/index.js';
import { modelPaths, pauseAtOne, pauseAtTwo } from './registry-paths.js';

const runs = [
  // Every state, and forgetting tools (registry.reset, resetAll) from every state.
  { ...modelPaths('pauses at one open circuit', pauseAtOne), perRejection: false },
  // Every state, each rejection checked as the registry forwards it.
  { ...modelPaths('pauses at two open circuits', { ...pauseAtTwo, cover: 'states' }), perRejection: true },
];

for (const { name, model, paths, perRejection } of runs) {
  const cases = paths.map((path) => [describeRegistryPath(path), path] as const);

  describe(`shortest paths of a two-tool registry that ${name}`, () => {
    it.each(cases)('the registry follows the charts with batching: %s', async (_name, path) => {
      const report = await runRegistryPath(model, path);
      expect(report.steps).toBe(path.steps.length - 1);
    });

    if (perRejection) {
      it.each(cases)('the registry follows the charts with a rejected listener: %s', async (_name, path) => {
        const report = await runRegistryPath(model, path, { perRejection: true });
        expect(report.steps).toBe(path.steps.length - 1);
      });
    }
  });
}

describe('the registry test model', () => {
  const model = createRegistryTestModel({ ...pauseAtOne, cover: 'states' });
  const states: RegistryModelSnapshot[] = Object.values(model.getAdjacencyMap()).map(
    (entry: { state: RegistryModelSnapshot }) => entry.state,
  );

  it('reaches the recovery pause', () => {
    expect(states.some((state) => state.registry.value === 'recoveryPause')).toBe(true);
  });

  it('reaches both tools open at once, in either order', () => {
    const orders = new Set(states.filter((s) => s.openTools.length === 2).map((s) => s.openTools.join()));
    expect([...orders].sort()).toEqual(['search,shell', 'shell,search']);
  });

  it('forgets a tool on registry.reset: it is a new closed tool of generation 1', () => {
    const open = model.next(model.initial, { type: 'call.failed', tool: 'search', category: 'network' });
    const forgotten = model.next(open, { type: 'registry.reset', tool: 'search' });
    expect(forgotten.tools[0]).toEqual(model.initial.tools[0]);
    expect(forgotten.registry.context).toMatchObject({
      openCircuits: 0,
      liveBreakers: 0,
      maxOpenCircuits: 1,
    });
  });

  it('refuses tool names that repeat', () => {
    expect(() => createRegistryTestModel({ tools: ['a', 'a'] })).toThrow(RangeError);
  });
});
