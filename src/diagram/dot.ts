import type { AnyStateMachine } from 'xstate';
import {
  allStates,
  describeMachine,
  stateLabelParts,
  transitionLabelParts,
  type DiagramModel,
  type DiagramState,
} from './model.js';

/** A double-quoted DOT string. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** The point node that stands for a compound state in edges (and is its initial dot). */
const anchorOf = (id: string): string => `${id}.__initial`;

function renderState(state: DiagramState, indent: string, lines: string[]): void {
  const label = quote(stateLabelParts(state).join('\n'));
  if (state.children.length === 0) {
    const shape = state.type === 'final' ? ', peripheries=2' : '';
    lines.push(`${indent}${quote(state.id)} [label=${label}${shape}];`);
    return;
  }
  lines.push(`${indent}subgraph ${quote(`cluster_${state.id}`)} {`);
  lines.push(`${indent}  label=${label};`);
  lines.push(`${indent}  style=${state.type === 'parallel' ? 'dashed' : 'rounded'};`);
  lines.push(`${indent}  ${quote(anchorOf(state.id))} [shape=point, label=""];`);
  if (state.initial !== undefined)
    lines.push(`${indent}  ${quote(anchorOf(state.id))} -> ${quote(state.initial)};`);
  for (const child of state.children) renderState(child, `${indent}  `, lines);
  lines.push(`${indent}}`);
}

/**
 * Renders a model as a Graphviz `digraph`. Compound states are clusters whose initial dot
 * carries their edges (`ltail` / `lhead` clip them to the cluster); a targetless transition
 * is a loop; the root's own transitions start from an "any state" node.
 */
export function renderDot(model: DiagramModel): string {
  const compound = new Set(
    allStates(model)
      .filter((s) => s.children.length > 0)
      .map((s) => s.id),
  );
  const within = (id: string, ancestor: string): boolean => id.startsWith(`${ancestor}.`);
  const lines = [
    `digraph ${quote(model.root.id)} {`,
    '  compound=true;',
    '  node [shape=box, style=rounded, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
    `  ${quote(anchorOf(model.root.id))} [shape=point, label=""];`,
  ];
  if (model.transitions.some((t) => t.source === model.root.id)) {
    lines.push(`  ${quote(model.root.id)} [label=${quote(`any ${model.root.key} state`)}, shape=note];`);
  }
  for (const state of model.root.children) renderState(state, '  ', lines);
  if (model.root.initial !== undefined) {
    lines.push(`  ${quote(anchorOf(model.root.id))} -> ${quote(model.root.initial)};`);
  }
  for (const t of model.transitions) {
    const source = t.source;
    const target = t.target ?? t.source;
    const from = compound.has(source) ? anchorOf(source) : source;
    const to = compound.has(target) ? anchorOf(target) : target;
    const attrs = [`label=${quote(transitionLabelParts(t).join('\n'))}`];
    if (source !== target && compound.has(source) && !within(target, source))
      attrs.push(`ltail=${quote(`cluster_${source}`)}`);
    if (source !== target && compound.has(target) && !within(source, target))
      attrs.push(`lhead=${quote(`cluster_${target}`)}`);
    if (t.target === null) attrs.push('style=dashed');
    lines.push(`  ${quote(from)} -> ${quote(to)} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** A machine's Graphviz `digraph`, generated from its state nodes. */
export function toDot(machine: AnyStateMachine): string {
  return renderDot(describeMachine(machine));
}
