/**
 * The states and edges of `registryMachine`, named as `machineGraphKeys` names them, and the
 * edges one event takes. `toDirectedGraph` leaves out eventless (`always`) transitions, which
 * are the recovery pause itself, so they are listed here too.
 */
import { type AnyStateNode, type AnyTransitionDefinition, type SnapshotFrom } from 'xstate';
import {
  registryMachine,
  type RegistryEvent,
  type RegistryMachine,
} from '../../machines/registry.machine.js';
import { edgeKey, machineGraphKeys, type MachineGraphKeys } from './coverage.js';

/** Every eventless (`always`) transition of a machine's state nodes. */
function eventlessTransitions(root: AnyStateNode): AnyTransitionDefinition[] {
  const found: AnyTransitionDefinition[] = [...(root.always ?? [])];
  for (const child of Object.values(root.states)) found.push(...eventlessTransitions(child));
  return found;
}

/** The states and edges of `toDirectedGraph(registryMachine)`, plus its eventless edges. */
export function registryGraphKeys(): MachineGraphKeys & { readonly eventless: ReadonlySet<string> } {
  const graph = machineGraphKeys(registryMachine);
  const eventless = new Set(eventlessTransitions(registryMachine.root).map((t) => edgeKey(t)));
  return { states: graph.states, edges: new Set([...graph.edges, ...eventless]), eventless };
}

/**
 * The edges of `registryMachine` that `event` takes from `snapshot` to `after`: its event
 * transitions, then the eventless transition into the state it settles in, if it changed.
 */
export function registryEdgesTaken(
  snapshot: SnapshotFrom<RegistryMachine>,
  event: RegistryEvent,
  after: SnapshotFrom<RegistryMachine>,
): string[] {
  const edges = registryMachine.getTransitionData(snapshot, event).map((t) => edgeKey(t));
  if (after.value !== snapshot.value) {
    const from = registryMachine.getStateNodeById(`registry.${String(snapshot.value)}`);
    const taken = (from.always ?? []).find((t) => t.target?.some((target) => target.key === after.value));
    if (taken) edges.push(edgeKey(taken));
  }
  return edges;
}

/** The edge names of the transitions an inspected `@xstate.microstep` reports. */
export function microstepEdges(transitions: readonly AnyTransitionDefinition[]): string[] {
  return transitions.map((t) => edgeKey(t));
}
