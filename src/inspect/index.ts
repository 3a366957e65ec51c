export { createNodeInspector, type NodeInspector, type NodeInspectorOptions } from './node.js';
