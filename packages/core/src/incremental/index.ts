export { applyIncremental, type AppliedChanges, type TagRemoval } from './apply-changes.js';
export type { PathOrigins } from './path-origins.js';
export { planLeafDelta, type LeafDeltaApp, type LeafDeltaPlan, type LeafOperation } from './leaf-delta-plan.js';
export { slicePayload, type PayloadDeclarations, type SliceApp, type SliceNode, type SliceUser, type StoredSlice } from './stored-slice.js';
export { leafDelta, type DeltaGrant, type LeafDelta } from './leaf-delta.js';
export { applyToSlice, type SliceOutcome } from './apply-to-slice.js';
