export * from './node-id.js';
export * from './node-search.js';
export * from './property-filter.js';
export * from './access-paths.js';
