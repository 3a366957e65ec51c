/**
 * A machine's structure as a diagram needs it, read from its state nodes
 * (`machine.root`, `stateNode.transitions`, `stateNode.always`, `after`).
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { actionLabel, emittedBy, guardLabel, isAfterMechanics } from './labels.js';

/** A state of the diagram; `id` is the state node's id (`breaker.open.cooling`). */
export interface DiagramState {
  readonly id: string;
  readonly key: string;
  readonly type: AnyStateNode['type'];
  /** Id of the initial child state, for a compound state. */
  readonly initial: string | undefined;
  /** Entry actions, with what they emit (`enterHalfOpen (emits halfOpened)`). */
  readonly entry: readonly string[];
  /** Exit actions, with what they emit. */
  readonly exit: readonly string[];
  /** Sources of invoked actors. */
  readonly invoke: readonly string[];
  readonly children: readonly DiagramState[];
}

/** What fires a transition: an event, a named (or numeric) delay, or nothing (`always`). */
export type DiagramTrigger =
  | { readonly kind: 'event'; readonly name: string }
  | { readonly kind: 'after'; readonly name: string }
  | { readonly kind: 'always'; readonly name: '' };

/** One transition; `target` is null for a targetless transition (actions only). */
export interface DiagramTransition {
  readonly source: string;
  readonly target: string | null;
  readonly trigger: DiagramTrigger;
  readonly guard: string | undefined;
  readonly actions: readonly string[];
  readonly emits: readonly string[];
  readonly reenter: boolean;
}

/** A whole machine: its root state (whose children are the top-level states) and transitions. */
export interface DiagramModel {
  readonly root: DiagramState;
  readonly transitions: readonly DiagramTransition[];
}

function withEmits(machine: AnyStateMachine, actions: readonly unknown[]): string[] {
  return actions
    .filter((action) => !isAfterMechanics(action))
    .map((action) => {
      const emits = emittedBy(machine, action);
      const label = actionLabel(action);
      return emits.length > 0 ? `${label} (emits ${emits.join(', ')})` : label;
    });
}

function delayName(delay: unknown): string {
  if (typeof delay === 'number') return `${delay} ms`;
  return typeof delay === 'string' ? delay : 'inline';
}

function readState(machine: AnyStateMachine, node: AnyStateNode, out: DiagramTransition[]): DiagramState {
  const add = (
    trigger: DiagramTrigger,
    t: AnyStateNode['transitions'] extends Map<string, (infer T)[]> ? T : never,
  ) => {
    const actions = t.actions.filter((action) => !isAfterMechanics(action));
    out.push({
      source: node.id,
      target: t.target?.[0]?.id ?? null,
      trigger,
      guard: t.guard === undefined ? undefined : guardLabel(t.guard),
      actions: actions.map(actionLabel),
      emits: [...new Set(actions.flatMap((action) => emittedBy(machine, action)))],
      reenter: t.reenter,
    });
  };
  for (const [eventType, transitions] of node.transitions) {
    for (const t of transitions) {
      const delay = (t as { delay?: unknown }).delay;
      if (delay !== undefined && eventType.startsWith('xstate.after.')) {
        add({ kind: 'after', name: delayName(delay) }, t);
      } else {
        add({ kind: 'event', name: eventType }, t);
      }
    }
  }
  for (const t of node.always ?? []) add({ kind: 'always', name: '' }, t);
  const invoke = node.invoke.map((i: { src: unknown; id: string }) =>
    typeof i.src === 'string' ? i.src : i.id,
  );
  return {
    id: node.id,
    key: node.key,
    type: node.type,
    initial: node.type === 'compound' ? node.initial.target[0]?.id : undefined,
    entry: withEmits(machine, node.entry),
    exit: withEmits(machine, node.exit),
    invoke,
    children: Object.values(node.states).map((child) => readState(machine, child, out)),
  };
}

/** Reads a machine's states and transitions, with guards, delays, actions and emitted events. */
export function describeMachine(machine: AnyStateMachine): DiagramModel {
  const transitions: DiagramTransition[] = [];
  const root = readState(machine, machine.root, transitions);
  return { root, transitions };
}

/** Every state below the root, depth first. */
export function allStates(model: DiagramModel): DiagramState[] {
  const walk = (state: DiagramState): DiagramState[] => [state, ...state.children.flatMap(walk)];
  return model.root.children.flatMap(walk);
}

/**
 * A transition's label parts: trigger and guard (`call.failed [isTrippingFailure]`),
 * actions (`/ recordFailure, tripCircuit`), emitted events (`(emits opened)`) and `(reenter)`.
 */
export function transitionLabelParts(t: DiagramTransition): string[] {
  const trigger =
    t.trigger.kind === 'after'
      ? `after ${t.trigger.name}`
      : t.trigger.kind === 'always'
        ? 'always'
        : t.trigger.name;
  const parts = [t.guard === undefined ? trigger : `${trigger} [${t.guard}]`];
  if (t.actions.length > 0) parts.push(`/ ${t.actions.join(', ')}`);
  if (t.emits.length > 0) parts.push(`(emits ${t.emits.join(', ')})`);
  if (t.reenter && t.target !== null) parts.push('(reenter)');
  return parts;
}

/** A state's label parts: its key, then `entry / …`, `exit / …` and `invoke …` when it has them. */
export function stateLabelParts(state: DiagramState): string[] {
  const parts = [state.key];
  if (state.entry.length > 0) parts.push(`entry / ${state.entry.join(', ')}`);
  if (state.exit.length > 0) parts.push(`exit / ${state.exit.join(', ')}`);
  if (state.invoke.length > 0) parts.push(`invoke ${state.invoke.join(', ')}`);
  return parts;
}
