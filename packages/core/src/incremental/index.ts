export { applyIncremental, type AppliedChanges, type TagRemoval } from './apply-changes.js';
export type { PathOrigins } from './path-origins.js';
export { planUserDelta, type UserDeltaApp, type UserDeltaPlan, type UserOperation } from './user-delta-plan.js';
export { slicePayload, type PayloadDeclarations, type SliceApp, type SliceNode, type SliceUser, type StoredSlice } from './stored-slice.js';
export { userDelta, type DeltaGrant, type UserDelta } from './user-delta.js';
export { applyToSlice, type SliceOutcome } from './apply-to-slice.js';
