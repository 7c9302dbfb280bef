import type { DerivedGraph } from '@accessgraph/core';
import { PROVIDER_TYPE_KINDS } from './row-mappers.js';

/** A column of a bulk-written table, with the SQL type PostgreSQL needs to cast its array. */
export type BulkColumn = readonly [name: string, type: 'integer' | 'text'];

/**
 * `count` rows of one data source's part of a table, without the `ds` column (every graph table
 * starts with it; the writers add it). `fill(i, out, at)` writes the i-th row's values, in column
 * order, into out[at...]: rows go straight from the derivation's objects into the writer's
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
 * Columns that queries only return, never filter, join or sort on. PostgreSQL gathers no planner
 * statistics for them after a push (ANALYZE of a large JSON column costs more than all the rest).
 */
export const DISPLAY_COLUMNS: ReadonlySet<string> = new Set(['local_key', 'name', 'node_type', 'resource_type', 'properties']);

const I = 'integer';
const T = 'text';
const cols = (...columns: BulkColumn[]) => columns;
const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
const bit = (value: boolean) => (value ? 1 : 0);

/**
 * The graph as rows of the bulk tables, one entry per table of GRAPH_TABLES, in that order. Each
 * table's rows come in the order of its main key (see migration 0002): on SQLite that key is the
 * table's own b-tree (or the first index), so every insert lands at the end of it instead of at
 * a random page; on PostgreSQL the heap comes out clustered the way queries read it.
 */
export function graphTableRows(graph: DerivedGraph): BulkRows[] {
  const { nodes, edges, reach, ancestry, grants, identityRefs } = graph;
  const size = nodes.length;
  const edgeOrder = sortedOrder(edges.length, size, (i) => edges[i]!.from);
  const reachOrder = sortedOrder(reach.length, size, (i) => reach[i]!.holder, (i) => reach[i]!.principal);
  const ancestryOrder = sortedOrder(ancestry.length, size, (i) => ancestry[i]!.ancestor, (i) => ancestry[i]!.node);
  // A grant's id is its index in the derivation's list; grant types refer to it.
  const grantOrder = sortedOrder(grants.length, size, (i) => grants[i]!.holder);
  const refOrder = sortedOrder(identityRefs.length, size, (i) => identityRefs[i]!.node);
  const grantTypes = grantTypeRows(graph);
  return [
    {
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
    },
    {
      table: 'graph_edges',
      columns: cols(['kind', T], ['from_id', I], ['to_id', I], ['properties', T]),
      count: edges.length,
      fill(i, out, at) {
        const e = edges[edgeOrder[i]!]!;
        out[at] = e.kind;
        out[at + 1] = e.from;
        out[at + 2] = e.to;
        out[at + 3] = json(e.properties);
      },
    },
    {
      table: 'graph_reach',
      columns: cols(['principal', I], ['holder', I], ['depth', I]),
      count: reach.length,
      ignoreDuplicates: true,
      fill(i, out, at) {
        const r = reach[reachOrder[i]!]!;
        out[at] = r.principal;
        out[at + 1] = r.holder;
        out[at + 2] = r.depth;
      },
    },
    {
      table: 'graph_ancestry',
      columns: cols(['node', I], ['ancestor', I], ['depth', I]),
      count: ancestry.length,
      ignoreDuplicates: true,
      fill(i, out, at) {
        const a = ancestry[ancestryOrder[i]!]!;
        out[at] = a.node;
        out[at + 1] = a.ancestor;
        out[at + 2] = a.depth;
      },
    },
    {
      table: 'graph_grants',
      columns: cols(['id', I], ['holder', I], ['permission', I], ['scope', I], ['self', I], ['descendants', I], ['role', I], ['typed', I]),
      count: grants.length,
      fill(i, out, at) {
        const id = grantOrder[i]!;
        const g = grants[id]!;
        out[at] = id;
        out[at + 1] = g.holder;
        out[at + 2] = g.permission;
        out[at + 3] = g.scope;
        out[at + 4] = bit(g.self);
        out[at + 5] = bit(g.descendants);
        out[at + 6] = g.role;
        out[at + 7] = bit(g.types !== null);
      },
    },
    {
      table: 'graph_grant_types',
      columns: cols(['grant_id', I], ['type_key', T]),
      count: grantTypes.count,
      fill(i, out, at) {
        out[at] = grantTypes.grant[i];
        out[at + 1] = grantTypes.type[i];
      },
    },
    {
      table: 'graph_identity_refs',
      columns: cols(['node', I], ['identity', T], ['source', T]),
      count: identityRefs.length,
      fill(i, out, at) {
        const r = identityRefs[refOrder[i]!]!;
        out[at] = r.node;
        out[at + 1] = r.identity;
        out[at + 2] = r.source;
      },
    },
  ];
}

/**
 * On SQLite, the second keys of grants (by scope) and reach (by holder) are tables the push fills
 * itself, in their key order (migration 0002, `secondKey`): these are their rows.
 */
export const SECOND_KEY_TABLES = ['graph_grants_by_scope', 'graph_reach_by_holder'] as const;

export function secondKeyRows(graph: DerivedGraph): BulkRows[] {
  const { grants, reach } = graph;
  const size = graph.nodes.length;
  const grantOrder = sortedOrder(grants.length, size, (i) => grants[i]!.holder, (i) => grants[i]!.scope);
  const reachOrder = sortedOrder(reach.length, size, (i) => reach[i]!.principal, (i) => reach[i]!.holder);
  return [
    {
      table: 'graph_grants_by_scope',
      columns: cols(['scope', I], ['holder', I], ['id', I], ['self', I], ['descendants', I], ['typed', I]),
      count: grants.length,
      fill(i, out, at) {
        const id = grantOrder[i]!;
        const g = grants[id]!;
        out[at] = g.scope;
        out[at + 1] = g.holder;
        out[at + 2] = id;
        out[at + 3] = bit(g.self);
        out[at + 4] = bit(g.descendants);
        out[at + 5] = bit(g.types !== null);
      },
    },
    {
      table: 'graph_reach_by_holder',
      columns: cols(['holder', I], ['principal', I]),
      count: reach.length,
      ignoreDuplicates: true,
      fill(i, out, at) {
        const r = reach[reachOrder[i]!]!;
        out[at] = r.holder;
        out[at + 1] = r.principal;
      },
    },
  ];
}

/** Each typed grant's distinct lower-cased types, sorted, as two parallel columns in grant id order. */
function grantTypeRows(graph: DerivedGraph): { count: number; grant: Int32Array; type: string[] } {
  const grant: number[] = [];
  const type: string[] = [];
  graph.grants.forEach((g, id) => {
    if (g.types === null) return;
    const keys = g.types.length === 1 ? [g.types[0]!.toLowerCase()] : [...new Set(g.types.map((t) => t.toLowerCase()))].sort();
    for (const key of keys) {
      grant.push(id);
      type.push(key);
    }
  });
  return { count: type.length, grant: Int32Array.from(grant), type };
}

/** The tags the graph's nodes carry (tags are keyed by the node's stable key, not its id). */
export function tagRows(graph: DerivedGraph): BulkRows {
  const node: number[] = [];
  const index: number[] = [];
  graph.nodes.forEach((n, i) => n.tags.forEach((_, t) => (node.push(i), index.push(t))));
  return {
    table: 'graph_tags',
    columns: cols(['node_key', T], ['tag_key', T], ['tag_value', T]),
    count: node.length,
    ignoreDuplicates: true,
    fill(i, out, at) {
      const n = graph.nodes[node[i]!]!;
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

/**
 * The permutation of 0..count-1 that sorts rows by keys[last], then ..., then keys[0] (LSD radix
 * order, stable, so equal rows keep the derivation's order), each key an integer in 0..size-1
 * (a node id). Counting sorts: linear, and a few milliseconds for a million rows. Rows already in
 * order (the common case: derivations emit most tables grouped by their first key) cost one pass.
 */
export function sortedOrder(count: number, size: number, ...keys: Array<(i: number) => number>): Uint32Array {
  const values: Int32Array[] = [];
  for (const key of keys) {
    const column = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const k = key(i);
      // Not a node id (a broken derivation): keep the given order; the write reports the rest.
      if (!(k >= 0 && k < size && Number.isInteger(k))) return identity(count);
      column[i] = k;
    }
    values.push(column);
  }
  let order: Uint32Array = identity(count);
  if (isSorted(count, values)) return order;
  let next: Uint32Array = new Uint32Array(count);
  const counts = new Uint32Array(size + 1);
  for (const column of values) {
    counts.fill(0);
    for (let i = 0; i < count; i++) counts[column[i]! + 1]!++;
    for (let k = 1; k <= size; k++) counts[k]! += counts[k - 1]!;
    for (let i = 0; i < count; i++) {
      const row = order[i]!;
      next[counts[column[row]!]!++] = row;
    }
    [order, next] = [next, order];
  }
  return order;
}

function identity(count: number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return order;
}

function isSorted(count: number, values: Int32Array[]): boolean {
  for (let i = 1; i < count; i++) {
    for (let k = values.length - 1; k >= 0; k--) {
      const a = values[k]![i - 1]!;
      const b = values[k]![i]!;
      if (a < b) break;
      if (a > b) return false;
    }
  }
  return true;
}
