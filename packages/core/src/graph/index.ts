export * from './derived-graph.js';
export * from './closure.js';
export * from './effective-access.js';
