import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CountedValuesEnvelope, EffectivePermission, EntityAccessQuery, EntityAccessRow, Neighbour, NeighboursQuery, NodeDetail, NodeParams, NodeSearchQuery, NodeSummary, PrincipalAccessQuery, ValuesEnvelope } from '@accessgraph/contract';
import type { Services } from '../services/services.js';
import { PATHS } from './paths.js';

const tags = ['Graph'];

/** The query API's entity reads: search nodes across data sources, one node, its neighbours. */
export const graphRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    PATHS.nodes,
    {
      config: { access: 'reader' },
      schema: {
        tags,
        summary: 'Search nodes of every data source by type, provider, data source, name, key, tags and properties',
        querystring: NodeSearchQuery,
        response: { 200: CountedValuesEnvelope(NodeSummary) },
      },
    },
    (request) => services.graph.searchNodes(request.query),
  );

  app.get(
    PATHS.node,
    {
      config: { access: 'reader' },
      schema: { tags, summary: 'One node: its data source, properties, tags and neighbour counts by edge kind', params: NodeParams, response: { 200: Type.Object({ value: NodeDetail }) } },
    },
    (request) => services.graph.node(request.params.node_id),
  );

  app.get(
    `${PATHS.node}/neighbours`,
    {
      config: { access: 'reader' },
      schema: {
        tags,
        summary: "A node's neighbours by edge kind and direction, identity links (linked) included",
        params: NodeParams,
        querystring: NeighboursQuery,
        response: { 200: ValuesEnvelope(Neighbour) },
      },
    },
    (request) => services.graph.neighbours(request.params.node_id, request.query),
  );

  app.get(
    `${PATHS.node}/access`,
    {
      config: { access: 'reader' },
      schema: {
        tags,
        summary: 'Every application and resource a principal can reach, across data sources, with the permissions and why (direct, group, role, linked account, inherited)',
        params: NodeParams,
        querystring: PrincipalAccessQuery,
        response: { 200: CountedValuesEnvelope(EffectivePermission) },
      },
    },
    (request) => services.graph.access(request.params.node_id, request.query),
  );

  app.get(
    `${PATHS.node}/accessors`,
    {
      config: { access: 'reader' },
      schema: {
        tags,
        summary: 'Every principal that can reach an application or resource, with the permissions and why, the IdP users and HR employees behind it, and flags for inactive or terminated people who keep access',
        params: NodeParams,
        querystring: EntityAccessQuery,
        response: { 200: CountedValuesEnvelope(EntityAccessRow) },
      },
    },
    (request) => services.graph.accessors(request.params.node_id, request.query),
  );
};
