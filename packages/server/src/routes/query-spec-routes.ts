import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { QuerySpecBody, QuerySpecNodesPage, QuerySpecPageQuery, QuerySpecResult, SavedQueryParams } from '@accessgraph/contract';
import type { Services } from '../services/services.js';
import { PATHS } from './paths.js';

const tags = ['Assessments'];

/**
 * Query specs run without saving them (spec §14.2): `query_spec:nodes` pages through the source
 * nodes a spec answers; `query_spec:result` adds their count. oaaclient's `api_post` re-sends the
 * same body with `page_token` while `has_more` is true. A saved query runs by its id the same way
 * (`queries/{id}:nodes`, `queries/{id}:result`), on the spec it was saved with.
 */
export const querySpecRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.post(
    PATHS.querySpecVerb('nodes'),
    {
      config: { access: 'reader' },
      schema: {
        tags,
        summary: 'The nodes a query spec answers: source nodes matching their conditions and relation to destinations, with destination counts and permissions',
        querystring: QuerySpecPageQuery,
        body: QuerySpecBody,
        response: { 200: QuerySpecNodesPage },
      },
    },
    (request) => services.querySpecs.nodes(services.querySpecs.parse(request.body), request.query),
  );

  app.post(
    PATHS.querySpecVerb('result'),
    {
      config: { access: 'reader' },
      schema: {
        tags,
        summary: 'The number of nodes a query spec answers (number_value, a string) and the first page of them (nodes_value)',
        querystring: QuerySpecPageQuery,
        body: QuerySpecBody,
        response: { 200: QuerySpecResult },
      },
    },
    (request) => services.querySpecs.result(services.querySpecs.parse(request.body), request.query),
  );

  app.get(
    PATHS.savedQueryVerb('nodes'),
    {
      config: { access: 'reader' },
      schema: { tags, summary: 'Runs a saved query: the nodes its spec answers, as query_spec:nodes', params: SavedQueryParams, querystring: QuerySpecPageQuery, response: { 200: QuerySpecNodesPage } },
    },
    async (request) => services.querySpecs.nodes(services.querySpecs.parse(await services.assessments.querySpec(request.params.query_id)), request.query),
  );

  app.get(
    PATHS.savedQueryVerb('result'),
    {
      config: { access: 'reader' },
      schema: { tags, summary: 'Runs a saved query: how many nodes its spec answers and the first page of them, as query_spec:result', params: SavedQueryParams, querystring: QuerySpecPageQuery, response: { 200: QuerySpecResult } },
    },
    async (request) => services.querySpecs.result(services.querySpecs.parse(await services.assessments.querySpec(request.params.query_id)), request.query),
  );
};
