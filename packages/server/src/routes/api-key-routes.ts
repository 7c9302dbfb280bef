import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiKey, ApiKeyCreate, EmptyObject, ApiKeyCreated, ApiKeyIdParams, ValueEnvelope, ValuesEnvelope } from '@accessgraph/contract';
import type { Services } from '../services/services.js';
import { PATHS } from './paths.js';

const tags = ['API keys'];

/** Key management for admins. The secret appears once, in the create answer. */
export const apiKeyRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { apiKeys } = services;

  app.post(
    PATHS.apiKeys,
    {
      config: { access: 'admin' },
      schema: { tags, summary: 'Create an API key (the secret is shown only here)', body: ApiKeyCreate, response: { 200: ValueEnvelope(ApiKeyCreated) } },
    },
    async (request) => {
      const created = await apiKeys.create(request.body);
      request.log.info({ key_id: created.id, role: created.role, by: request.caller?.keyId }, 'api key created');
      return { value: created };
    },
  );

  app.get(
    PATHS.apiKeys,
    {
      config: { access: 'admin' },
      schema: { tags, summary: 'List API keys (never their secrets)', response: { 200: ValuesEnvelope(ApiKey) } },
    },
    async () => ({ values: await apiKeys.list(), next_page_token: '', has_more: false }),
  );

  app.delete(
    PATHS.apiKey,
    {
      config: { access: 'admin' },
      schema: { tags, summary: 'Revoke an API key', params: ApiKeyIdParams, response: { 200: EmptyObject } },
    },
    async (request) => {
      const revoked = await apiKeys.revoke(request.params.key_id);
      request.log.info({ key_id: revoked.id, by: request.caller?.keyId }, 'api key revoked');
      return {};
    },
  );
};
