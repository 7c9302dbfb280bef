export * from './model.js';
export { readIdpPayload } from './read-idp.js';
export { deriveIdpGraph } from './derive-idp.js';
