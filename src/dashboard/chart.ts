/**
 * The statechart the page draws, read from `breakerMachine` (through `src/diagram/model.ts`):
 * one box per state node and one arrow per pair of states a transition joins. Where the arrows
 * and boxes go is drawn by hand below, for a chart that reads well; a state or transition the
 * hand layout does not know still gets a box (in a row below) and a straight arrow labelled
 * with its trigger, and `test/dashboard/chart.test.ts` fails until the layout covers it.
 */
import type { AnyStateMachine } from 'xstate';
import { breakerMachine } from '../../machines/breaker.machine.js';
import { allStates, describeMachine, transitionLabelParts } from '../diagram/model.js';

/** `[x, y, width, height]` of a state's box, in the SVG's user units. */
export type ChartBox = readonly [x: number, y: number, width: number, height: number];

/** Where a label goes: `[x, y, text-anchor]`. */
type LabelAt = readonly [x: number, y: number, anchor: 'start' | 'middle' | 'end'];

/** An arrow drawn by hand, and the transitions (`from->to`, state paths) it stands for. */
export interface ChartRoute {
  readonly d: string;
  readonly lines: readonly string[];
  readonly at: LabelAt;
  /** `closed->open`; `*` stands for the machine's root ("any state"). */
  readonly covers: readonly string[];
}

/** A state of the chart: its path (`halfOpen.idle`), whether it has children, and its box. */
export interface ChartState {
  readonly path: string;
  readonly compound: boolean;
  readonly box: ChartBox;
}

/** A pair of states joined by at least one transition, with the transitions' triggers. */
export interface ChartEdge {
  /** The source state's path, or `*` for a transition of the root (taken in any state). */
  readonly from: string;
  readonly to: string;
  readonly triggers: readonly string[];
}

/** Everything the page's script needs to draw the chart. */
export interface Chart {
  readonly width: number;
  readonly height: number;
  /** Every state node, parents before their children. */
  readonly states: readonly ChartState[];
  readonly routes: readonly Omit<ChartRoute, 'covers'>[];
  /** Transitions taken in any state: `breaker.reset → closed`. */
  readonly anyState: readonly string[];
}

export const CHART_LAYOUT: Readonly<Record<string, ChartBox>> = {
  starting: [20, 6, 120, 26], // transient: a running breaker is never in it
  closed: [20, 40, 120, 56],
  open: [300, 14, 200, 96],
  'open.cooling': [320, 48, 152, 44],
  halfOpen: [300, 170, 200, 156],
  'halfOpen.claiming': [310, 276, 180, 40],
  'halfOpen.idle': [310, 206, 80, 44],
  'halfOpen.probing': [410, 206, 80, 44],
  isolated: [20, 218, 120, 56],
};

export const CHART_ROUTES: readonly ChartRoute[] = [
  {
    d: 'M140 68 L298 68',
    lines: ['failures ≥ threshold'],
    at: [219, 60, 'middle'],
    covers: ['closed->open'],
  },
  {
    d: 'M350 92 L350 168',
    lines: ['after backoff'],
    at: [344, 143, 'end'],
    covers: ['open.cooling->halfOpen', 'open->halfOpen.probing'],
  },
  {
    d: 'M470 206 L470 112',
    lines: ['probe failed', 'or timed out'],
    at: [464, 137, 'end'],
    covers: ['halfOpen.probing->open'],
  },
  {
    d: 'M300 200 C230 200 160 170 125 98',
    lines: ['probe succeeded'],
    at: [185, 214, 'middle'],
    covers: ['halfOpen.probing->closed'],
  },
  {
    d: 'M390 220 L408 220',
    lines: ['call'],
    at: [400, 262, 'middle'],
    covers: ['halfOpen.idle->halfOpen.probing'],
  },
  {
    d: 'M410 236 L392 236',
    lines: [],
    at: [400, 262, 'middle'],
    covers: ['halfOpen.probing->halfOpen.idle'],
  },
  { d: 'M486 28 L486 70 L474 70', lines: ['rearm'], at: [480, 34, 'end'], covers: ['open->open.cooling'] },
  {
    d: 'M500 100 L508 100 L508 290 L492 290',
    lines: ['fleet'],
    at: [504, 150, 'end'],
    covers: ['open.cooling->halfOpen.claiming', 'open->halfOpen.claiming'],
  },
  {
    d: 'M340 276 L340 252',
    lines: ['lease'],
    at: [336, 268, 'end'],
    covers: ['halfOpen.claiming->halfOpen.idle'],
  },
  {
    d: 'M490 306 L516 306 L516 60 L502 60',
    lines: ['taken'],
    at: [512, 340, 'end'],
    covers: ['halfOpen.claiming->open'],
  },
  { d: 'M60 96 L60 216', lines: ['isolate'], at: [54, 160, 'end'], covers: ['*->isolated'] },
  { d: 'M100 218 L100 98', lines: ['release'], at: [106, 160, 'start'], covers: ['isolated->closed'] },
];

/** Every transition of a machine between two different states, grouped by source and target. */
export function chartEdges(machine: AnyStateMachine = breakerMachine): ChartEdge[] {
  const model = describeMachine(machine);
  const path = (id: string) => (id === model.root.id ? '*' : id.slice(model.root.id.length + 1));
  const edges = new Map<string, { from: string; to: string; triggers: string[] }>();
  for (const t of model.transitions) {
    if (t.target === null || t.target === t.source) continue;
    // Eventless: the transient `starting` state's choice of a first state (as xstate/graph leaves them out).
    if (t.trigger.kind === 'always') continue;
    const from = path(t.source);
    const to = path(t.target);
    const key = `${from}->${to}`;
    const edge = edges.get(key) ?? { from, to, triggers: [] };
    edges.set(key, edge);
    const trigger = transitionLabelParts(t)[0] ?? '';
    if (!edge.triggers.includes(trigger)) edge.triggers.push(trigger);
  }
  return [...edges.values()];
}

/** Every state node of a machine (compound and leaf), depth first: its path and whether it has children. */
export function chartPaths(machine: AnyStateMachine = breakerMachine): { path: string; compound: boolean }[] {
  const rootId = machine.root.id;
  return allStates(describeMachine(machine)).map((s) => ({
    path: s.id.slice(rootId.length + 1),
    compound: s.children.length > 0,
  }));
}

const center = ([x, y, w, h]: ChartBox): [number, number] => [x + w / 2, y + h / 2];

/** The chart of a machine: the hand layout, plus a box and an arrow for anything it misses. */
export function chartOf(machine: AnyStateMachine = breakerMachine): Chart {
  const boxes: Record<string, ChartBox> = {};
  const states: ChartState[] = [];
  let height = 290;
  let spare = 0;
  for (const { path, compound } of chartPaths(machine)) {
    const box =
      CHART_LAYOUT[path] ?? ([20 + 125 * (spare % 4), 300 + 56 * Math.floor(spare++ / 4), 115, 44] as const);
    boxes[path] = box;
    states.push({ path, compound, box });
    height = Math.max(height, box[1] + box[3] + 16);
  }
  const edges = chartEdges(machine);
  const drawn = new Set<string>();
  const routes: Omit<ChartRoute, 'covers'>[] = [];
  for (const { covers, ...route } of CHART_ROUTES) {
    const live = covers.filter((key) => edges.some((e) => `${e.from}->${e.to}` === key));
    if (live.length === 0) continue;
    for (const key of live) drawn.add(key);
    routes.push(route);
  }
  const anyState: string[] = [];
  for (const edge of edges) {
    if (edge.from === '*') {
      anyState.push(...edge.triggers.map((trigger) => `${trigger} → ${edge.to}`));
      continue;
    }
    const from = boxes[edge.from];
    const to = boxes[edge.to];
    if (drawn.has(`${edge.from}->${edge.to}`) || from === undefined || to === undefined) continue;
    const [x1, y1] = center(from);
    const [x2, y2] = center(to);
    routes.push({
      d: `M${x1} ${y1} L${x2} ${y2}`,
      lines: [edge.triggers.join(' or ')],
      at: [(x1 + x2) / 2, (y1 + y2) / 2 - 4, 'middle'],
    });
  }
  if (anyState.length > 0) height += 14;
  return { width: 520, height, states, routes, anyState };
}
