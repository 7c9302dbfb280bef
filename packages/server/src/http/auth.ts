import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error.js';
import { roleAllows, type Access } from './access.js';
import type { ApiKeyService, Caller } from '../services/api-key-service.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; routes that do not say need an admin key. */
    access?: Access;
  }
  interface FastifyRequest {
    caller?: Caller;
  }
}

const BEARER = /^bearer[ \t]+([^\s]+)[ \t]*$/i;

/**
 * Checks `Authorization: Bearer <key>` before the body is read, so an unauthenticated client
 * cannot make the server parse a 100 MB body. Header name and scheme are case-insensitive.
 */
export function installAuth(app: FastifyInstance, keys: ApiKeyService): void {
  app.addHook('onRequest', async (request) => {
    if (request.is404) return;
    const access = request.routeOptions.config.access ?? 'admin';
    if (access === 'public') return;
    const header = request.headers.authorization;
    if (!header) throw ApiError.unauthenticated('Missing API key: send the header "Authorization: Bearer <key>"');
    const match = BEARER.exec(header);
    if (!match) throw ApiError.unauthenticated('Malformed API key: the Authorization header must be "Bearer <key>"');
    const caller = await keys.authenticate(match[1]!);
    if (!roleAllows(caller.role, access)) {
      throw ApiError.permissionDenied(
        `This operation needs a key with the ${access} role; key "${caller.keyName}" has the ${caller.role} role`,
      );
    }
    request.caller = caller;
  });
}
