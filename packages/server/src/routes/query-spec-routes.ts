import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { QuerySpecBody, QuerySpecNodesPage, QuerySpecPageQuery, QuerySpecResult } from '@accessgraph/contract';
import type { Services } from '../services/services.js';
import { PATHS } from './paths.js';

const tags = ['Assessments'];

/**
 * Query specs run without saving them (spec §14.2): `query_spec:nodes` pages through the source
 * nodes a spec answers; `query_spec:result` adds their count. oaaclient's `api_post` re-sends the
 * same body with `page_token` while `has_more` is true.
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
};
