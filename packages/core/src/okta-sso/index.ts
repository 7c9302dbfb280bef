export * from './system-log.js';
export * from './okta-users.js';
export * from './sso-matching.js';
