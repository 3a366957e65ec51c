import type { AnyStateMachine } from 'xstate';
import {
  describeMachine,
  stateLabelParts,
  transitionLabelParts,
  type DiagramModel,
  type DiagramState,
} from './model.js';

/** The pseudo-state that stands for "any state": the source of the root's own transitions. */
const ANY = '_any';

/**
 * A Mermaid id for a state node id: its path below the root joined with `_`
 * (`breaker.open.cooling` → `open_cooling`), other characters replaced.
 */
function mermaidId(model: DiagramModel, id: string): string {
  if (id === model.root.id) return ANY;
  return id.slice(model.root.id.length + 1).replace(/[^A-Za-z0-9_]/g, '_');
}

/** Text Mermaid accepts in a label: no `:`, `;`, `"`, `#` or line breaks. */
function text(value: string): string {
  return value
    .replace(/[:;#"\n]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function renderState(model: DiagramModel, state: DiagramState, indent: string, lines: string[]): void {
  const id = mermaidId(model, state.id);
  const label = `state "${text(stateLabelParts(state).join(' — '))}" as ${id}`;
  if (state.children.length === 0) {
    lines.push(`${indent}${label}`);
    if (state.type === 'final') lines.push(`${indent}${id} --> [*]`);
    return;
  }
  lines.push(`${indent}${label} {`);
  state.children.forEach((child, i) => {
    if (state.type === 'parallel' && i > 0) lines.push(`${indent}  --`);
    renderState(model, child, `${indent}  `, lines);
  });
  if (state.initial !== undefined) lines.push(`${indent}  [*] --> ${mermaidId(model, state.initial)}`);
  lines.push(`${indent}}`);
}

/**
 * Renders a model as a Mermaid `stateDiagram-v2`. Compound states are composite states;
 * every transition is written at the top level (Mermaid re-parents a state referenced inside
 * another composite); a targetless transition is a loop on its state; the root's own
 * transitions start from an "any state" pseudo-state.
 */
export function renderMermaid(model: DiagramModel): string {
  const lines = ['stateDiagram-v2'];
  if (model.transitions.some((t) => t.source === model.root.id)) {
    lines.push(`  state "any ${text(model.root.key)} state" as ${ANY}`);
  }
  for (const state of model.root.children) renderState(model, state, '  ', lines);
  if (model.root.initial !== undefined) lines.push(`  [*] --> ${mermaidId(model, model.root.initial)}`);
  for (const t of model.transitions) {
    const from = mermaidId(model, t.source);
    const to = mermaidId(model, t.target ?? t.source);
    lines.push(`  ${from} --> ${to} : ${text(transitionLabelParts(t).join(' '))}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A machine's Mermaid `stateDiagram-v2`, generated from its state nodes. */
export function toMermaid(machine: AnyStateMachine): string {
  return renderMermaid(describeMachine(machine));
}
