import { Type, type Static } from '@sinclair/typebox';
import { TotalParam } from './envelopes.js';
import { StringEnum } from './string-enum.js';
import { EffectivePermission, EntityRef } from './push.js';

/** What a node of the graph is. */
export const NODE_KINDS = [
  'application',
  'local_user',
  'local_group',
  'local_role',
  'access_cred',
  'permission',
  'resource',
  'idp_identity',
  'idp_domain',
  'idp_user',
  'idp_group',
  'idp_app',
  'hris_system',
  'hris_employee',
  'hris_group',
  /** Something another system holds (an AWS role a user may assume, an entity a user owns), by node type and id. */
  'external',
] as const;

/** A node of the graph as lists show it: enough to name it and to ask about it by its id. */
export const NodeSummary = Type.Object({
  id: Type.String({ description: 'Stable node id: the same for the same entity of the same data source across pushes. Opaque; use it in /api/v1/graph/nodes/{node_id}.' }),
  type: Type.String({ description: `What the node is: ${NODE_KINDS.join(', ')}.` }),
  node_type: Type.String({ description: 'Veza-style node type, e.g. OAA.ledger.User, OAA.ledger.book.Resource, OAA.okta.IDPUser.' }),
  key: Type.String({ description: 'The key as pushed: local id or name, IdP identity, employee id, resource dot path.' }),
  name: Type.String(),
  application: Type.Union([Type.String(), Type.Null()], { description: 'The application it belongs to, in an application data source.' }),
  data_source_id: Type.String(),
  provider_id: Type.String(),
});
export type NodeSummary = Static<typeof NodeSummary>;

const pageSize = Type.Optional(Type.Integer({ minimum: 0, description: 'Rows per page; 0 or absent means 100; at most 1000.' }));
const pageToken = Type.Optional(Type.String({ description: 'next_page_token of the previous page.' }));

/** Query of `GET /api/v1/graph/nodes`. */
export const NodeSearchQuery = Type.Object(
  {
    type: Type.Optional(StringEnum(NODE_KINDS, { description: 'Only nodes of this type.' })),
    node_type: Type.Optional(Type.String({ description: 'Only nodes of this Veza-style node type, any case.' })),
    provider_id: Type.Optional(Type.String({ description: 'Only nodes of this provider.' })),
    data_source_id: Type.Optional(Type.String({ description: 'Only nodes of this data source.' })),
    name: Type.Optional(Type.String({ description: 'Name equal to this, any case.' })),
    name_contains: Type.Optional(Type.String({ description: 'Name containing this, any case.' })),
    key: Type.Optional(Type.String({ description: 'Key (id, name or dot path as pushed) equal to this, any case.' })),
    key_contains: Type.Optional(Type.String({ description: 'Key containing this, any case.' })),
    tag: Type.Optional(
      Type.Union([Type.String(), Type.Array(Type.String())], { description: 'A tag the node carries: `key` or `key=value`, exact as pushed. Repeat for several (all must match).' }),
    ),
    filter: Type.Optional(
      Type.String({
        description:
          'Property filter: `property op value`, joined by and/or, parentheses to group; operators eq, ne, co (contains), sw (starts with), gt, ge, lt, le. ' +
          'Custom properties by their name (customprop_ optional). Numbers compare as numbers, booleans as true/false, ISO-8601 times in time order, other text ignoring case.',
      }),
    ),
    total: Type.Optional(Type.Boolean({ description: 'Also count every matching node (total_count); costs a full pass over the matches.' })),
    page_size: pageSize,
    page_token: pageToken,
  },
  { additionalProperties: false },
);
export type NodeSearchQuery = Static<typeof NodeSearchQuery>;

/** Path parameters of one node. */
export const NodeParams = Type.Object({ node_id: Type.String({ description: 'A node id from a search or another answer.' }) });
export type NodeParams = Static<typeof NodeParams>;

/** How many neighbours a node has by one kind of edge, in one direction. */
export const NeighbourCount = Type.Object({
  edge: Type.String({ description: 'Edge kind: member_of, has_role, has_permission, contains, includes_role, role_grants, holds_cred, connects_to, owns, manages, assigned_app, can_assume; or linked (an identity link, with its rule).' }),
  direction: Type.Union([Type.Literal('out'), Type.Literal('in')], { description: 'out: from this node; in: to it.' }),
  count: Type.Integer(),
});

/** One node in full: `GET /api/v1/graph/nodes/{node_id}`. */
export const NodeDetail = Type.Intersect([
  NodeSummary,
  Type.Object({
    data_source_name: Type.String(),
    provider_name: Type.String(),
    template: Type.String({ description: 'The provider template: application, identity_provider or hris.' }),
    properties: Type.Record(Type.String(), Type.Unknown(), { description: 'Built-in properties by name, custom ones as customprop_<name>.' }),
    tags: Type.Array(Type.Object({ key: Type.String(), value: Type.String() })),
    neighbours: Type.Array(NeighbourCount, { description: 'Neighbour counts by edge kind and direction; list them with .../neighbours.' }),
  }),
]);
export type NodeDetail = Static<typeof NodeDetail>;

/** Query of `GET /api/v1/graph/nodes/{node_id}/neighbours`. */
export const NeighboursQuery = Type.Object(
  {
    edge: Type.Optional(Type.String({ description: 'Only this edge kind (see NeighbourCount.edge).' })),
    direction: Type.Optional(StringEnum(['out', 'in'], { description: 'out: edges from this node; in: edges to it.' })),
    page_size: pageSize,
    page_token: pageToken,
  },
  { additionalProperties: false },
);
export type NeighboursQuery = Static<typeof NeighboursQuery>;

/** A neighbour of a node: the edge and the node at its other end. */
export const Neighbour = Type.Object({
  edge: Type.String(),
  direction: Type.Union([Type.Literal('out'), Type.Literal('in')]),
  node: NodeSummary,
  properties: Type.Record(Type.String(), Type.Unknown(), { description: "The edge's own properties (a role assignment's custom properties, an identity link's rule and how it matched)." }),
});
export type Neighbour = Static<typeof Neighbour>;

/** Filters of access answers by permission: a local one, a canonical type. */
const permissionFilters = {
  permission: Type.Optional(Type.String({ description: 'Only this local permission, any case.' })),
  canonical_type: Type.Optional(Type.String({ description: 'Only permissions of this canonical type: DataRead, DATA_READ and data_read alike.' })),
};

/** Query of `GET /api/v1/graph/nodes/{node_id}/access`. */
export const PrincipalAccessQuery = Type.Object(
  {
    data_source_id: Type.Optional(Type.String({ description: 'Only access to this application data source.' })),
    application: Type.Optional(Type.String({ description: 'Only access to this application (by name, any case) and its resources.' })),
    resource_type: Type.Optional(Type.String({ description: 'Only resources of this type, any case.' })),
    ...permissionFilters,
    page_size: pageSize,
    page_token: pageToken,
    total: TotalParam,
  },
  { additionalProperties: false },
);
export type PrincipalAccessQuery = Static<typeof PrincipalAccessQuery>;

/** A filter on the type of an application's principal (the accessors, the access review). */
export const PrincipalTypeParam = Type.Optional(StringEnum(['local_user', 'local_group', 'access_cred', 'idp_identity'], { description: 'Only principals of this type.' }));

/** Query of `GET /api/v1/graph/nodes/{node_id}/accessors`. */
export const EntityAccessQuery = Type.Object(
  {
    principal_type: PrincipalTypeParam,
    ...permissionFilters,
    page_size: pageSize,
    page_token: pageToken,
    total: TotalParam,
  },
  { additionalProperties: false },
);
export type EntityAccessQuery = Static<typeof EntityAccessQuery>;

/** An IdP user or group a principal is linked to, and the HRIS employees linked to that user. */
export const LinkedIdentity = Type.Object({
  identity: EntityRef,
  active: Type.Union([Type.Boolean(), Type.Null()], { description: "The IdP user's is_active; null when the identity provider does not say (and for groups)." }),
  employees: Type.Array(
    Type.Object({
      employee: EntityRef,
      employment_status: Type.Union([Type.String(), Type.Null()]),
      terminated: Type.Boolean({ description: 'employment_status TERMINATED (any case), or a termination_date that has passed.' }),
    }),
  ),
});
export type LinkedIdentity = Static<typeof LinkedIdentity>;

/** A principal that reaches an entity, with why, and the people behind it. */
export const EntityAccessRow = Type.Intersect([
  EffectivePermission,
  Type.Object({
    identities: Type.Array(LinkedIdentity, { description: 'The IdP users and groups the principal is linked to (its person), with their HRIS employees.' }),
    inactive: Type.Boolean({ description: 'A linked IdP user is inactive, and the access remains.' }),
    terminated: Type.Boolean({ description: 'A linked HRIS employee is terminated, and the access remains.' }),
  }),
]);
export type EntityAccessRow = Static<typeof EntityAccessRow>;
