import { sql, type Kysely } from 'kysely';
import type { EffectivePermission, EntityRef, GrantPath } from '@accessgraph/contract';
import type { Database } from './database.js';
import type { GraphStorage } from './graph-writer.js';
import { findAccessPairs } from './effective-pairs.js';
import { findGrantPaths, inChunks, type PathRow } from './grant-paths.js';
import { isPersonKey, personRows, type AccessRow } from './person-access.js';
import { pushedDataSource } from './data-sources.js';
import { StoreError } from './store-error.js';
import { PREPARED } from './prepared-statements.js';
import type { EffectivePermissionQuery, Page } from './store.js';

interface NodeInfo {
  key: string;
  ref: EntityRef;
  /** A permission's canonical types (its `permission_type` property). */
  canonicalTypes: string[];
}

/**
 * A page of a data source's effective permissions, expanded in SQL from the stored reach,
 * grants and ancestry (design: "What to materialise"). First the page's rows — (principal,
 * target) pairs, pageSize + 1 of them to know whether more follow; then the grants behind
 * exactly those pairs, so a page never splits a row's paths; then the nodes they name.
 *
 * With `principal`, the rows are those of the data source's principals of that key and, after
 * them, those of the IdP users of that identity in any identity provider: their access to this
 * data source's targets through every local principal linked to them or to their IdP groups
 * (`person-access.ts`); each path then names the linked principal.
 */
export async function listEffectivePermissions(
  store: Kysely<Database>,
  graphs: GraphStorage,
  dataSourceId: string,
  query: EffectivePermissionQuery,
): Promise<Page<EffectivePermission>> {
  const after = query.after;
  if (after !== undefined && (after.length !== 2 || after.some((v) => typeof v !== 'string'))) {
    throw new StoreError('invalid_cursor', 'page token does not match the effective permission order');
  }
  const ds = await pushedDataSource(store, dataSourceId);
  if (ds === undefined) return { items: [] };
  const db = graphs.reader(store, ds);
  const cursor = after as [string, string] | undefined;
  const principal = query.principal?.toLowerCase();
  const target = query.target?.toLowerCase();
  const limit = query.pageSize + 1;
  // The data source's own principals come first: a cursor among the people is past all of them.
  const local = cursor !== undefined && isPersonKey(cursor[0]) ? [] : await findAccessPairs(db, { ds, principal, target, after: cursor, limit });
  const rows: AccessRow[] = local.map((p) => ({ principalKey: p.principalKey, targetKey: p.targetKey, principal: p.principal, target: p.target, locals: [p.principal] }));
  if (principal !== undefined && rows.length < limit) {
    rows.push(...(await personRows(store, graphs, db, ds, { principal, target, after: cursor, limit: limit - rows.length })));
  }
  // Both parts come in the database's order, local rows first: never re-sorted here, so a cursor
  // always agrees with the SQL that continues from it.
  const page = rows.slice(0, query.pageSize);
  if (page.length === 0) return { items: [] };
  const items = await describeAccessRows(db, graphs, ds, page);
  if (rows.length <= query.pageSize) return { items };
  const last = page[page.length - 1]!;
  return { items, nextAfter: [last.principalKey, last.targetKey] };
}

/**
 * Access rows of data source `ds` (read through its reader `db`) as effective permissions: the
 * grants behind exactly those rows, then the nodes they name, each path sorted as a reader expects.
 */
export async function describeAccessRows(db: Kysely<Database>, graphs: GraphStorage, ds: number, page: AccessRow[]): Promise<EffectivePermission[]> {
  return describePathRows(db, graphs, ds, page, await findGrantPaths(db, graphs, ds, page.flatMap((row) => row.locals.map((local) => ({ principal: local, target: row.target })))));
}

/**
 * Access rows as effective permissions, given the grant paths behind them (`paths` may hold paths
 * of other pairs too: only those of each row's locals and target are taken). One query reads the
 * nodes the rows and paths name.
 */
export async function describePathRows(db: Kysely<Database>, graphs: GraphStorage, ds: number, page: AccessRow[], allPaths: readonly PathRow[]): Promise<EffectivePermission[]> {
  if (page.length === 0) return [];
  const { ids, paths } = namedNodes(page, allPaths);
  const nodes = nodeMap(await inChunks([...ids], async (slice) => (await nodeInfoQuery(graphs, ds, slice).execute(db)).rows));
  return assemble(page, paths, nodes);
}

/** One data source's rows to describe, with the paths read for them. */
export interface PathRowsOfDataSource {
  ds: number;
  page: AccessRow[];
  paths: readonly PathRow[];
}

/** `describePathRows` for several data sources at once (side by side on PostgreSQL, as `findAccessPathsInEach`). */
export function describePathRowsInEach(db: Kysely<Database>, graphs: GraphStorage, groups: readonly PathRowsOfDataSource[]): Promise<EffectivePermission[][]> {
  return Promise.all(groups.map((group) => describePathRows(db, graphs, group.ds, group.page, group.paths)));
}

/** The nodes a page of rows and its paths name, and the paths of exactly those rows. */
function namedNodes(page: readonly AccessRow[], allPaths: readonly PathRow[]): { ids: Set<number>; paths: PathRow[] } {
  const ids = new Set<number>();
  const pairs = new Set<string>();
  for (const row of page) {
    ids.add(row.target);
    for (const local of row.locals) {
      ids.add(local);
      pairs.add(`${local}:${row.target}`);
    }
  }
  const paths = allPaths.filter((p) => pairs.has(`${p.principal}:${p.target}`));
  for (const p of paths) {
    ids.add(p.permission).add(p.holder).add(p.scope);
    if (p.role !== null) ids.add(p.role);
  }
  return { ids, paths };
}

interface NodeInfoRow {
  id: number;
  kind: string;
  node_key: string;
  local_key: string;
  name: string;
  node_type: string;
  app_name: string | null;
  properties: string | null;
}

/**
 * The nodes of `ids`, as paths show them. A raw template rather than the query builder: this runs
 * once per data source of every access answer, and building the query cost more than running it.
 */
function nodeInfoQuery(graphs: GraphStorage, ds: number, ids: readonly number[]) {
  return sql<NodeInfoRow>`${sql.raw(PREPARED)}
      select n.id, n.kind, n.node_key, n.local_key, n.name, n.node_type, app.name as app_name,
        ${
          // Only permissions' properties are needed (their canonical types); resources' can be large.
          sql`case when n.kind = 'permission' then n.properties end`
        } as properties
      from ${graphs.table('graph_nodes', ds)} n left join ${graphs.table('graph_nodes', ds)} app on app.ds = n.ds and app.id = n.app_id
      where n.ds = ${ds} and ${graphs.idIn(sql`n.id`, ids)}`;
}

function nodeMap(rows: readonly NodeInfoRow[]): Map<number, NodeInfo> {
  return new Map(
    rows.map((row) => [
      Number(row.id),
      {
        key: row.node_key,
        ref: { type: row.kind, node_type: row.node_type, key: row.local_key, name: row.name, application: row.app_name ?? null },
        canonicalTypes: row.properties === null ? [] : permissionTypes(row.properties),
      },
    ]),
  );
}

function permissionTypes(properties: string): string[] {
  const value = (JSON.parse(properties) as { permission_type?: unknown }).permission_type;
  return Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Names as a reader expects them (`every` before `Owner`), still a total order. */
export const byText = (a: string, b: string): number => byCodeUnits(a.toLowerCase(), b.toLowerCase()) || byCodeUnits(a, b);

function assemble(page: AccessRow[], paths: readonly PathRow[], nodes: Map<number, NodeInfo>): EffectivePermission[] {
  const node = (id: number) => {
    const info = nodes.get(id);
    if (!info) throw new StoreError('internal', `graph row names node ${id}, which does not exist`);
    return info;
  };
  // Each row gets its own objects: a caller editing one row must not change another.
  const refOf = (info: NodeInfo | null): EntityRef | null => (info ? { ...info.ref } : null);
  const byPair = new Map<string, PathRow[]>();
  for (const p of paths) {
    const key = `${p.principal}:${p.target}`;
    (byPair.get(key) ?? byPair.set(key, []).get(key)!).push(p);
  }
  return page.map((row) => {
    const person = row.person !== undefined;
    const sorted = row.locals
      .flatMap((local) => byPair.get(`${local}:${row.target}`) ?? [])
      .map((p) => {
        const permission = node(p.permission);
        const linked = person ? node(p.principal) : null;
        const through = p.holder === p.principal ? null : node(p.holder);
        const role = p.role === null ? null : node(p.role);
        const inherited = p.scope === row.target ? null : node(p.scope);
        const sortKey = [permission.ref.name, permission.key, linked?.key ?? '', through?.key ?? '', role?.key ?? '', inherited?.key ?? ''];
        const path: GrantPath = {
          permission: permission.ref.name,
          canonical_types: [...permission.canonicalTypes],
          linked: refOf(linked),
          through: refOf(through),
          role: refOf(role),
          inherited_from: refOf(inherited),
        };
        return { sortKey, path };
      })
      .sort((a, b) => {
        for (let i = 0; i < a.sortKey.length; i++) {
          const order = byText(a.sortKey[i]!, b.sortKey[i]!);
          if (order !== 0) return order;
        }
        return 0;
      })
      .map((p) => p.path);
    return {
      principal: row.person ? { ...row.person } : refOf(node(row.principal!))!,
      target: refOf(node(row.target))!,
      permissions: [...new Set(sorted.map((p) => p.permission))].sort(byText),
      canonical_types: [...new Set(sorted.flatMap((p) => p.canonical_types))].sort(byText),
      paths: sorted,
    };
  });
}
