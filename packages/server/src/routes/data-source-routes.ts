import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  DataSource,
  DataSourceCreate,
  DataSourceParams,
  EmptyObject,
  ListQuery,
  ProviderIdParams,
  ValueEnvelope,
  ValuesEnvelope,
} from '@accessgraph/contract';
import type { Services } from '../services/services.js';
import { PATHS } from './paths.js';

const tags = ['Data sources'];

export const dataSourceRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { dataSources } = services;

  app.post(
    PATHS.dataSources,
    {
      config: { access: 'writer' },
      schema: {
        tags,
        summary: 'Create a data source under a provider',
        params: ProviderIdParams,
        body: DataSourceCreate,
        response: { 200: ValueEnvelope(DataSource) },
      },
    },
    async (request) => ({ value: await dataSources.create(request.params.id, request.body) }),
  );

  app.get(
    PATHS.dataSources,
    {
      config: { access: 'reader' },
      schema: {
        tags,
        summary: 'List the data sources of a provider',
        params: ProviderIdParams,
        querystring: ListQuery,
        response: { 200: ValuesEnvelope(DataSource) },
      },
    },
    (request) => dataSources.list(request.params.id, request.query),
  );

  app.get(
    PATHS.dataSource,
    {
      config: { access: 'reader' },
      schema: { tags, summary: 'Get a data source with its status', params: DataSourceParams, response: { 200: ValueEnvelope(DataSource) } },
    },
    async (request) => ({ value: await dataSources.get(request.params.id, request.params.data_source_id) }),
  );

  app.delete(
    PATHS.dataSource,
    {
      config: { access: 'writer' },
      schema: {
        tags,
        summary: 'Delete a data source and everything it pushed',
        params: DataSourceParams,
        response: { 200: EmptyObject },
      },
    },
    async (request) => {
      await dataSources.delete(request.params.id, request.params.data_source_id);
      return {};
    },
  );
};
