import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import type { AccessPair } from './effective-pairs.js';

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
export async function findGrantPaths(db: Kysely<Database>, ds: number, page: ReadonlyArray<Pick<AccessPair, 'principal' | 'target'>>): Promise<PathRow[]> {
  const principals = unique(page.map((p) => p.principal));
  const targets = unique(page.map((p) => p.target));
  const reach = await inChunks(principals, (ids) =>
    db.selectFrom('graph_reach').select(['principal', 'holder']).where('ds', '=', ds).where('principal', 'in', ids).execute(),
  );
  const ancestry = await inChunks(targets, (ids) =>
    db.selectFrom('graph_ancestry').select(['node', 'ancestor', 'depth']).where('ds', '=', ds).where('node', 'in', ids).execute(),
  );
  const targetTypes = await inChunks(targets, (ids) =>
    db.selectFrom('graph_nodes').select(['id', 'resource_type_key']).where('ds', '=', ds).where('id', 'in', ids).execute(),
  );
  const holders = unique(reach.map((r) => Number(r.holder)));
  const scopes = unique(ancestry.map((a) => Number(a.ancestor)));
  const grants: Grant[] = [];
  for (let i = 0; i < scopes.length; i += IDS_PER_QUERY) {
    const scopeChunk = scopes.slice(i, i + IDS_PER_QUERY);
    const rows = await inChunks(holders, (ids) =>
      db
        .selectFrom('graph_grants')
        .select(['id', 'holder', 'permission', 'scope', 'self', 'descendants', 'role', 'typed'])
        .where('ds', '=', ds)
        .where('holder', 'in', ids)
        .where('scope', 'in', scopeChunk)
        .execute(),
    );
    grants.push(...rows);
  }
  const typed = unique(grants.filter((g) => Number(g.typed) === 1).map((g) => Number(g.id)));
  const grantTypes = await inChunks(typed, (ids) =>
    db.selectFrom('graph_grant_types').select(['grant_id', 'type_key']).where('ds', '=', ds).where('grant_id', 'in', ids).execute(),
  );

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
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) rows.push(...(await lookup(ids.slice(i, i + IDS_PER_QUERY))));
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
