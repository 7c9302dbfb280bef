export * from './derived-graph.js';
