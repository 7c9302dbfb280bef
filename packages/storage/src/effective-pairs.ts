import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from './database.js';
import type { GraphTableName } from './graph-rows.js';
import { PREPARED } from './prepared-statements.js';

/** Node kinds that can hold access: the rows of an effective-permission listing. */
export const PRINCIPAL_KINDS = ['local_user', 'local_group', 'access_cred', 'idp_identity'] as const;

/** One (principal, target) pair with access: node keys for ordering, node ids for the details. */
export interface AccessPair {
  principalKey: string;
  targetKey: string;
  principal: number;
  target: number;
}

export interface PairSearch {
  ds: number;
  /** lookup_key (lower-cased local key) of the principal / target, when filtered. */
  principal?: string;
  target?: string;
  /**
   * Only these principals, by node id (the local principals linked to an IdP identity, or the
   * holders of a role's grants). Named outright, they are taken whatever their kind: a role that
   * holds grants of its own (an entry of `identity_type: local_role`) holds a role's grant too.
   */
  principalIds?: readonly number[];
  /** Only these targets, by node id (an entity whose accessors are asked). */
  targetIds?: readonly number[];
  /**
   * Only targets of this application, by its node id: the application itself and its resources.
   * Not a filter that bounds the work (an application may hold most of the data source), so the
   * search still walks principals a range at a time.
   */
  application?: number;
  /** Only pairs strictly after (principal key, target key). */
  after?: [string, string];
  /** Only targets whose key comes strictly after this one. */
  afterTarget?: string;
  /** Order by (target key, principal key) instead of (principal key, target key). */
  byTarget?: boolean;
  limit: number;
}

/** How a query names a graph table: as `GraphStorage.table` does, or by its own name for a reader to rewrite. */
export type TableOf = (table: GraphTableName) => RawBuilder<unknown>;

/** A graph table as a table reference, not raw text, so that the reader's plugin can map it (GraphStorage.reader). */
const readerTable: TableOf = (table) => sql.table(table);

/** Largest number of principals one round of the unfiltered walk expands. */
const MAX_PRINCIPALS_PER_ROUND = 4_096;

/**
 * The first `limit` pairs after `after`, ordered by (principal key, target key).
 *
 * A filtered search is one query: few principals or few targets bound the work. An unfiltered
 * one must not expand every principal of the data source and sort the product to return one page,
 * so it walks principals in key order, a range at a time: the range starts at one principal (one
 * may reach tens of thousands of targets) and grows with the observed pairs per principal, so
 * sparse data sources (most users holding nothing) take a few rounds, not thousands.
 */
export async function findAccessPairs(db: Kysely<Database>, search: PairSearch): Promise<AccessPair[]> {
  if (search.principal !== undefined || search.target !== undefined || search.principalIds !== undefined || search.targetIds !== undefined) {
    return queryPairs(db, search, filteredDrive(search), {});
  }
  const found: AccessPair[] = [];
  let from = search.after ? { key: search.after[0], inclusive: true } : undefined;
  let principals = 1;
  let scanned = 0;
  for (;;) {
    const upTo = await nthPrincipalKey(db, search.ds, from, principals);
    const rows = await queryPairs(db, { ...search, limit: search.limit - found.length }, 'principal', { from, upTo });
    found.push(...rows);
    scanned += principals;
    if (found.length >= search.limit || upTo === undefined) return found;
    const wanted = search.limit - found.length;
    const estimate = found.length === 0 ? principals * 4 : Math.ceil((wanted * scanned) / found.length);
    principals = Math.max(1, Math.min(principals * 4, estimate, MAX_PRINCIPALS_PER_ROUND));
    from = { key: upTo, inclusive: false };
  }
}

export interface KeyRange {
  from?: { key: string; inclusive: boolean };
  /** Inclusive upper bound; none for the rest. */
  upTo?: string;
}

/** The key of the n-th principal from `from`, or undefined when fewer than n remain. */
async function nthPrincipalKey(
  db: Kysely<Database>,
  ds: number,
  from: KeyRange['from'],
  n: number,
): Promise<string | undefined> {
  const after = from === undefined ? sql`` : sql`and node_key ${sql.raw(from.inclusive ? '>=' : '>')} ${from.key}`;
  // Its text varies only with `from`'s bound: a prepared statement on PostgreSQL's access connections.
  const { rows } = await sql<{ node_key: string }>`${sql.raw(PREPARED)}
    select node_key from ${readerTable('graph_nodes')} where ds = ${ds} and kind in (${sql.join(PRINCIPAL_KINDS.map((k) => sql.lit(k)))}) ${after}
    order by node_key limit 1 offset ${n - 1}`.execute(db);
  return rows[0]?.node_key;
}

/**
 * The pairs query. See `pairSource` for how it joins; grouped to one row per pair, in the
 * search's order.
 */
async function queryPairs(
  db: Kysely<Database>,
  search: PairSearch,
  drive: PairDrive,
  range: KeyRange,
): Promise<AccessPair[]> {
  // Without lists of ids its text varies only with which conditions it has: a prepared statement on PostgreSQL's access connections.
  const prepared = search.principalIds === undefined && search.targetIds === undefined ? sql.raw(PREPARED) : sql``;
  const result = await sql<{ principal_key: string; target_key: string; principal: number; target: number }>`${prepared}
    select pn.node_key as principal_key, tn.node_key as target_key, pn.id as principal, tn.id as target
    from ${pairSource(search, drive, range)}
    group by pn.node_key, tn.node_key, pn.id, tn.id
    order by ${pairOrder(search, 'pn.node_key', 'tn.node_key')}
    limit ${search.limit}`.execute(db);
  return result.rows.map((r) => ({
    principalKey: r.principal_key,
    targetKey: r.target_key,
    principal: Number(r.principal),
    target: Number(r.target),
  }));
}

/** Which end of the access a pairs query starts from. */
export type PairDrive = 'principal' | 'target';

/** The end a filtered search starts from: the principals when they are named, else the targets. */
export function filteredDrive(search: PairSearch): PairDrive {
  return search.principal === undefined && search.principalIds === undefined ? 'target' : 'principal';
}

/** `column IN (ids)`, as the engine writes it (`GraphStorage.idIn`). */
export type IdIn = (column: RawBuilder<unknown>, ids: readonly number[]) => RawBuilder<unknown>;

const listIn: IdIn = (column, ids) => sql`${column} in (${sql.join(ids)})`;

/** The order of a search's pairs, given the expressions of the principal key and target key. */
export function pairOrder(search: PairSearch, principalKey: string, targetKey: string): RawBuilder<unknown> {
  return sql.raw(search.byTarget ? `${targetKey}, ${principalKey}` : `${principalKey}, ${targetKey}`);
}

/**
 * FROM and WHERE of the pairs a search finds, one row per grant path: principal `pn` -> reach `r`
 * -> grant `g` -> ancestry `a` -> target `tn`. The join order is written out with CROSS JOIN
 * because SQLite takes that as the order to use (PostgreSQL plans it freely, but for the access
 * reads, which keep it: `DialectCapabilities.joinsAsWritten`): from the principals
 * when principals bound the search, through reach -> grants -> ancestry, or from the targets the
 * other way round, reading grants by scope and reach by holder (the data source's grants and reach
 * tables, through their second index: see `partitionReader`). Tables are named by `table`
 * (`GraphStorage.table`), or left for a reader to rewrite. A grant on scope S reaches S itself
 * when `self`, and S's descendants when `descendants`; a typed grant reaches only targets of one
 * of its resource types. With `grantRow`, driven by targets, the grant's own row joins as `gr`
 * (by its key, right after the grant was found by scope) for what the scope table lacks on SQLite.
 */
export function pairSource(search: PairSearch, drive: PairDrive, range: KeyRange = {}, options: { grantRow?: boolean; idIn?: IdIn; table?: TableOf } = {}): RawBuilder<unknown> {
  const idIn = options.idIn ?? listIn;
  const table = options.table ?? readerTable;
  const { ds } = search;
  const conditions: RawBuilder<unknown>[] = [
    sql`pn.ds = ${ds}`,
    ...(search.principalIds === undefined ? [sql`pn.kind in (${sql.join(PRINCIPAL_KINDS.map((k) => sql`${k}`))})`] : []),
    sql`r.ds = ${ds}`,
    sql`r.principal = pn.id`,
    sql`g.ds = ${ds}`,
    sql`g.holder = r.holder`,
    sql`a.ds = ${ds}`,
    sql`a.ancestor = g.scope`,
    sql`(case when a.depth = 0 then g.self else g.descendants end) = 1`,
    sql`tn.ds = ${ds}`,
    sql`tn.id = a.node`,
    sql`(g.typed = 0 or exists (select 1 from ${table('graph_grant_types')} gt
          where gt.ds = ${ds} and gt.grant_id = g.id and gt.type_key = tn.resource_type_key))`,
  ];
  if (search.principal !== undefined) conditions.push(sql`pn.lookup_key = ${search.principal}`);
  if (search.principalIds !== undefined) conditions.push(idIn(sql`pn.id`, search.principalIds));
  if (search.targetIds !== undefined) conditions.push(idIn(sql`tn.id`, search.targetIds));
  if (search.application !== undefined) conditions.push(sql`(tn.id = ${search.application} or tn.app_id = ${search.application})`);
  if (search.afterTarget !== undefined) conditions.push(sql`tn.node_key > ${search.afterTarget}`);
  if (search.target !== undefined) conditions.push(sql`tn.lookup_key = ${search.target}`);
  if (range.from) conditions.push(sql`pn.node_key ${sql.raw(range.from.inclusive ? '>=' : '>')} ${range.from.key}`);
  if (range.upTo !== undefined) conditions.push(sql`pn.node_key <= ${range.upTo}`);
  if (search.after) {
    const [principalKey, targetKey] = search.after;
    conditions.push(sql`(pn.node_key > ${principalKey} or (pn.node_key = ${principalKey} and tn.node_key > ${targetKey}))`);
  }
  const grantRow = drive === 'target' && options.grantRow === true;
  if (grantRow) conditions.push(sql`gr.ds = ${ds}`, sql`gr.holder = g.holder`, sql`gr.id = g.id`);
  const joins =
    drive === 'principal'
      ? sql`${table('graph_nodes')} pn cross join ${table('graph_reach')} r cross join ${table('graph_grants')} g cross join ${table('graph_ancestry')} a cross join ${table('graph_nodes')} tn`
      : sql`${table('graph_nodes')} tn cross join ${table('graph_ancestry')} a cross join ${table('graph_grants_by_scope')} g ${grantRow ? sql`cross join ${table('graph_grants')} gr ` : sql``}cross join ${table('graph_reach_by_holder')} r cross join ${table('graph_nodes')} pn`;
  return sql`${joins} where ${sql.join(conditions, sql` and `)}`;
}
