import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { ErrorBody } from '@accessgraph/contract';

const DOCS_PREFIX = '/docs';

/**
 * The OpenAPI document, generated from the route schemas, and browsable docs at /docs. Each
 * route that needs a key is marked with the bearer scheme and the error answers it can give.
 */
export async function installOpenApi(app: FastifyInstance, version: string): Promise<void> {
  app.addHook('onRoute', describeAccess);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Accessgraph API',
        version,
        description:
          "Veza Open Authorization API (OAA) compatible endpoints, plus Accessgraph's own. " +
          'Every /api route needs `Authorization: Bearer <key>`; create the first key with ' +
          '`npx accessgraph keys create --role admin --name me`.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An Accessgraph API key' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });
}

function describeAccess(route: RouteOptions): void {
  const config = (route.config ?? {}) as { access?: string };
  if (config.access === undefined && route.url.startsWith(DOCS_PREFIX)) {
    route.config = { ...config, access: 'public' };
    return;
  }
  if (config.access === 'public' || !route.schema) return;
  const schema = route.schema as Record<string, unknown>;
  schema.security = [{ apiKey: [] }];
  const responses = (schema.response ?? {}) as Record<string, unknown>;
  for (const status of [400, 401, 403, 404]) responses[status] ??= ErrorBody;
  schema.response = responses;
}
