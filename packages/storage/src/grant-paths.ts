import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from './database.js';
import type { AccessPair } from './effective-pairs.js';
import type { GraphStorage } from './graph-writer.js';
import { PREPARED } from './prepared-statements.js';

/** One grant that gives a pair access: the pieces of its path, as node ids. */
export interface PathRow {
  principal: number;
  target: number;
  permission: number;
  holder: number;
  role: number | null;
  scope: number;
}

interface Grant {
  id: number;
  holder: number;
  permission: number;
  scope: number;
  self: number;
  descendants: number;
  role: number | null;
  typed: number;
}

/** Bound on ids per IN list, well under both engines' parameter limits. */
export const IDS_PER_QUERY = 1_000;

/**
 * Every distinct (permission, holder, role, scope) behind each pair of a page.
 *
 * The page has at most a few hundred principals and targets, so this reads their reach, the
 * targets' ancestry, and the grants of those holders on those ancestors with single-table index
 * lookups, and joins them here. One multi-way join would be shorter, but its plan depends on the
 * engine's statistics: PostgreSQL, misjudging how many grants an application-wide scope carries,
 * may drive it from the targets and expand every holder of every ancestor (seconds instead of
 * milliseconds). Lookups keyed by the page cannot go wrong that way.
 */
export async function findGrantPaths(db: Kysely<Database>, graphs: GraphStorage, ds: number, page: ReadonlyArray<Pick<AccessPair, 'principal' | 'target'>>): Promise<PathRow[]> {
  const principals = unique(page.map((p) => p.principal));
  const targets = unique(page.map((p) => p.target));
  // Prepared statements (lists as one array parameter on PostgreSQL); the first three are
  // independent, so on PostgreSQL they go side by side.
  const lookup = <Row>(query: (ids: number[]) => RawBuilder<Row>) => (ids: number[]) => query(ids).execute(db).then((result) => result.rows);
  const [reach, ancestry, targetTypes] = await Promise.all([
    inChunks(principals, lookup((ids) => sql<{ principal: number; holder: number }>`${sql.raw(PREPARED)}
      select principal, holder from ${graphs.table('graph_reach', ds)} where ds = ${ds} and ${graphs.idIn(sql`principal`, ids)}`)),
    inChunks(targets, lookup((ids) => sql<{ node: number; ancestor: number; depth: number }>`${sql.raw(PREPARED)}
      select node, ancestor, depth from ${graphs.table('graph_ancestry', ds)} where ds = ${ds} and ${graphs.idIn(sql`node`, ids)}`)),
    inChunks(targets, lookup((ids) => sql<{ id: number; resource_type_key: string | null }>`${sql.raw(PREPARED)}
      select id, resource_type_key from ${graphs.table('graph_nodes', ds)} where ds = ${ds} and ${graphs.idIn(sql`id`, ids)}`)),
  ]);
  const holders = unique(reach.map((r) => Number(r.holder)));
  const scopes = unique(ancestry.map((a) => Number(a.ancestor)));
  const grants: Grant[] = [];
  for (let i = 0; i < scopes.length; i += IDS_PER_QUERY) {
    const scopeChunk = scopes.slice(i, i + IDS_PER_QUERY);
    const rows = await inChunks(holders, lookup((ids) => sql<Grant>`${sql.raw(PREPARED)}
      select id, holder, permission, scope, self, descendants, role, typed from ${graphs.table('graph_grants', ds)}
      where ds = ${ds} and ${graphs.idIn(sql`holder`, ids)} and ${graphs.idIn(sql`scope`, scopeChunk)}`));
    grants.push(...rows);
  }
  const typed = unique(grants.filter((g) => Number(g.typed) === 1).map((g) => Number(g.id)));
  const grantTypes = await inChunks(typed, lookup((ids) => sql<{ grant_id: number; type_key: string }>`${sql.raw(PREPARED)}
    select grant_id, type_key from ${graphs.table('graph_grant_types', ds)} where ds = ${ds} and ${graphs.idIn(sql`grant_id`, ids)}`));

  const holdersOf = groupBy(reach, (r) => Number(r.principal), (r) => Number(r.holder));
  const ancestorsOf = groupBy(ancestry, (a) => Number(a.node), (a) => ({ ancestor: Number(a.ancestor), depth: Number(a.depth) }));
  const grantsAt = groupBy(grants, (g) => `${g.holder}:${g.scope}`, (g) => g);
  const typesOf = groupBy(grantTypes, (t) => Number(t.grant_id), (t) => t.type_key);
  const typeOf = new Map(targetTypes.map((n) => [Number(n.id), n.resource_type_key]));

  const seen = new Set<string>();
  const paths: PathRow[] = [];
  for (const { principal, target } of page) {
    const type = typeOf.get(target) ?? null;
    for (const holder of holdersOf.get(principal) ?? []) {
      for (const { ancestor, depth } of ancestorsOf.get(target) ?? []) {
        for (const g of grantsAt.get(`${holder}:${ancestor}`) ?? []) {
          // A grant on scope S holds on S itself when `self`, on S's descendants when `descendants`.
          if (Number(depth === 0 ? g.self : g.descendants) !== 1) continue;
          if (Number(g.typed) === 1 && (type === null || !(typesOf.get(Number(g.id)) ?? []).includes(type))) continue;
          const role = g.role === null ? null : Number(g.role);
          const key = `${principal}:${target}:${g.permission}:${holder}:${role}:${ancestor}`;
          if (seen.has(key)) continue;
          seen.add(key);
          paths.push({ principal, target, permission: Number(g.permission), holder, role, scope: ancestor });
        }
      }
    }
  }
  return paths;
}

function unique(ids: number[]): number[] {
  return [...new Set(ids)];
}

/** Runs a lookup over `ids` in slices of IDS_PER_QUERY and concatenates the rows. */
export async function inChunks<Row, Id extends number | string = number>(ids: readonly Id[], lookup: (slice: Id[]) => Promise<Row[]>): Promise<Row[]> {
  const rows: Row[] = [];
  // Row by row: one slice's lookup may return more rows than a call takes arguments (a top group's members).
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) for (const row of await lookup(ids.slice(i, i + IDS_PER_QUERY))) rows.push(row);
  return rows;
}

function groupBy<T, K, V>(items: T[], key: (item: T) => K, value: (item: T) => V): Map<K, V[]> {
  const groups = new Map<K, V[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(value(item));
    else groups.set(k, [value(item)]);
  }
  return groups;
}
