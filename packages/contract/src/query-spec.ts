import { Type, type Static } from '@sinclair/typebox';
import { ValuesEnvelope } from './envelopes.js';
import { NodeSummary } from './graph-nodes.js';

/*
 * Query specs run without saving them (spec §14.1–14.2): `POST /api/v1/assessments/query_spec:nodes`
 * and `:result`. The body is checked by the server's query spec parser, which names the JSON path
 * of every problem (`source_node_types.nodes[0].condition_expression.specs[1].fn`); the schema
 * here documents the fields for the OpenAPI document and lets any other field through (a spec
 * copied from Veza carries many that are accepted and ignored).
 */

const field = (description: string) => Type.Optional(Type.Unknown({ description }));

/** Body of `query_spec:nodes` and `query_spec:result`: a Veza query spec. */
export const QuerySpecBody = Type.Object(
  {
    source_node_types: field(
      'Required. {"nodes": [{"node_type", "condition_expression", "node_id", "tags", "excluded_tags"}], "nodes_operator": "AND"|"OR" (default OR)}. node_type: OAA.<app_type>.User, OAA.<app_type>.<resource_type>.Resource, OAA.<idp_type>.IDPUser, ..., or a grouping type User, LocalUser, IdPUser, Group, LocalGroup, IdPGroup, Role, LocalRole, Resource, Application.',
    ),
    destination_node_types: field('Optional, same shape: keep sources that reach such a node (access, identity links, group membership). nodes_operator AND: one of each selector.'),
    raw_permissions: field('Optional {"values": [permission names], "operator": "AND"|"OR" (default OR)}: the destinations must be reached with these local permissions (any case).'),
    effective_permissions: field('Optional {"values": ["DATA_READ", "METADATA_WRITE", "NON_DATA", ...], "operator"}: the destinations must be reached with these canonical types.'),
    no_relation: field('Optional boolean: keep the sources with no such relation instead.'),
    relates_to_exp: field(
      'Optional {"specs": [{"node_types", "raw_permissions", "effective_permissions", "no_relation", "direction" (ignored)}], "child_expressions", "operator": "AND"|"OR" (default AND), "not"}: relations the source must satisfy.',
    ),
    query_type: field('Accepted and ignored (evaluated as SOURCE_TO_DESTINATION).'),
    include_nodes: field('Accepted and ignored (nodes are always included).'),
  },
  {
    additionalProperties: true,
    description:
      'A Veza query spec. Accepted and ignored: required_intermediate_node_types, avoided_intermediate_node_types, access_filter, node_relationship_type, snapshot_id, result_value_type, customized_variables, all_entity_condition, include_sub_permissions, path_summary_*, conditions, count_conditions, labels, risk_level, and any other field.',
  },
);
export type QuerySpecBody = Static<typeof QuerySpecBody>;

/** Query of `query_spec:nodes` and `query_spec:result`. */
export const QuerySpecPageQuery = Type.Object(
  {
    page_size: Type.Optional(Type.Integer({ minimum: 0, description: 'Results per page; 0 or absent means 100; at most 1000. A page may hold fewer (even none) while has_more is true.' })),
    page_token: Type.Optional(Type.String({ description: 'next_page_token of the previous page (the same spec must be sent again).' })),
    order_by: Type.Optional(Type.String({ description: 'Only the default order (data source, node key) is supported: empty or absent.' })),
  },
  { additionalProperties: false },
);
export type QuerySpecPageQuery = Static<typeof QuerySpecPageQuery>;

/** One result of a query spec: a source node, as Veza shapes it, with our node summary. */
export const QuerySpecNode = Type.Object({
  id: Type.String({ description: 'Stable node id (use it in /api/v1/graph/nodes/{node_id}).' }),
  type: Type.String({ description: 'The node type, e.g. OAA.pytest.User.' }),
  properties: Type.Record(Type.String(), Type.Unknown(), { description: 'name, built-in properties, custom ones as customprop_<name>.' }),
  destination_node_count: Type.Integer({ description: 'Destinations the source reaches (0 without destination types or with no_relation).' }),
  permissions: Type.Array(Type.String(), { description: 'Raw permissions held on the destinations counted.' }),
  raw_permissions: Type.Array(Type.String(), { description: 'The same as permissions.' }),
  effective_permissions: Type.Array(Type.String(), { description: 'Canonical types held on the destinations counted, as DATA_READ, NON_DATA, ...' }),
  node: NodeSummary,
});
export type QuerySpecNode = Static<typeof QuerySpecNode>;

/** Answer of `query_spec:nodes`. */
export const QuerySpecNodesPage = ValuesEnvelope(QuerySpecNode);
export type QuerySpecNodesPage = Static<typeof QuerySpecNodesPage>;

/** Answer of `query_spec:result`: the count of results (a string, as Veza sends it) and a page of them. */
export const QuerySpecResult = Type.Object({
  result_type: Type.Literal('NUMBER'),
  number_value: Type.String({ description: 'How many source nodes the spec answers, as a decimal string.' }),
  nodes_value: QuerySpecNodesPage,
});
export type QuerySpecResult = Static<typeof QuerySpecResult>;
