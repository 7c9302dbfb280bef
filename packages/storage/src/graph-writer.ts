import { sql, type Kysely } from 'kysely';
import type { DerivedGraph } from '@accessgraph/core';
import type { BulkColumn, BulkInserter, BulkRows } from './bulk-insert.js';
import type { Database } from './database.js';
import { PROVIDER_TYPE_KINDS } from './row-mappers.js';

/** Every table holding a data source's derived graph, cleared before the new one is written. */
const DERIVED_TABLES = [
  'graph_nodes',
  'graph_edges',
  'graph_reach',
  'graph_ancestry',
  'graph_grants',
  'graph_grant_types',
  'graph_identity_refs',
  'data_source_types',
] as const;

const I = 'integer';
const T = 'text';
const cols = (...columns: BulkColumn[]) => columns;

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
const bit = (value: boolean) => (value ? 1 : 0);

/**
 * Replaces data source `ds`'s derived graph with `graph`, inside the caller's transaction.
 * Tags are additive across pushes (spec §9): a node whose key survives keeps the tags it had and
 * gains the new ones; tags of nodes that are gone are dropped.
 */
export async function replaceGraph(conn: Kysely<Database>, inserter: BulkInserter, ds: number, graph: DerivedGraph): Promise<void> {
  for (const table of DERIVED_TABLES) await conn.deleteFrom(table).where('ds', '=', ds).execute();
  for (const rows of graphRows(ds, graph)) if (rows.count > 0) await inserter.insert(conn, rows);
  await sql`
    delete from graph_tags where ds = ${ds} and not exists (
      select 1 from graph_nodes n where n.ds = graph_tags.ds and n.node_key = graph_tags.node_key)`.execute(conn);
  const tags = graph.nodes.flatMap((n) => n.tags.map((t) => [n.key, t.key, t.value ?? ''] as const));
  await inserter.insert(conn, {
    table: 'graph_tags',
    columns: cols(['ds', I], ['node_key', T], ['tag_key', T], ['tag_value', T]),
    count: tags.length,
    ignoreDuplicates: true,
    fill(i, out, at) {
      const [nodeKey, key, value] = tags[i]!;
      out[at] = ds;
      out[at + 1] = nodeKey;
      out[at + 2] = key;
      out[at + 3] = value;
    },
  });
}

/** The graph as table rows; each `fill` writes straight into the inserter's parameter buffer. */
function graphRows(ds: number, graph: DerivedGraph): BulkRows[] {
  const { nodes, edges, reach, ancestry, grants, identityRefs } = graph;
  const grantTypes = grants.flatMap((g, id) => [...new Set((g.types ?? []).map((t) => t.toLowerCase()))].map((type) => [id, type] as const));
  const types = Object.entries(PROVIDER_TYPE_KINDS).flatMap(([field, kind]) =>
    [...new Map(graph.types[field as keyof DerivedGraph['types']].map((t) => [t.toLowerCase(), t]))].map(
      ([typeKey, typeName]) => [kind, typeName, typeKey] as const,
    ),
  );
  return [
    {
      table: 'graph_nodes',
      columns: cols(
        ['ds', I], ['id', I], ['kind', T], ['node_key', T], ['local_key', T], ['lookup_key', T], ['name', T],
        ['node_type', T], ['app_id', I], ['parent_id', I], ['resource_type', T], ['resource_type_key', T], ['properties', T],
      ),
      count: nodes.length,
      fill(i, out, at) {
        const n = nodes[i]!;
        out[at] = ds;
        out[at + 1] = n.id;
        out[at + 2] = n.kind;
        out[at + 3] = n.key;
        out[at + 4] = n.localKey;
        out[at + 5] = n.localKey.toLowerCase();
        out[at + 6] = n.name;
        out[at + 7] = n.nodeType;
        out[at + 8] = n.appId;
        out[at + 9] = n.parentId;
        out[at + 10] = n.resourceType;
        out[at + 11] = n.resourceType?.toLowerCase() ?? null;
        out[at + 12] = JSON.stringify(n.properties);
      },
    },
    {
      table: 'graph_edges',
      columns: cols(['ds', I], ['kind', T], ['from_id', I], ['to_id', I], ['properties', T]),
      count: edges.length,
      fill(i, out, at) {
        const e = edges[i]!;
        out[at] = ds;
        out[at + 1] = e.kind;
        out[at + 2] = e.from;
        out[at + 3] = e.to;
        out[at + 4] = json(e.properties);
      },
    },
    {
      table: 'graph_reach',
      columns: cols(['ds', I], ['principal', I], ['holder', I], ['depth', I]),
      count: reach.length,
      fill(i, out, at) {
        const r = reach[i]!;
        out[at] = ds;
        out[at + 1] = r.principal;
        out[at + 2] = r.holder;
        out[at + 3] = r.depth;
      },
    },
    {
      table: 'graph_ancestry',
      columns: cols(['ds', I], ['node', I], ['ancestor', I], ['depth', I]),
      count: ancestry.length,
      fill(i, out, at) {
        const a = ancestry[i]!;
        out[at] = ds;
        out[at + 1] = a.node;
        out[at + 2] = a.ancestor;
        out[at + 3] = a.depth;
      },
    },
    {
      // A grant's id is its index in the derivation's list; grant types refer to it.
      table: 'graph_grants',
      columns: cols(
        ['ds', I], ['id', I], ['holder', I], ['permission', I], ['scope', I], ['self', I], ['descendants', I], ['role', I], ['typed', I],
      ),
      count: grants.length,
      fill(i, out, at) {
        const g = grants[i]!;
        out[at] = ds;
        out[at + 1] = i;
        out[at + 2] = g.holder;
        out[at + 3] = g.permission;
        out[at + 4] = g.scope;
        out[at + 5] = bit(g.self);
        out[at + 6] = bit(g.descendants);
        out[at + 7] = g.role;
        out[at + 8] = bit(g.types !== null);
      },
    },
    {
      table: 'graph_grant_types',
      columns: cols(['ds', I], ['grant_id', I], ['type_key', T]),
      count: grantTypes.length,
      fill(i, out, at) {
        out[at] = ds;
        out[at + 1] = grantTypes[i]![0];
        out[at + 2] = grantTypes[i]![1];
      },
    },
    {
      table: 'graph_identity_refs',
      columns: cols(['ds', I], ['node', I], ['identity', T], ['source', T]),
      count: identityRefs.length,
      fill(i, out, at) {
        const r = identityRefs[i]!;
        out[at] = ds;
        out[at + 1] = r.node;
        out[at + 2] = r.identity;
        out[at + 3] = r.source;
      },
    },
    {
      table: 'data_source_types',
      columns: cols(['ds', I], ['kind', T], ['type_name', T], ['type_key', T]),
      count: types.length,
      fill(i, out, at) {
        out[at] = ds;
        out[at + 1] = types[i]![0];
        out[at + 2] = types[i]![1];
        out[at + 3] = types[i]![2];
      },
    },
  ];
}
