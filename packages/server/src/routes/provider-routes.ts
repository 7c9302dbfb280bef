import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { EmptyObject, ListQuery, Provider, ProviderCreate, ProviderIdParams, ProviderPatch, ValueEnvelope, ValuesEnvelope } from '@accessgraph/contract';
import type { Services } from '../services/services.js';
import { PATHS } from './paths.js';

const tags = ['Providers'];

export const providerRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { providers } = services;

  app.post(
    PATHS.providers,
    {
      config: { access: 'writer' },
      schema: { tags, summary: 'Create a custom provider', body: ProviderCreate, response: { 200: ValueEnvelope(Provider) } },
    },
    async (request) => ({ value: await providers.create(request.body) }),
  );

  app.get(
    PATHS.providers,
    {
      config: { access: 'reader' },
      schema: { tags, summary: 'List custom providers', querystring: ListQuery, response: { 200: ValuesEnvelope(Provider) } },
    },
    (request) => providers.list(request.query),
  );

  app.get(
    PATHS.provider,
    {
      config: { access: 'reader' },
      schema: { tags, summary: 'Get a custom provider', params: ProviderIdParams, response: { 200: ValueEnvelope(Provider) } },
    },
    async (request) => ({ value: await providers.get(request.params.id) }),
  );

  app.patch(
    PATHS.provider,
    {
      config: { access: 'writer' },
      schema: {
        tags,
        summary: 'Update a custom provider (provisioning, name, notification preferences)',
        params: ProviderIdParams,
        body: ProviderPatch,
        response: { 200: ValueEnvelope(Provider) },
      },
    },
    async (request) => ({ value: await providers.patch(request.params.id, request.body) }),
  );

  app.delete(
    PATHS.provider,
    {
      config: { access: 'writer' },
      schema: {
        tags,
        summary: 'Delete a custom provider with its data sources and everything they pushed',
        params: ProviderIdParams,
        response: { 200: EmptyObject },
      },
    },
    async (request) => {
      await providers.delete(request.params.id);
      return {};
    },
  );
};
