import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';
import { inChunks } from './grant-paths.js';
import type { GraphStorage } from './graph-writer.js';
import { PREPARED } from './prepared-statements.js';

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

/** The link by which a principal of one identity provider is federated to one of another (spec §13.3). */
const FEDERATED = 'source_identity';

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
export async function identityHolders(db: Kysely<Database>, graphs: GraphStorage, idp: number, node: number): Promise<IdentityHolders[]> {
  const own = await withGroups(graphs.reader(db, idp), idp, node);
  const result: IdentityHolders[] = [{ idp, ...own }];
  const federated = await inChunks(own.nodes, (slice) =>
    db.selectFrom('identity_links').select(['ds', 'node', 'to_node']).where('to_ds', '=', idp).where('to_node', 'in', slice).where('rule', '=', FEDERATED).execute(),
  );
  for (const f of federated) {
    const ds = Number(f.ds);
    result.push({ idp: ds, ...(await withGroups(graphs.reader(db, ds), ds, Number(f.node))), federatedTo: Number(f.to_node) });
  }
  return result;
}

async function withGroups(reader: Kysely<Database>, ds: number, principal: number): Promise<Pick<IdentityHolders, 'nodes' | 'memberships'>> {
  const memberships = await followEdges(reader, ds, [principal], ['member_of']);
  return { nodes: [principal, ...reachedBy(principal, memberships)], memberships };
}

/** A link by which a principal of an application data source stands for an IdP principal. */
export interface AccountLink {
  ds: number;
  /** The data source's id, joined in the same query. */
  dsId: string;
  node: number;
}

/**
 * The links that carry an IdP user's or group's access into applications (ACCOUNT_RULES): those
 * to the principal and its groups (nested), and those to the principals of other identity
 * providers federated to any of them (`source_identity`) and their groups, as `identityHolders`
 * finds those principals (spec §13.3). Each identity provider read is one query, the group closure
 * and its links together: on PostgreSQL every query is a round trip, and an IdP user's access asks
 * this first.
 */
export async function accountLinks(db: Kysely<Database>, graphs: GraphStorage, idp: number, node: number): Promise<AccountLink[]> {
  const own = await closureLinks(db, graphs, idp, node);
  const links = own.filter((link) => link.rule !== FEDERATED);
  for (const federated of own.filter((link) => link.rule === FEDERATED)) {
    links.push(...(await closureLinks(db, graphs, federated.ds, federated.node)).filter((link) => link.rule !== FEDERATED));
  }
  return links;
}


/**
 * The account and federation links to `principal` and every group it is a member of,
 * transitively, in one recursive query (UNION drops a node met again, so cycles end). The edges
 * are written after the closure so each step is a lookup by from_id (SQLite follows CROSS JOIN as
 * written, PostgreSQL too under `joinsAsWritten`); the links are looked up on their `to` index for
 * each node of the closure (`inSubquery`).
 */
async function closureLinks(db: Kysely<Database>, graphs: GraphStorage, idp: number, principal: number): Promise<Array<AccountLink & { rule: string }>> {
  const rules = sql.join([...ACCOUNT_RULES, FEDERATED].map((rule) => sql.lit(rule)));
  const { rows } = await sql<{ rule: string; ds: number | string; node: number | string; ds_id: string }>`${sql.raw(PREPARED)}
    with recursive closure(id) as (
      select cast(${principal} as bigint)
      union
      select e.to_id from closure c cross join ${graphs.table('graph_edges', idp)} e where e.ds = ${idp} and e.from_id = c.id and e.kind = 'member_of'
    )
    select l.rule, l.ds, l.node, d.id as ds_id
    from identity_links l cross join data_sources d
    where l.to_ds = ${idp} and ${graphs.inSubquery(sql`l.to_node`, sql`select id from closure`)} and l.rule in (${rules}) and d.seq = l.ds`.execute(db);
  return rows.map((row) => ({ rule: row.rule, ds: Number(row.ds), dsId: row.ds_id, node: Number(row.node) }));
}
