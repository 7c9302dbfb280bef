import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { EmptyObject, Icon, IconByType, IconByTypeQuery, IconUpload, ProviderIdParams } from '@accessgraph/contract';
import type { Services } from '../services/services.js';
import { PATHS } from './paths.js';

const tags = ['Icons'];

export const iconRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { icons } = services;

  app.post(
    PATHS.providerIcon,
    {
      config: { access: 'writer' },
      schema: {
        tags,
        summary: 'Set or replace a provider icon (PNG or SVG, base64, at most 64 KB)',
        params: ProviderIdParams,
        body: IconUpload,
        response: { 200: EmptyObject },
      },
    },
    async (request) => {
      await icons.set(request.params.id, request.body);
      return {};
    },
  );

  app.get(
    PATHS.providerIcon,
    {
      config: { access: 'reader' },
      schema: { tags, summary: 'Get a provider icon', params: ProviderIdParams, response: { 200: Icon } },
    },
    (request) => icons.get(request.params.id),
  );

  app.delete(
    PATHS.providerIcon,
    {
      config: { access: 'writer' },
      schema: { tags, summary: 'Delete a provider icon', params: ProviderIdParams, response: { 200: EmptyObject } },
    },
    async (request) => {
      await icons.delete(request.params.id);
      return {};
    },
  );

  app.get(
    PATHS.iconByType,
    {
      config: { access: 'reader' },
      schema: {
        tags,
        summary: 'Get the icon of the provider whose pushes declared an application, IdP, HRIS or resource type',
        querystring: IconByTypeQuery,
        response: { 200: IconByType },
      },
    },
    (request) => icons.byType(request.query),
  );
};
