export * from './query-spec.js';
export * from './node-type-kinds.js';
export * from './condition-match.js';
export * from './parse-query-spec.js';
export * from './node-selector-match.js';
