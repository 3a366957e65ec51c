export { toMermaid, renderMermaid } from './mermaid.js';
export { toDot, renderDot } from './dot.js';
export { describeMachine, allStates } from './model.js';
export type { DiagramModel, DiagramState, DiagramTransition, DiagramTrigger } from './model.js';
export { fenceMermaid, readDiagramBlocks, writeDiagramBlocks } from './docs.js';
export {
  DIAGRAM_MACHINES,
  diagramMachines,
  isDiagramMachineName,
  type DiagramMachineName,
} from './machines.js';
