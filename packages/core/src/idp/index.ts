export * from './model.js';
export { readIdpPayload } from './read-idp.js';
export { deriveIdpGraph, propertyKey } from './derive-idp.js';
