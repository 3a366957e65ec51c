import type { AnyStateMachine } from 'xstate';
import { breakerMachine } from '../../machines/breaker.machine.js';
import { registryMachine } from '../../machines/registry.machine.js';

/** The machines a diagram can be drawn for, by the name the CLI takes. */
export const diagramMachines = {
  breaker: breakerMachine,
  registry: registryMachine,
} as const satisfies Record<string, AnyStateMachine>;

/** The names in {@link diagramMachines}. */
export const DIAGRAM_MACHINES = Object.keys(diagramMachines) as DiagramMachineName[];

/** A name from {@link diagramMachines}. */
export type DiagramMachineName = keyof typeof diagramMachines;

/** True when `name` names a machine a diagram can be drawn for. */
export function isDiagramMachineName(name: string): name is DiagramMachineName {
  return Object.prototype.hasOwnProperty.call(diagramMachines, name);
}
