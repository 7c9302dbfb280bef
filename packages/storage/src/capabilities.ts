/**
 * What differs between the SQL engines, named once. Code outside the dialect files asks these
 * flags rather than checking which engine it runs on.
 */
export interface DialectCapabilities {
  readonly engine: 'sqlite' | 'postgres';
  /**
   * Collation clause for key columns, so sorting and keyset comparisons are bytewise on both
   * engines (SQLite's default is already BINARY; PostgreSQL's follows the locale).
   */
  readonly keyCollation: string;
  /** Column type for opaque bytes (a data source's stored payload). */
  readonly bytesType: 'blob' | 'bytea';
  /**
   * How `data_sources.seq` gets its value. PostgreSQL adds an identity column (which also numbers
   * existing rows); SQLite cannot add an autoincrement column to an existing table, so a trigger
   * copies the rowid, which is unique for the life of the row.
   */
  readonly seqStrategy: 'identity' | 'rowid-trigger';
  /**
   * The statement that opens a transaction that will write. SQLite needs BEGIN IMMEDIATE: a
   * deferred transaction that reads first and writes later can fail with SQLITE_BUSY when another
   * process wrote in between, whereas IMMEDIATE waits (busy_timeout) for the write lock up front.
   */
  readonly beginWrite: string;
  /**
   * Whether writers to one data source must take an advisory lock. PostgreSQL runs transactions
   * concurrently; SQLite already admits one writer at a time.
   */
  readonly advisoryLocks: boolean;
  /**
   * Statements that refresh the query planner's statistics after a push rewrote a data source's
   * graph, run one by one, each best effort; none when nothing is needed (on PostgreSQL the graph
   * writer analyzes each new partition before it is attached). SQLite keeps none unless asked:
   * without them it guesses that `ds = ?` picks a few rows and walks a whole data source in index
   * order to skip a sort (seconds, not milliseconds).
   * PRAGMA optimize analyzes only tables whose size changed a lot, within a bounded effort. Then
   * the samples go (`SQLITE_WITHOUT_SAMPLES`): only the counts of sqlite_stat1 stay.
   */
  readonly refreshStatistics: readonly string[];
  /**
   * Whether the identity links' statistics are refreshed after a push that rewrote a good part of
   * them (`analyzeLinksIfChanged`): on PostgreSQL, whose autovacuum may be off or not yet around
   * to it, a plan from stale statistics reads every link of a data source to find an IdP user's
   * few (6 ms against 0.06 ms per lookup, measured). SQLite's `refreshStatistics` covers it.
   */
  readonly analyzeLinks: boolean;
  /**
   * How the tables holding derived graphs (nodes, edges, reach, ancestry, grants, grant types,
   * identity references) are laid out; see `graph-writer.ts` for why each engine gets its own.
   * - `shared-clustered` (SQLite): no partitions. Since migration 0003 the graph tables are
   *   empty templates and each data source's graph is in tables made from them; the big ones are
   *   WITHOUT ROWID, stored in their primary key's b-tree. (The name is the layout 0002 created,
   *   which that migration reads; see `sqlite-tables.ts`.)
   * - `partition-per-data-source` (PostgreSQL): each table is partitioned by LIST (ds), so a push
   *   loads a fresh table with COPY, indexes it once, and swaps it in for the old partition.
   */
  readonly graphLayout: 'shared-clustered' | 'partition-per-data-source';
  /**
   * Session settings (libpq `options`) of the connections that read access, which make their
   * queries join tables in the order written, or '' when that is already so. The access queries
   * write their joins in the order to take (CROSS JOIN, which SQLite follows as written).
   * PostgreSQL would search every order of the five tables of an access query for each of them:
   * measured, 0.8-1.3 ms of planning for 0.1 ms of execution, eleven times for an IdP user's
   * access; with `join_collapse_limit = 1` 0.3 ms, and the same plan (each step an index lookup).
   * Set on connections of their own (`openPostgresStore`), not per read with SET LOCAL, whose
   * transaction cost three round trips (begin, set, commit) of each answer.
   */
  readonly joinsAsWritten: string;
}

/**
 * Statements that remove SQLite's statistics samples (sqlite_stat4) and make the planner read the
 * statistics again, which it otherwise keeps in memory as it loaded them.
 *
 * better-sqlite3 builds SQLite with SQLITE_ENABLE_STAT4. Wherever an index has samples, SQLite marks
 * a bound parameter compared with its columns as one that may change the plan, and recompiles the
 * statement on its next run after each binding: every kept statement (`sqlite-statement-cache.ts`)
 * was planned anew on every run, since each run binds its values again. Planning the paths query of
 * an access answer took 65 µs of its 110 µs, and an IdP user's access read 3.9 ms in the store
 * against 2.4 ms without samples (BENCHMARKS.md Q7). The samples tell the planner little here: the
 * indexes of a data source's tables lead with ds, one value on every row, and the row counts per
 * key prefix (sqlite_stat1), which every plan of ours is chosen from, stay.
 */
export const SQLITE_WITHOUT_SAMPLES: readonly string[] = ['delete from sqlite_stat4', 'analyze sqlite_schema'];

export const SQLITE_CAPABILITIES: DialectCapabilities = {
  engine: 'sqlite',
  keyCollation: '',
  bytesType: 'blob',
  seqStrategy: 'rowid-trigger',
  beginWrite: 'begin immediate',
  advisoryLocks: false,
  refreshStatistics: ['pragma optimize', ...SQLITE_WITHOUT_SAMPLES],
  analyzeLinks: false,
  graphLayout: 'shared-clustered',
  joinsAsWritten: '',
};

export const POSTGRES_CAPABILITIES: DialectCapabilities = {
  engine: 'postgres',
  keyCollation: 'C',
  bytesType: 'bytea',
  seqStrategy: 'identity',
  beginWrite: 'begin',
  advisoryLocks: true,
  refreshStatistics: [],
  analyzeLinks: true,
  graphLayout: 'partition-per-data-source',
  joinsAsWritten: '-c join_collapse_limit=1',
};
