export * from './derived-graph.js';
export * from './closure.js';
export * from './effective-access.js';
export * from './sorted-order.js';
export * from './graph-tables.js';
export * from './graph-builder.js';
export * from './cycles.js';
export * from './kept-node-ids.js';
export { appEntityNodeKey, applicationNodeKey, externalNodeKey, hrisNodeKey, idpIdentityNodeKey, idpNodeKey } from './node-keys.js';
