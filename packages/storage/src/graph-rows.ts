import { sortedOrder, type DerivedGraph, type GraphNode, type IdentityRef } from '@accessgraph/core';
import { PROVIDER_TYPE_KINDS } from './row-mappers.js';

/** A column of a bulk-written table, with the SQL type PostgreSQL needs to cast its array. */
export type BulkColumn = readonly [name: string, type: 'integer' | 'text'];

/**
 * `count` rows of one data source's part of a table, without the `ds` column (every graph table
 * starts with it; the writers add it). `fill(i, out, at)` writes the i-th row's values, in column
 * order, into out[at...]: rows go straight from the derivation's columns into the writer's
 * buffer, so a million grants never become a million row objects.
 */
export interface BulkRows {
  table: string;
  columns: readonly BulkColumn[];
  count: number;
  fill(i: number, out: unknown[], at: number): void;
  /** Skip rows whose key already exists (or repeats within the rows) instead of failing. */
  ignoreDuplicates?: boolean;
}

/** The tables that hold a data source's derived graph in bulk; a push replaces all of them. */
export const GRAPH_TABLES = [
  'graph_nodes',
  'graph_edges',
  'graph_reach',
  'graph_ancestry',
  'graph_grants',
  'graph_grant_types',
  'graph_identity_refs',
] as const;
export type GraphTable = (typeof GRAPH_TABLES)[number];

/**
 * The second ways into grants (by scope) and reach (by holder), for queries driven by their
 * targets. On PostgreSQL they are indexes of graph_grants and graph_reach (queries name them
 * through views); on SQLite, tables of their own that the push writes in their key order (see
 * `secondKeyRows` and migration 0004).
 */
export const SECOND_KEYS = { graph_grants_by_scope: 'graph_grants', graph_reach_by_holder: 'graph_reach' } as const;

/** The tables that hold a data source's graph on SQLite: the graph tables and the second keys. */
export const SQLITE_GRAPH_TABLES = [...GRAPH_TABLES, ...(Object.keys(SECOND_KEYS) as Array<keyof typeof SECOND_KEYS>)] as const;

/** A graph table or second key, as queries name them. */
export type GraphTableName = (typeof SQLITE_GRAPH_TABLES)[number];

/**
 * Columns that queries only return, never filter, join or sort on. PostgreSQL gathers no planner
 * statistics for them after a push (ANALYZE of a large JSON column costs more than all the rest).
 */
export const DISPLAY_COLUMNS: ReadonlySet<string> = new Set(['local_key', 'name', 'node_type', 'resource_type', 'properties']);

const I = 'integer';
const T = 'text';
const cols = (...columns: BulkColumn[]) => columns;
export const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
export const bit = (value: boolean) => (value ? 1 : 0);

/** Columns of the graph tables after `ds`, in the order their rows are filled. */
export const EDGE_COLUMNS = cols(['kind', T], ['from_id', I], ['to_id', I], ['properties', T]);
export const REACH_COLUMNS = cols(['principal', I], ['holder', I], ['depth', I]);
export const ANCESTRY_COLUMNS = cols(['node', I], ['ancestor', I], ['depth', I]);
export const GRANT_COLUMNS = cols(['id', I], ['holder', I], ['permission', I], ['scope', I], ['self', I], ['descendants', I], ['role', I], ['typed', I]);
export const GRANT_TYPE_COLUMNS = cols(['grant_id', I], ['type_key', T]);
export const GRANT_SCOPE_COLUMNS = cols(['scope', I], ['holder', I], ['id', I], ['self', I], ['descendants', I], ['typed', I]);
export const REACH_HOLDER_COLUMNS = cols(['holder', I], ['principal', I]);

/** Rows given as one array of values per row (a change made by difference writes a few; a push's bulk rows are filled from columns). */
export function tupleRows(table: string, columns: readonly BulkColumn[], rows: ReadonlyArray<readonly unknown[]>, ignoreDuplicates = false): BulkRows {
  return {
    table,
    columns,
    count: rows.length,
    ignoreDuplicates,
    fill(i, out, at) {
      const row = rows[i]!;
      for (let c = 0; c < row.length; c++) out[at + c] = row[c];
    },
  };
}

export function nodeRows(nodes: readonly GraphNode[]): BulkRows {
  return {
    table: 'graph_nodes',
    columns: cols(
      ['id', I], ['kind', T], ['node_key', T], ['local_key', T], ['lookup_key', T], ['name', T],
      ['node_type', T], ['app_id', I], ['parent_id', I], ['resource_type', T], ['resource_type_key', T], ['properties', T],
    ),
    count: nodes.length,
    fill(i, out, at) {
      const n = nodes[i]!;
      out[at] = n.id;
      out[at + 1] = n.kind;
      out[at + 2] = n.key;
      out[at + 3] = n.localKey;
      out[at + 4] = n.localKey.toLowerCase();
      out[at + 5] = n.name;
      out[at + 6] = n.nodeType;
      out[at + 7] = n.appId;
      out[at + 8] = n.parentId;
      out[at + 9] = n.resourceType;
      out[at + 10] = n.resourceType?.toLowerCase() ?? null;
      out[at + 11] = JSON.stringify(n.properties);
    },
  };
}

/** Identity strings, in `order` (indexes into `refs`) when given. */
export function identityRefRows(refs: readonly IdentityRef[], order?: ArrayLike<number>): BulkRows {
  return {
    table: 'graph_identity_refs',
    columns: cols(['node', I], ['identity', T], ['source', T]),
    count: refs.length,
    fill(i, out, at) {
      const r = refs[order === undefined ? i : order[i]!]!;
      out[at] = r.node;
      out[at + 1] = r.identity;
      out[at + 2] = r.source;
    },
  };
}

/**
 * The graph as rows of the bulk tables, one entry per table of GRAPH_TABLES, in that order. Each
 * table's rows come in the order of its main key (see migration 0002): on SQLite that key is the
 * table's own b-tree (or the first index), so every insert lands at the end of it instead of at
 * a random page; on PostgreSQL the heap comes out clustered the way queries read it.
 */
export function graphTableRows(graph: DerivedGraph): BulkRows[] {
  const { nodes, edges, reach, ancestry, grants, identityRefs } = graph;
  const size = nodes.length;
  const edgeOrder = sortedOrder(edges.length, size, (i) => edges.col.from[i]!);
  const reachOrder = sortedOrder(reach.length, size, (i) => reach.col.holder[i]!, (i) => reach.col.principal[i]!);
  const ancestryOrder = sortedOrder(ancestry.length, size, (i) => ancestry.col.ancestor[i]!, (i) => ancestry.col.node[i]!);
  // A grant's id is its index in the derivation's table; grant types refer to it.
  const grantOrder = sortedOrder(grants.length, size, (i) => grants.col.holder[i]!);
  const refOrder = sortedOrder(identityRefs.length, size, (i) => identityRefs[i]!.node);
  const grantTypes = grantTypeRows(graph);
  return [
    nodeRows(nodes),
    {
      table: 'graph_edges',
      columns: EDGE_COLUMNS,
      count: edges.length,
      fill(i, out, at) {
        const e = edgeOrder[i]!;
        out[at] = edges.kind(e);
        out[at + 1] = edges.col.from[e];
        out[at + 2] = edges.col.to[e];
        out[at + 3] = json(edges.properties[e]);
      },
    },
    {
      table: 'graph_reach',
      columns: REACH_COLUMNS,
      count: reach.length,
      ignoreDuplicates: true,
      fill(i, out, at) {
        const r = reachOrder[i]!;
        out[at] = reach.col.principal[r];
        out[at + 1] = reach.col.holder[r];
        out[at + 2] = reach.col.depth[r];
      },
    },
    {
      table: 'graph_ancestry',
      columns: ANCESTRY_COLUMNS,
      count: ancestry.length,
      ignoreDuplicates: true,
      fill(i, out, at) {
        const a = ancestryOrder[i]!;
        out[at] = ancestry.col.node[a];
        out[at + 1] = ancestry.col.ancestor[a];
        out[at + 2] = ancestry.col.depth[a];
      },
    },
    {
      table: 'graph_grants',
      columns: GRANT_COLUMNS,
      count: grants.length,
      fill(i, out, at) {
        const id = grantOrder[i]!;
        const role = grants.col.role[id]!;
        out[at] = id;
        out[at + 1] = grants.col.holder[id];
        out[at + 2] = grants.col.permission[id];
        out[at + 3] = grants.col.scope[id];
        out[at + 4] = bit(grants.self(id));
        out[at + 5] = bit(grants.descendants(id));
        out[at + 6] = role < 0 ? null : role;
        out[at + 7] = bit(grants.col.typeSet[id]! >= 0);
      },
    },
    {
      table: 'graph_grant_types',
      columns: GRANT_TYPE_COLUMNS,
      count: grantTypes.count,
      fill(i, out, at) {
        out[at] = grantTypes.grant[i];
        out[at + 1] = grantTypes.type[i];
      },
    },
    identityRefRows(identityRefs, refOrder),
  ];
}

/**
 * The rows of SQLite's second-key tables (SECOND_KEYS), each in its key order: a push appends
 * them to a b-tree of their own, which costs half of what CREATE INDEX takes to read back and
 * sort the same rows (measured at 100 MB: 0.7 s instead of 1.4 s for grants by scope).
 */
export function secondKeyRows(graph: DerivedGraph): BulkRows[] {
  const { nodes, reach, grants } = graph;
  const size = nodes.length;
  // By scope, then holder; equal pairs keep their id order, the key's last column.
  const scopeOrder = sortedOrder(grants.length, size, (i) => grants.col.holder[i]!, (i) => grants.col.scope[i]!);
  const holderOrder = sortedOrder(reach.length, size, (i) => reach.col.principal[i]!, (i) => reach.col.holder[i]!);
  return [
    {
      table: 'graph_grants_by_scope',
      columns: GRANT_SCOPE_COLUMNS,
      count: grants.length,
      fill(i, out, at) {
        const id = scopeOrder[i]!;
        out[at] = grants.col.scope[id];
        out[at + 1] = grants.col.holder[id];
        out[at + 2] = id;
        out[at + 3] = bit(grants.self(id));
        out[at + 4] = bit(grants.descendants(id));
        out[at + 5] = bit(grants.col.typeSet[id]! >= 0);
      },
    },
    {
      table: 'graph_reach_by_holder',
      columns: REACH_HOLDER_COLUMNS,
      count: reach.length,
      ignoreDuplicates: true,
      fill(i, out, at) {
        const r = holderOrder[i]!;
        out[at] = reach.col.holder[r];
        out[at + 1] = reach.col.principal[r];
      },
    },
  ];
}

/** Each typed grant's distinct lower-cased types, sorted, as two parallel columns in grant id order. */
function grantTypeRows(graph: DerivedGraph): { count: number; grant: Int32Array; type: string[] } {
  const { grants } = graph;
  // Each distinct filter once, not once per grant.
  const keysOf = grants.typeSets.map((types) => [...new Set(types.map((t) => t.toLowerCase()))].sort());
  const grant: number[] = [];
  const type: string[] = [];
  for (let id = 0; id < grants.length; id++) {
    const set = grants.col.typeSet[id]!;
    if (set < 0) continue;
    for (const key of keysOf[set]!) {
      grant.push(id);
      type.push(key);
    }
  }
  return { count: type.length, grant: Int32Array.from(grant), type };
}

/** The tags the graph's nodes carry (tags are keyed by the node's stable key, not its id). */
export function tagRows(nodes: readonly GraphNode[]): BulkRows {
  const node: number[] = [];
  const index: number[] = [];
  nodes.forEach((n, i) => n.tags.forEach((_, t) => (node.push(i), index.push(t))));
  return {
    table: 'graph_tags',
    columns: cols(['node_key', T], ['tag_key', T], ['tag_value', T]),
    count: node.length,
    ignoreDuplicates: true,
    fill(i, out, at) {
      const n = nodes[node[i]!]!;
      const tag = n.tags[index[i]!]!;
      out[at] = n.key;
      out[at + 1] = tag.key;
      out[at + 2] = tag.value ?? '';
    },
  };
}

/** The types the push declared, one spelling per type and kind (the last one given). */
export function typeRows(graph: DerivedGraph): BulkRows {
  const types = Object.entries(PROVIDER_TYPE_KINDS).flatMap(([field, kind]) =>
    [...new Map(graph.types[field as keyof DerivedGraph['types']].map((t) => [t.toLowerCase(), t]))].map(
      ([typeKey, typeName]) => [kind, typeName, typeKey] as const,
    ),
  );
  return {
    table: 'data_source_types',
    columns: cols(['kind', T], ['type_name', T], ['type_key', T]),
    count: types.length,
    fill(i, out, at) {
      out[at] = types[i]![0];
      out[at + 1] = types[i]![1];
      out[at + 2] = types[i]![2];
    },
  };
}
