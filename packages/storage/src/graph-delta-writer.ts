import { sql, type Kysely } from 'kysely';
import type { CustomTemplate } from '@accessgraph/contract';
import type { LeafDelta } from '@accessgraph/core';
import type { Database } from './database.js';
import { inChunks } from './grant-paths.js';
import {
  ANCESTRY_COLUMNS,
  bit,
  EDGE_COLUMNS,
  GRANT_COLUMNS,
  GRANT_SCOPE_COLUMNS,
  GRANT_TYPE_COLUMNS,
  identityRefRows,
  json,
  nodeRows,
  REACH_COLUMNS,
  REACH_HOLDER_COLUMNS,
  tagRows,
  tupleRows,
} from './graph-rows.js';
import type { GraphStorage, GraphTransaction } from './graph-writer.js';

/**
 * Writes a change made by difference (`LeafDelta`) into a data source's current graph tables, in
 * the push's transaction: deletes the rows of the entities it writes anew (their node,
 * memberships, identity strings, reach, ancestry and tags; for deleted ones their grants and edges
 * too; of those whose entries change their grants and bindings; of groups, roles and credentials
 * changed in place their node, identity strings and tags; of the principals below, the reach rows
 * that change) and inserts what they are now. Index lookups and a few rows per leaf, whatever the size of the graph: the counterpart of
 * `GraphTransaction.stage`, which replaces a graph whole. On SQLite the second keys (grants by
 * scope, reach by holder) are tables of their own and change with their rows; on PostgreSQL they
 * are indexes.
 */
export async function writeLeafDelta(tx: GraphTransaction, graphs: GraphStorage, ds: number, delta: LeafDelta, template: CustomTemplate): Promise<void> {
  const own = OWN_EDGES[template];
  const db = graphs.reader(tx.conn, ds);
  const secondKeys = !graphs.grantsByScopeWhole;
  const replaced = delta.replaced;
  const deleted = delta.deleted;

  await inChunks(replaced, async (leaves) => {
    if (secondKeys) await deleteReachByHolder(db, ds, leaves);
    await db.deleteFrom('graph_reach').where('ds', '=', ds).where('principal', 'in', leaves).execute();
    await db.deleteFrom('graph_edges').where('ds', '=', ds).where('to_id', 'in', leaves).where('kind', 'in', own.to).execute();
    await db.deleteFrom('graph_edges').where('ds', '=', ds).where('from_id', 'in', leaves).where('kind', 'in', own.from).execute();
    await db.deleteFrom('graph_identity_refs').where('ds', '=', ds).where('node', 'in', leaves).execute();
    await db.deleteFrom('graph_ancestry').where('ds', '=', ds).where('node', 'in', leaves).execute();
    await db.deleteFrom('graph_nodes').where('ds', '=', ds).where('id', 'in', leaves).execute();
    return [];
  });
  // Deleted entities lose their grants, every one of them (and their bindings with every edge from them, below).
  await inChunks(deleted, async (holders) => {
    const grants = await db.selectFrom('graph_grants').select(['id', 'scope', 'holder']).where('ds', '=', ds).where('holder', 'in', holders).execute();
    await inChunks(
      grants.map((g) => Number(g.id)),
      async (ids) => (await db.deleteFrom('graph_grant_types').where('ds', '=', ds).where('grant_id', 'in', ids).execute(), []),
    );
    if (secondKeys) await deleteByKeyPrefix(db, 'graph_grants_by_scope', ds, ['scope', 'holder'], grants.map((g) => [Number(g.scope), Number(g.holder)]));
    await db.deleteFrom('graph_grants').where('ds', '=', ds).where('holder', 'in', holders).execute();
    return [];
  });
  // Those whose entries change, their bindings (written anew) and the grants the change takes away.
  await deleteGrantsOf(db, ds, delta.ungranted, secondKeys);
  await inChunks(delta.regranted, async (holders) => (await db.deleteFrom('graph_edges').where('ds', '=', ds).where('from_id', 'in', holders).where('kind', 'in', ['has_role', 'has_permission']).execute(), []));
  // Entries read in part: their bindings of the changed roles and permissions, a few targets for many holders.
  const reboundBy = new Map<number, number[]>();
  for (const [holder, target] of delta.rebound) (reboundBy.get(target) ?? reboundBy.set(target, []).get(target)!).push(holder);
  for (const [target, holders] of reboundBy) {
    await inChunks(holders, async (chunk) => (await db.deleteFrom('graph_edges').where('ds', '=', ds).where('to_id', '=', target).where('from_id', 'in', chunk).where('kind', 'in', ['has_role', 'has_permission']).execute(), []));
  }
  // A deleted node takes every edge from and to it (a deleted group its members' memberships, a deleted credential its holders').
  await inChunks(deleted, async (leaves) => {
    await db.deleteFrom('graph_edges').where('ds', '=', ds).where('from_id', 'in', leaves).execute();
    await db.deleteFrom('graph_edges').where('ds', '=', ds).where('to_id', 'in', leaves).execute();
    return [];
  });
  // The principals below moved and deleted entities: their rows that change. Few holders change
  // (the moved group's old and new ancestors), for many principals: one statement per holder.
  await deleteByKeyPrefix(db, 'graph_reach', ds, ['principal', 'holder'], delta.unreached);
  if (secondKeys) await deleteByKeyPrefix(db, 'graph_reach_by_holder', ds, ['principal', 'holder'], delta.unreached);
  await inChunks(delta.retouched, async (entities) => {
    await db.deleteFrom('graph_identity_refs').where('ds', '=', ds).where('node', 'in', entities).execute();
    await db.deleteFrom('graph_nodes').where('ds', '=', ds).where('id', 'in', entities).execute();
    return [];
  });
  await inChunks(delta.tagNodes, async (keys) => (await tx.conn.deleteFrom('graph_tags').where('ds', '=', ds).where('node_key', 'in', keys).execute(), []));

  await tx.insertGraphRows(ds, nodeRows(delta.nodes));
  await tx.insertGraphRows(ds, tupleRows('graph_edges', EDGE_COLUMNS, delta.edges.map((e) => [e.kind, e.from, e.to, json(e.properties)])));
  await tx.insertGraphRows(ds, tupleRows('graph_reach', REACH_COLUMNS, delta.reach, true));
  await tx.insertGraphRows(ds, tupleRows('graph_ancestry', ANCESTRY_COLUMNS, delta.ancestry, true));
  await tx.insertGraphRows(ds, tupleRows('graph_grants', GRANT_COLUMNS, delta.grants.map((g) => [g.id, g.holder, g.permission, g.scope, bit(g.self), bit(g.descendants), g.role, bit(g.types !== null)])));
  const types = delta.grants.flatMap((g) => [...new Set((g.types ?? []).map((t) => t.toLowerCase()))].map((type) => [g.id, type] as const));
  await tx.insertGraphRows(ds, tupleRows('graph_grant_types', GRANT_TYPE_COLUMNS, types));
  await tx.insertGraphRows(ds, identityRefRows(delta.identityRefs));
  if (secondKeys) {
    await tx.insertGraphRows(ds, tupleRows('graph_grants_by_scope', GRANT_SCOPE_COLUMNS, delta.grants.map((g) => [g.scope, g.holder, g.id, bit(g.self), bit(g.descendants), bit(g.types !== null)])));
    await tx.insertGraphRows(ds, tupleRows('graph_reach_by_holder', REACH_HOLDER_COLUMNS, delta.reach.map(([principal, holder]) => [holder, principal]), true));
  }
  await tx.insertRows(ds, tagRows(delta.nodes));
}

/**
 * The edges a written leaf's rows include, by direction: a local user's or resource's memberships
 * and credentials, a redefined role's permissions and nested roles, and the edge from its container; an IdP user's memberships, roles, owned
 * entities and assignments, and the edges from its domain and its manager; an HRIS employee's groups,
 * and the edges from its system and its managers (the `manages` edges from a person name its
 * reports, which keep them unless it is deleted).
 */
const OWN_EDGES: Record<CustomTemplate, { from: string[]; to: string[] }> = {
  application: { from: ['member_of', 'holds_cred', 'role_grants', 'includes_role'], to: ['contains'] },
  identity_provider: { from: ['member_of', 'can_assume', 'owns', 'assigned_app'], to: ['contains', 'manages'] },
  hris: { from: ['member_of'], to: ['contains', 'manages'] },
};

/**
 * Deletes these grants, with their types and, on SQLite, their grants-by-scope rows. Grants are
 * found by holder (SQLite's key is holder, id; PostgreSQL's index is on holder), not by id alone.
 * On PostgreSQL a chunk of grants goes in one statement, by its holders and ids as two IN lists:
 * a grant's id is unique in its data source, so the ids pick exactly these rows among the holders'
 * (thousands of holders for a changed role). SQLite would read a two-IN-list condition as every
 * (holder, id) pair: one statement per holder there, with its ids (and scopes) as IN lists.
 */
async function deleteGrantsOf(db: Kysely<Database>, ds: number, grants: ReadonlyArray<{ id: number; scope: number; holder: number }>, secondKeys: boolean): Promise<void> {
  if (!secondKeys) {
    await inChunks(grants.map((_, i) => i), async (positions) => {
      const chunk = positions.map((i) => grants[i]!);
      const ids = chunk.map((g) => g.id);
      await db.deleteFrom('graph_grant_types').where('ds', '=', ds).where('grant_id', 'in', ids).execute();
      await db.deleteFrom('graph_grants').where('ds', '=', ds).where('holder', 'in', [...new Set(chunk.map((g) => g.holder))]).where('id', 'in', ids).execute();
      return [];
    });
    return;
  }
  const byHolder = new Map<number, Map<number, number>>();
  for (const g of grants) (byHolder.get(g.holder) ?? byHolder.set(g.holder, new Map()).get(g.holder)!).set(g.id, g.scope);
  for (const [holder, scopeOf] of byHolder) {
    await inChunks([...scopeOf.keys()], async (ids) => {
      await db.deleteFrom('graph_grant_types').where('ds', '=', ds).where('grant_id', 'in', ids).execute();
      await db.deleteFrom('graph_grants').where('ds', '=', ds).where('holder', '=', holder).where('id', 'in', ids).execute();
      const scopes = [...new Set(ids.map((id) => scopeOf.get(id)!))];
      if (secondKeys) await db.deleteFrom('graph_grants_by_scope').where('ds', '=', ds).where('scope', 'in', scopes).where('holder', '=', holder).where('id', 'in', ids).execute();
      return [];
    });
  }
}

/** SQLite's reach-by-holder rows of these principals, found through their reach rows (the table is keyed by holder). */
async function deleteReachByHolder(db: Kysely<Database>, ds: number, principals: number[]): Promise<void> {
  const rows = await db.selectFrom('graph_reach').select(['holder', 'principal']).where('ds', '=', ds).where('principal', 'in', principals).execute();
  await deleteByKeyPrefix(db, 'graph_reach_by_holder', ds, ['holder', 'principal'], rows.map((r) => [Number(r.holder), Number(r.principal)]));
}

/**
 * Deletes the rows under (first, second) key prefixes: one statement per second column value (a
 * deleted user; a holder whose reach rows change) with its first column values (scopes, holders;
 * principals) as an IN list, which SQLite probes in the key's b-tree one (first, second) pair at a
 * time. A scope or a group holds thousands of other holders' grants or members; deleting by the
 * first column, or by two IN lists (which SQLite reads as ranges of the first), would read them all.
 */
async function deleteByKeyPrefix(db: Kysely<Database>, table: 'graph_grants_by_scope' | 'graph_reach_by_holder' | 'graph_reach', ds: number, [first, second]: readonly [string, string], keys: ReadonlyArray<readonly [number, number]>): Promise<void> {
  const bySecond = new Map<number, number[]>();
  for (const [a, b] of keys) (bySecond.get(b) ?? bySecond.set(b, []).get(b)!).push(a);
  for (const [b, as] of bySecond) {
    await inChunks([...new Set(as)], async (slice) => (await db.deleteFrom(table).where('ds', '=', ds).where(sql.ref(first), 'in', slice).where(sql.ref(second), '=', b).execute(), []));
  }
}
