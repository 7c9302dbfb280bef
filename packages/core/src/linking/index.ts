export * from './identity-keys.js';
export * from './resolve-links.js';
export * from './transformations.js';
export * from './unlinked.js';
export * from './offer-changes.js';
