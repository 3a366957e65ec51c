import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { toDirectedGraph, type DirectedGraphNode } from 'xstate/graph';
import { breakerMachine } from '../../machines/index.js';
import { CHART_LAYOUT, CHART_ROUTES, chartOf, type ChartBox } from '../../src/dashboard/chart.js';

/** Every state node of a machine and every transition between two different ones, from xstate/graph. */
function graphOf(machine: typeof breakerMachine) {
  const walk = (node: DirectedGraphNode): DirectedGraphNode[] => [node, ...node.children.flatMap(walk)];
  const nodes = walk(toDirectedGraph(machine));
  const path = (id: string) => (id === machine.id ? '*' : id.slice(machine.id.length + 1));
  const states = nodes.slice(1).map((n) => path(n.id));
  const edges = new Set(
    nodes
      .flatMap((n) => n.edges)
      .filter((e) => e.source !== e.target)
      .map((e) => `${path(e.source.id)}->${path(e.target.id)}`),
  );
  return { states, edges };
}

const { states, edges } = graphOf(breakerMachine);
const covered = new Set(CHART_ROUTES.flatMap((r) => r.covers));
const inside = ([x, y, w, h]: ChartBox, px: number, py: number, slack = 4) =>
  px >= x - slack && px <= x + w + slack && py >= y - slack && py <= y + h + slack;
/** The first and the last point of an SVG path made of M, L and C commands. */
function ends(d: string): [[number, number], [number, number]] {
  const n = (d.match(/-?\d+(\.\d+)?/g) ?? []).map(Number);
  return [
    [n[0]!, n[1]!],
    [n.at(-2)!, n.at(-1)!],
  ];
}

describe("the dashboard's statechart", () => {
  it.each(states)('has a box drawn for the state %s of breakerMachine', (state) => {
    expect(CHART_LAYOUT[state], `no box for ${state} in CHART_LAYOUT (src/dashboard/chart.ts)`).toBeDefined();
  });

  it.each([...edges].filter((e) => !e.startsWith('*->')))(
    'has an arrow drawn for the transition %s of breakerMachine',
    (edge) => {
      expect(covered.has(edge), `no route in CHART_ROUTES covers ${edge}`).toBe(true);
    },
  );

  it('lists the transitions taken in any state under the chart', () => {
    const anyState = [...edges].filter((e) => e.startsWith('*->')).map((e) => e.slice(3));
    expect(anyState.sort()).toEqual(['closed', 'isolated', 'open']);
    const chart = chartOf();
    expect(chart.anyState).toEqual([
      'breaker.reset → closed',
      'fleet.closed [isNewerFleetState] → closed',
      'fleet.reset [isNewerFleetState] → closed',
      'fleet.released [isNewerFleetState] → closed',
      'breaker.isolate → isolated',
      'fleet.isolated [isNewerFleetState] → isolated',
      'fleet.opened [isNewerFleetState] → open',
    ]);
  });

  it('draws no arrow for a transition the machine does not have', () => {
    expect([...covered].filter((edge) => !edges.has(edge))).toEqual([]);
    expect(Object.keys(CHART_LAYOUT).filter((state) => !states.includes(state))).toEqual([]);
  });

  it('nests each child box inside its parent box', () => {
    for (const state of states.filter((s) => s.includes('.'))) {
      const [x, y, w, h] = CHART_LAYOUT[state]!;
      const parent = CHART_LAYOUT[state.slice(0, state.lastIndexOf('.'))]!;
      expect(inside(parent, x, y, 0) && inside(parent, x + w, y + h, 0), state).toBe(true);
    }
  });

  it.each(CHART_ROUTES.flatMap((route) => route.covers.map((edge) => [edge, route.d] as const)))(
    'starts and ends the arrow of %s (%s) at the boxes it joins',
    (edge, d) => {
      const [from, to] = edge.split('->') as [string, string];
      const [start, end] = ends(d);
      const top = (state: string) => CHART_LAYOUT[state.split('.')[0]!]!;
      if (from !== '*') expect(inside(top(from), ...start)).toBe(true);
      expect(inside(top(to), ...end)).toBe(true);
    },
  );

  it('draws every box and arrow of the hand layout for breakerMachine, and nothing else', () => {
    const chart = chartOf();
    expect(chart.states.map((s) => s.path)).toEqual(states);
    expect(chart.states.map((s) => s.box)).toEqual(states.map((s) => CHART_LAYOUT[s]));
    expect(chart.routes.map((r) => r.d)).toEqual(CHART_ROUTES.map((r) => r.d));
  });

  it('still draws a box and a labelled arrow for a state the layout does not know', () => {
    const machine = createMachine({
      id: 'breaker',
      initial: 'closed',
      states: {
        closed: { on: { 'call.failed': 'open', 'breaker.drain': 'draining' } },
        open: {},
        draining: { on: { 'drain.done': 'closed' } },
      },
    });
    const chart = chartOf(machine);
    expect(chart.states.map((s) => s.path)).toEqual(['closed', 'open', 'draining']);
    const box = chart.states.find((s) => s.path === 'draining')!.box;
    expect(chart.height).toBeGreaterThanOrEqual(box[1] + box[3]);
    expect(chart.routes.map((r) => r.lines)).toEqual([
      ['failures ≥ threshold'],
      ['breaker.drain'],
      ['drain.done'],
    ]);
  });
});
