export { toMermaid, renderMermaid } from './mermaid.js';
export { toDot, renderDot } from './dot.js';
export { describeMachine, allStates } from './model.js';
export type { DiagramModel, DiagramState, DiagramTransition, DiagramTrigger } from './model.js';
export { fenceMermaid, readDiagramBlocks, writeDiagramBlocks } from './docs.js';
export {
  DIAGRAM_MACHINES,
  MachineUnavailableError,
  isDiagramMachineName,
  loadDiagramMachine,
  type DiagramMachineName,
} from './machines.js';
