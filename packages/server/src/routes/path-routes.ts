import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AccessPath, AccessPathsQuery, CountedValuesEnvelope, NodeParams } from '@accessgraph/contract';
import type { Services } from '../services/services.js';
import { PATHS } from './paths.js';

/** The query API's paths: how a principal reaches an application or resource, edge by edge. */
export const pathRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    `${PATHS.node}/paths`,
    {
      config: { access: 'reader' },
      schema: {
        tags: ['Graph'],
        summary:
          'Every distinct chain of edges by which a principal holds a permission on an application or resource: linked accounts, nested groups, roles, grants and inheritance, shortest first',
        params: NodeParams,
        querystring: AccessPathsQuery,
        response: { 200: CountedValuesEnvelope(AccessPath) },
      },
    },
    (request) => services.paths.paths(request.params.node_id, request.query),
  );
};
