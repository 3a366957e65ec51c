/**
 * Names for the states and transition edges of a machine, the same for a machine and for its
 * test variant (`timersAsEvents`), so that a test can tell which edges of the real machine
 * the generated paths visited.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { toDirectedGraph, type DirectedGraphNode } from 'xstate/graph';
import { afterEventType, type TimerEvents } from './machine.js';

/** The states and edges of a machine, by name. */
export interface MachineGraphKeys {
  /** State node ids, e.g. `breaker.open.cooling` (the root excluded). */
  readonly states: ReadonlySet<string>;
  /** Edge names, e.g. `breaker.closed call.failed [isTrippingFailure] → breaker.open #0`. */
  readonly edges: ReadonlySet<string>;
}

function guardName(transition: AnyTransitionDefinition): string {
  const guard = transition.guard as unknown;
  if (guard === undefined) return '';
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && guard !== null && 'type' in guard) return String(guard.type);
  return 'inline';
}

/**
 * The name of one transition. `eventType` is the event as the real machine names it (an
 * `xstate.after.…` type for a timer); `index` tells apart transitions of one event.
 */
export function edgeKey(transition: AnyTransitionDefinition, eventType?: string): string {
  const source = transition.source as AnyStateNode;
  const type = transition.eventType as string;
  const candidates = (type === '' ? source.always : source.transitions.get(type)) ?? [];
  const targets = transition.target?.map((target) => target.id).join(',') ?? '(stays)';
  const guard = guardName(transition);
  return `${source.id} ${eventType ?? type}${guard ? ` [${guard}]` : ''} → ${targets} #${candidates.indexOf(transition)}`;
}

/**
 * The name of a transition of a test variant, as the real machine's edge: a timer event
 * (`clock.backoffElapsed`) is named as the `after` transition it replaces.
 */
export function testEdgeKey(transition: AnyTransitionDefinition, timers: TimerEvents): string {
  const delay = Object.keys(timers).find((key) => timers[key] === transition.eventType);
  return edgeKey(transition, delay === undefined ? undefined : afterEventType(delay, transition.source.id));
}

/** Every state and edge of `toDirectedGraph(machine)`, by name. */
export function machineGraphKeys(machine: AnyStateMachine): MachineGraphKeys {
  const states = new Set<string>();
  const edges = new Set<string>();
  const visit = (node: DirectedGraphNode, isRoot: boolean): void => {
    if (!isRoot) states.add(node.id);
    for (const edge of node.edges) edges.add(edgeKey(edge.transition));
    for (const child of node.children) visit(child, false);
  };
  visit(toDirectedGraph(machine), true);
  return { states, edges };
}
