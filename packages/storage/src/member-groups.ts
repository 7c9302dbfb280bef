import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';
import { inChunks } from './grant-paths.js';
import type { GraphStorage } from './graph-writer.js';

/**
 * Every group `principal` is a member of in data source `ds`, transitively: its member_of edges
 * followed level by level (identity providers store no reach rows; see deriveIdpGraph). Group
 * nesting is shallow, so this is a few indexed lookups.
 */
export async function groupsOf(reader: Kysely<Database>, ds: number, principal: number): Promise<number[]> {
  return reachedBy(principal, await followEdges(reader, ds, [principal], ['member_of']));
}

/** An edge of one data source's graph, as node ids. */
export interface FollowedEdge {
  kind: string;
  from: number;
  to: number;
}

/**
 * Every edge of the given kinds out of `starts` and out of each node they lead to, transitively,
 * each once: read level by level, each node's edges once, so cycles end.
 */
export async function followEdges(reader: Kysely<Database>, ds: number, starts: readonly number[], kinds: readonly string[]): Promise<FollowedEdge[]> {
  const seen = new Set<number>(starts);
  const edges: FollowedEdge[] = [];
  let frontier = [...seen];
  while (frontier.length > 0) {
    const rows = await inChunks(frontier, (slice) =>
      reader.selectFrom('graph_edges').select(['kind', 'from_id', 'to_id']).where('ds', '=', ds).where('kind', 'in', kinds).where('from_id', 'in', slice).execute(),
    );
    frontier = [];
    for (const row of rows) {
      const to = Number(row.to_id);
      edges.push({ kind: row.kind, from: Number(row.from_id), to });
      if (!seen.has(to)) {
        seen.add(to);
        frontier.push(to);
      }
    }
  }
  return edges;
}

/** The nodes `edges` lead to, each once, without `start`. */
function reachedBy(start: number, edges: readonly FollowedEdge[]): number[] {
  const nodes = new Set(edges.map((e) => e.to));
  nodes.delete(start);
  return [...nodes];
}

/** Links by which an application's principal stands for an IdP user or group. */
export const ACCOUNT_RULES = ['identities', 'idp_binding', 'mapping'];

/** IdP principals whose links carry an IdP user's or group's access, in one identity provider. */
export interface IdentityHolders {
  idp: number;
  /** The principal first, then its groups (nested). */
  nodes: number[];
  /** The member_of edges from the principal to its groups (those who ask how, e.g. paths, read them). */
  memberships: FollowedEdge[];
  /** For a principal federated to the asked one or one of its groups: the node of the first entry it is federated to. */
  federatedTo?: number;
}

/**
 * The IdP principals whose links carry an IdP user's or group's access: itself and its groups
 * (nested), and the principals of other identity providers federated to any of those
 * (`source_identity`) with their groups (spec §13.3).
 */
export function identityHolders(db: Kysely<Database>, graphs: GraphStorage, idp: number, node: number): Promise<IdentityHolders[]> {
  return holders(db, graphs, idp, node, withGroups);
}

/**
 * The same principals as `identityHolders`, without the membership edges, for those who need only
 * the nodes (the access of an IdP user): each principal's groups in one recursive query instead
 * of a query per level of nesting.
 */
export function identityHolderNodes(db: Kysely<Database>, graphs: GraphStorage, idp: number, node: number): Promise<Array<{ idp: number; nodes: number[] }>> {
  return holders(db, graphs, idp, node, async (reader, ds, principal) => ({ nodes: await groupClosure(reader, ds, principal) }));
}

/** The asked principal's holders, and those of the principals of other identity providers federated to them, each with what `groups` reads of them. */
async function holders<T extends { nodes: number[] }>(
  db: Kysely<Database>,
  graphs: GraphStorage,
  idp: number,
  node: number,
  groups: (reader: Kysely<Database>, ds: number, principal: number) => Promise<T>,
): Promise<Array<T & { idp: number; federatedTo?: number }>> {
  const own = await groups(graphs.reader(db, idp), idp, node);
  const result: Array<T & { idp: number; federatedTo?: number }> = [{ idp, ...own }];
  const federated = await inChunks(own.nodes, (slice) =>
    db.selectFrom('identity_links').select(['ds', 'node', 'to_node']).where('to_ds', '=', idp).where('to_node', 'in', slice).where('rule', '=', 'source_identity').execute(),
  );
  for (const f of federated) {
    const ds = Number(f.ds);
    result.push({ idp: ds, ...(await groups(graphs.reader(db, ds), ds, Number(f.node))), federatedTo: Number(f.to_node) });
  }
  return result;
}

async function withGroups(reader: Kysely<Database>, ds: number, principal: number): Promise<Pick<IdentityHolders, 'nodes' | 'memberships'>> {
  const memberships = await followEdges(reader, ds, [principal], ['member_of']);
  return { nodes: [principal, ...reachedBy(principal, memberships)], memberships };
}

/**
 * `principal` and every group it is a member of, transitively, in one recursive query (UNION
 * drops a node met again, so cycles end): the nodes `withGroups` finds level by level, in no
 * particular order. The edges are written after the closure so each step is a lookup by from_id
 * (SQLite follows CROSS JOIN as written, PostgreSQL too under `joinsAsWritten`).
 */
async function groupClosure(reader: Kysely<Database>, ds: number, principal: number): Promise<number[]> {
  const { rows } = await sql<{ id: number | string }>`
    with recursive closure(id) as (
      select cast(${principal} as bigint)
      union
      select e.to_id from closure c cross join ${sql.table('graph_edges')} e where e.ds = ${ds} and e.from_id = c.id and e.kind = 'member_of'
    )
    select id from closure`.execute(reader);
  const groups = rows.map((r) => Number(r.id)).filter((id) => id !== principal);
  return [principal, ...groups];
}
