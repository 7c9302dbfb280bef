import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Store } from '@accessgraph/storage';
import { installAuth } from './http/auth.js';
import { installBooleanQuerySpellings } from './http/boolean-query.js';
import { frameworkError, installErrorHandling } from './http/error-handler.js';
import { parseEveryBodyAsJson } from './http/json-body.js';
import { installOpenApi } from './http/openapi.js';
import { schemaValidatorCompiler } from './http/schema-validators.js';
import { accessReviewRoutes } from './routes/access-review-routes.js';
import { apiKeyRoutes } from './routes/api-key-routes.js';
import { assessmentRoutes } from './routes/assessment-routes.js';
import { csvPushRoutes } from './routes/csv-push-routes.js';
import { dataSourceRoutes } from './routes/data-source-routes.js';
import { graphRoutes } from './routes/graph-routes.js';
import { iconRoutes } from './routes/icon-routes.js';
import { metaRoutes } from './routes/meta-routes.js';
import { multipartRoutes } from './routes/multipart-routes.js';
import { oktaSsoRoutes } from './routes/okta-sso-routes.js';
import { pathRoutes } from './routes/path-routes.js';
import { providerRoutes } from './routes/provider-routes.js';
import { pushRoutes } from './routes/push-routes.js';
import { querySpecRoutes } from './routes/query-spec-routes.js';
import type { Clock } from './services/clock.js';
import { createServices } from './services/services.js';
import { VERSION } from './version.js';

/** Largest request body: the OAA push limit, 100 MB, counted generously as 100 MiB. */
export const DEFAULT_BODY_LIMIT = 100 * 1024 * 1024;

export interface AppOptions {
  store: Store;
  /** pino options (level, destination...) or false for silence; tests pass nothing. */
  logger?: FastifyServerOptions['logger'];
  bodyLimit?: number;
  /** Largest size a GZIP push may inflate to (default 1 GiB). */
  maxInflatedBytes?: number;
  /** Serve HTTPS with this key and certificate (PEM). */
  https?: { key: string | Buffer; cert: string | Buffer };
  /** Where multipart uploads read the time (their expiry); tests pass a clock they move. */
  clock?: Clock;
}

/**
 * The HTTP application. It never listens: tests call `inject()`, the CLI calls `listen()`.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    // 32 hex digits, as the ids have always read. randomUUID draws from a batch of entropy, where
    // randomBytes asked OpenSSL for each request's 16 bytes: 0.05 ms of every request in a CPU profile.
    genReqId: () => randomUUID().replaceAll('-', ''),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 512 },
    return503OnClosing: true,
    // OAA clients may spell the colon of `{id}:icon`, `custom:icon`, `{ds}:push` as %3A.
    rewriteUrl: (request) => (request.url ?? '/').replace(/^[^?]*/, (path) => path.replace(/%3a/gi, ':')),
    frameworkErrors: frameworkError,
    ...(options.https ? { https: options.https } : {}),
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(schemaValidatorCompiler());
  parseEveryBodyAsJson(app);
  installErrorHandling(app, bodyLimit);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  const services = createServices(options.store, {
    ...(options.maxInflatedBytes ? { maxInflatedBytes: options.maxInflatedBytes } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  installAuth(app, services.apiKeys);
  installBooleanQuerySpellings(app);
  await installOpenApi(app, VERSION);

  await app.register(metaRoutes, { services, version: VERSION });
  await app.register(providerRoutes, { services });
  await app.register(dataSourceRoutes, { services });
  await app.register(iconRoutes, { services });
  await app.register(pushRoutes, { services, bodyLimit });
  await app.register(multipartRoutes, { services, bodyLimit });
  await app.register(csvPushRoutes, { services, bodyLimit });
  await app.register(apiKeyRoutes, { services });
  await app.register(graphRoutes, { services });
  await app.register(pathRoutes, { services });
  await app.register(assessmentRoutes, { services });
  await app.register(querySpecRoutes, { services });
  await app.register(accessReviewRoutes, { services });
  await app.register(oktaSsoRoutes, { services });
  return app;
}
