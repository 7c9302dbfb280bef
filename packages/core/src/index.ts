export * from './validation-issue.js';
export * from './list-filter.js';
export * from './order-by.js';
export * from './page-token.js';
export * from './icon-image.js';
export * from './names.js';
export * from './provider-rules.js';
export * from './api-key-secret.js';
