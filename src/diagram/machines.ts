import type { AnyStateMachine } from 'xstate';
import { breakerMachine } from '../../machines/breaker.machine.js';

/** The machines a diagram can be drawn for, by the name the CLI takes. */
export const DIAGRAM_MACHINES = ['breaker', 'registry'] as const;

/** A name from {@link DIAGRAM_MACHINES}. */
export type DiagramMachineName = (typeof DIAGRAM_MACHINES)[number];

/** True when `name` names a machine a diagram can be drawn for. */
export function isDiagramMachineName(name: string): name is DiagramMachineName {
  return (DIAGRAM_MACHINES as readonly string[]).includes(name);
}

/** Thrown when a named machine is not available in this build. */
export class MachineUnavailableError extends Error {
  override readonly name = 'MachineUnavailableError';
}

const isMachine = (value: unknown): value is AnyStateMachine =>
  typeof value === 'object' && value !== null && 'root' in value && 'implementations' in value;

/** Loads a machine by name from `tripstate/machines`. */
export async function loadDiagramMachine(name: DiagramMachineName): Promise<AnyStateMachine> {
  if (name === 'breaker') return breakerMachine;
  const exports: Record<string, unknown> = await import('../../machines/index.js');
  const machine = exports.registryMachine;
  if (!isMachine(machine)) {
    throw new MachineUnavailableError(
      'the registry machine is not available: machines/index.ts does not export `registryMachine` yet',
    );
  }
  return machine;
}
