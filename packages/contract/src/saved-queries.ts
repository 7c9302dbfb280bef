import { Type, type Static } from '@sinclair/typebox';
import { Opt } from './nullable.js';
import { StringEnum } from './string-enum.js';

/*
 * Saved queries of Veza's assessments API (spec §14.1–14.2), as oaaclient's create_query,
 * get_queries, get_query_by_id and delete_query send and read them. Bodies are lenient: the
 * documented fields are type-checked (so a mistake is a 400 naming its JSON path), and any other
 * field is stored and echoed, since Veza's query spec has many fields and clients send more
 * (the live tests add category, level and result_type).
 */

/**
 * An enumeration Veza spells as a string in examples and as an integer in its OpenAPI document
 * (spec §15.3): either is accepted and echoed as sent.
 */
export const EnumValue = Type.Unsafe<string | number>({ type: ['string', 'integer'], description: 'A string (e.g. SOURCE_TO_DESTINATION) or its integer code.' });

/**
 * A boolean query parameter as clients spell it: Python's urlencode sends `True` / `False`,
 * curl users `true` / `false`.
 */
export const BOOLEAN_FLAG_VALUES = ['true', 'false', 'True', 'False', 'TRUE', 'FALSE', '1', '0'] as const;
export type BooleanFlag = (typeof BOOLEAN_FLAG_VALUES)[number];
export function BooleanFlag(description: string) {
  return StringEnum(BOOLEAN_FLAG_VALUES, { description: `${description} true or false (also True / False, as Python sends them, TRUE / FALSE, 1 / 0).` });
}

const open = { additionalProperties: true } as const;

/** A condition tree on a node's properties: `specs` (fn, property, value, not) and nested `child_expressions`. */
export const ConditionExpression = Type.Object(
  {
    specs: Opt(Type.Array(Type.Object({ fn: Opt(EnumValue), property: Opt(Type.String()), not: Opt(Type.Boolean()) }, open))),
    child_expressions: Opt(Type.Array(Type.Object({}, open))),
    operator: Opt(EnumValue),
    not: Opt(Type.Boolean()),
  },
  open,
);

/** One node type a query starts from, ends at or passes through, with its conditions. */
export const QueryNodeType = Type.Object(
  {
    node_type: Opt(Type.String({ description: 'e.g. OAA.pytest.User, OktaUser, OAA.pytest.thing.Resource' })),
    condition_expression: Opt(ConditionExpression),
    node_id: Opt(Type.String()),
    tags: Opt(Type.Array(Type.Unknown())),
    excluded_tags: Opt(Type.Array(Type.Unknown())),
    direct_relationship_only: Opt(Type.Boolean()),
  },
  open,
);

/** `{nodes: [...], nodes_operator}`: the source, destination or intermediate node types of a query. */
export const QueryNodeTypes = Type.Object({ nodes: Opt(Type.Array(QueryNodeType)), nodes_operator: Opt(EnumValue) }, open);

/** Raw or effective permissions a relation must carry: `values` joined by `operator` (AND / OR). */
export const QueryPermissions = Type.Object({ values: Opt(Type.Array(Type.String())), operator: Opt(EnumValue) }, open);

/** The documented fields of a query spec (spec §14.1); others are accepted as they come. */
const querySpecFields = {
  query_type: Opt(EnumValue),
  include_nodes: Opt(Type.Boolean()),
  source_node_types: Opt(QueryNodeTypes),
  destination_node_types: Opt(QueryNodeTypes),
  required_intermediate_node_types: Opt(QueryNodeTypes),
  avoided_intermediate_node_types: Opt(QueryNodeTypes),
  raw_permissions: Opt(QueryPermissions),
  effective_permissions: Opt(QueryPermissions),
  no_relation: Opt(Type.Boolean()),
  relates_to_exp: Opt(Type.Object({}, open)),
  access_filter: Opt(Type.Object({}, open)),
  all_entity_condition: Opt(Type.Object({}, open)),
  node_relationship_type: Opt(EnumValue),
  snapshot_id: Opt(Type.String()),
  result_value_type: Opt(EnumValue),
  include_sub_permissions: Opt(Type.Boolean()),
  conditions: Opt(Type.Array(Type.Unknown())),
  count_conditions: Opt(Type.Array(Type.Unknown())),
  risk_level: Opt(EnumValue),
};

/** Body of `POST /api/v1/assessments/queries`: a query spec plus what names and files it. */
export const SavedQueryCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256, description: 'Required; at most 256 characters. Names need not be unique (oaaclient finds queries by name).' }),
    description: Opt(Type.String()),
    labels: Opt(Type.Array(Type.String())),
    visibility: Opt(EnumValue),
    owners: Opt(Type.Array(Type.Unknown())),
    integration_types: Opt(Type.Array(Type.String())),
    category: Opt(EnumValue),
    level: Opt(EnumValue),
    result_type: Opt(EnumValue),
    ...querySpecFields,
  },
  {
    ...open,
    description:
      'A Veza query spec (source_node_types, destination_node_types, raw_permissions, effective_permissions, no_relation, relates_to_exp, ...) with name, description, labels, visibility. ' +
      'Other fields are stored and echoed; id, created_at, updated_at, created_by, source_type and destination_types are the server\'s and are ignored when sent.',
  },
);
export type SavedQueryCreate = Static<typeof SavedQueryCreate>;

/** A saved query as answered: the stored spec plus the server's fields. */
export const SavedQuery = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    labels: Type.Array(Type.String()),
    query_type: Type.Unsafe<string | number>({ type: ['string', 'integer'], description: 'As sent; SOURCE_TO_DESTINATION by default. Built-in queries would say SYSTEM_CREATED (Accessgraph has none).' }),
    visibility: Type.Unsafe<string | number>({ type: ['string', 'integer'], description: 'As sent; PRIVATE by default.' }),
    created_by: Type.String({ description: 'Id of the API key that created it.' }),
    owners: Type.Array(Type.Unknown()),
    integration_types: Type.Array(Type.String()),
    source_type: Type.String({ description: 'node_type of the first source node type ("" when none).' }),
    destination_types: Type.Array(Type.String(), { description: 'node_type of each destination node type.' }),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { ...open, description: 'Every field the client sent is echoed too.' },
);
export type SavedQuery = Static<typeof SavedQuery>;

/** `{query_id}` path parameter. */
export const SavedQueryParams = Type.Object({ query_id: Type.String() });
export type SavedQueryParams = Static<typeof SavedQueryParams>;

const pageSize = Type.Optional(Type.Integer({ minimum: 0, description: 'Rows per page; 0 or absent means 100; at most 1000.' }));
const pageToken = Type.Optional(Type.String({ description: 'next_page_token of the previous page.' }));
const includeInactiveQueries = Type.Optional(BooleanFlag('Accepted (oaaclient sends it); every saved query is active here, so it changes nothing.'));

/** Query of `GET /api/v1/assessments/queries`. */
export const SavedQueryListQuery = Type.Object(
  { include_inactive_queries: includeInactiveQueries, page_size: pageSize, page_token: pageToken },
  { additionalProperties: false },
);
export type SavedQueryListQuery = Static<typeof SavedQueryListQuery>;

/** Query of `GET /api/v1/assessments/queries/{query_id}`. */
export const SavedQueryGetQuery = Type.Object({ include_inactive_queries: includeInactiveQueries }, { additionalProperties: false });

/** Query of `DELETE /api/v1/assessments/queries/{query_id}`. */
export const SavedQueryDeleteQuery = Type.Object(
  { force: Type.Optional(BooleanFlag('Also remove the query from the reports that use it; without it such a query is not deleted (400 FailedPrecondition).')) },
  { additionalProperties: false },
);
export type SavedQueryDeleteQuery = Static<typeof SavedQueryDeleteQuery>;
