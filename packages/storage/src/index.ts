export * from './store.js';
export * from './store-error.js';
export * from './capabilities.js';
export * from './kysely-store.js';
export * from './sqlite-store.js';
export * from './postgres-store.js';
export * from './open-store.js';
export { migrateToLatest } from './migrate.js';
export type { IdentityLinkQuery } from './identity-links-query.js';
