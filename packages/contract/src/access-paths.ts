import { Type, type Static } from '@sinclair/typebox';
import { TotalParam } from './envelopes.js';
import { NodeSummary } from './graph-nodes.js';

/** The edges a path step can lead on by (`AccessPathStep.edge`). */
export const PATH_EDGES =
  'member_of (a user or group in a group, local or IdP), holds_cred (a user to its credential), has_role (a principal to a role it holds), ' +
  'includes_role (a role to a role nested in it, whose permissions come with it), grants (a holder, or the role that names the permission, to the application or resource the permission is granted on), ' +
  'contains (a parent resource to a sub-resource that inherits, down to the target), linked:<rule> (an IdP user or group to the application ' +
  'principal linked to it: linked:identities, linked:idp_binding, linked:mapping; an HRIS employee to its IdP user: linked:hris), ' +
  'source_identity (an IdP principal to a principal of another identity provider federated to it)';

/** Query of `GET /api/v1/graph/nodes/{node_id}/paths`. */
export const AccessPathsQuery = Type.Object(
  {
    target: Type.String({ minLength: 1, description: 'The node id of the application or resource the paths lead to.' }),
    permission: Type.Optional(Type.String({ description: 'Only paths that grant this local permission, any case.' })),
    canonical_type: Type.Optional(Type.String({ description: 'Only paths whose permission is of this canonical type: DataRead, DATA_READ and data_read alike.' })),
    page_size: Type.Optional(Type.Integer({ minimum: 0, description: 'Paths per page; 0 or absent means 100; at most 1000.' })),
    page_token: Type.Optional(Type.String({ description: 'next_page_token of the previous page.' })),
    total: TotalParam,
  },
  { additionalProperties: false },
);
export type AccessPathsQuery = Static<typeof AccessPathsQuery>;

/** One node of a path and the edge from it to the next. */
export const AccessPathStep = Type.Object({
  node: NodeSummary,
  edge: Type.Union([Type.String(), Type.Null()], { description: `The edge to the next step; null on the last (the target). One of: ${PATH_EDGES}.` }),
});
export type AccessPathStep = Static<typeof AccessPathStep>;

/** One chain of edges by which a principal holds a permission on an application or resource. */
export const AccessPath = Type.Object({
  length: Type.Integer({ description: 'Edges in the chain (steps - 1).' }),
  permission: Type.String({ description: 'The local permission the grant on the chain gives.' }),
  canonical_types: Type.Array(Type.String()),
  steps: Type.Array(AccessPathStep, { description: 'From the asked principal to the target, in order.' }),
});
export type AccessPath = Static<typeof AccessPath>;
