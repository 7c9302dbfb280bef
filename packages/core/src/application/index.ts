export * from './model.js';
export { readApplicationPayload } from './read-application.js';
export { deriveApplicationGraph } from './derive-application.js';
