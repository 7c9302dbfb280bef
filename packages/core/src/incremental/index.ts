export { applyIncremental, type AppliedChanges, type TagRemoval } from './apply-changes.js';
export type { PathOrigins } from './path-origins.js';
