export { buildApp, DEFAULT_BODY_LIMIT, type AppOptions } from './app.js';
export { createServices, type Services } from './services/services.js';
export { ApiKeyService, type Caller } from './services/api-key-service.js';
export { ApiError } from './http/api-error.js';
export { VERSION } from './version.js';
export { OktaSsoService } from './services/okta-sso-service.js';
