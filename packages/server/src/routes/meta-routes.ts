import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Health, Template, ValuesEnvelope } from '@accessgraph/contract';
import type { Services } from '../services/services.js';
import { TEMPLATES } from '../services/templates.js';
import { PATHS } from './paths.js';

/** Health, the template list (oaaclient's connection test) and the OpenAPI document. */
export const metaRoutes: FastifyPluginAsyncTypebox<{ services: Services; version: string }> = async (app, { services, version }) => {
  app.get(
    PATHS.templates,
    {
      config: { access: 'reader' },
      schema: { tags: ['Providers'], summary: 'List the OAA templates', response: { 200: ValuesEnvelope(Template) } },
    },
    async () => ({ values: TEMPLATES, next_page_token: '', has_more: false }),
  );

  app.get(
    PATHS.health,
    {
      config: { access: 'public' },
      schema: { tags: ['Operations'], summary: 'Liveness and database check (no key needed)', response: { 200: Health, 503: Health } },
    },
    async (_request, reply) => {
      const storage = services.store.engine;
      try {
        await services.store.ping();
        return { status: 'ok' as const, version, storage };
      } catch {
        return reply.code(503).send({ status: 'unavailable' as const, version, storage });
      }
    },
  );

  app.get(PATHS.openapi, { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
};
