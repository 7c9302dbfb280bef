import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';
import { filteredDrive, pairOrder, pairSource, type AccessPair, type PairSearch } from './effective-pairs.js';
import type { PathRow } from './grant-paths.js';
import type { GraphStorage } from './graph-writer.js';
import { PREPARED } from './prepared-statements.js';

/** A search bounded by its principals or targets (the unfiltered walk stays with `findAccessPairs`). */
export type FilteredPairSearch = PairSearch & ({ principal: string } | { target: string } | { principalIds: readonly number[] } | { targetIds: readonly number[] });

/** The pairs of a search and the grant paths behind each of them. */
export interface PairsWithPaths {
  /** As `findAccessPairs` answers the same search: the first `limit` pairs, in its order. */
  pairs: AccessPair[];
  /** Every distinct (permission, holder, role, scope) behind each of those pairs, as `findGrantPaths` finds them. */
  paths: PathRow[];
}

/** A path row as the query answers it, with its pair's keys. */
type PathQueryRow = PathRow & { principal_key: string; target_key: string; pair_rank: number };

/**
 * The first `limit` pairs of a filtered search together with the grant paths behind them, in one
 * query (its tables named outright: `db` may be any connection). The pairs query walks every grant
 * path of the search anyway, and grouped them into pairs; keeping the paths spares the lookups
 * that found them again (reach, ancestry, target types, grants, grant types: five round trips
 * per page, which cost more than the query itself, on PostgreSQL several times more). The paths
 * are numbered by their pair in the search's order (`dense_rank`), so the limit still counts
 * pairs and a page never splits a pair's paths. No plan hazard comes with it (see
 * `findGrantPaths`): the joins are the pairs query's own, driven from the principals or targets
 * that bound the search.
 */
export async function findAccessPaths(db: Kysely<Database>, graphs: GraphStorage, search: FilteredPairSearch): Promise<PairsWithPaths> {
  const result = await accessPathsQuery(graphs, search).execute(db);
  return pairsWithPaths(result.rows);
}

/**
 * `findAccessPaths` for several data sources at once: the answer of each search, in the
 * searches' order. On PostgreSQL the queries run side by side, each on a connection of the access
 * pool (one round trip each, a prepared statement planned once per connection); on SQLite one
 * after the other in the process.
 */
export function findAccessPathsInEach(db: Kysely<Database>, graphs: GraphStorage, searches: ReadonlyArray<FilteredPairSearch>): Promise<PairsWithPaths[]> {
  return Promise.all(searches.map((search) => findAccessPaths(db, graphs, search)));
}

function accessPathsQuery(graphs: GraphStorage, search: FilteredPairSearch) {
  const drive = filteredDrive(search);
  // Driven by targets, grants are read by scope; on SQLite that table lacks permission and role,
  // which the grant's row gives (by its key: holder, id).
  const fetchGrant = drive === 'target' && !graphs.grantsByScopeWhole;
  const grant = fetchGrant ? 'gr' : 'g';
  return sql<PathQueryRow>`${sql.raw(PREPARED)}
    select principal_key, target_key, principal, target, permission, holder, role, scope, pair_rank from (
      select p.*, dense_rank() over (order by ${pairOrder(search, 'p.principal_key', 'p.target_key')}) as pair_rank from (
        select distinct pn.node_key as principal_key, tn.node_key as target_key, pn.id as principal, tn.id as target,
          ${sql.raw(`${grant}.permission as permission, ${grant}.role as role`)}, g.holder as holder, g.scope as scope
        from ${pairSource(search, drive, {}, { grantRow: fetchGrant, idIn: graphs.idIn, table: (name) => graphs.table(name, search.ds) })}
      ) p
    ) ranked
    where pair_rank <= ${search.limit}
    order by pair_rank`;
}

function pairsWithPaths(rows: readonly PathQueryRow[]): PairsWithPaths {
  const pairs: AccessPair[] = [];
  const paths: PathRow[] = [];
  for (const row of rows) {
    const principal = Number(row.principal);
    const target = Number(row.target);
    const last = pairs[pairs.length - 1];
    if (last === undefined || last.principal !== principal || last.target !== target) pairs.push({ principalKey: row.principal_key, targetKey: row.target_key, principal, target });
    paths.push({ principal, target, permission: Number(row.permission), holder: Number(row.holder), role: row.role === null ? null : Number(row.role), scope: Number(row.scope) });
  }
  return { pairs, paths };
}
