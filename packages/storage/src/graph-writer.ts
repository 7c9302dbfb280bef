import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type SqliteDatabase from 'better-sqlite3';
import type pg from 'pg';
import type { DerivedGraph } from '@accessgraph/core';
import { copyRows, postgresBulkInserter, sqliteBulkInserter, type BulkInserter } from './bulk-insert.js';
import type { DialectCapabilities } from './capabilities.js';
import type { Database } from './database.js';
import { GRAPH_TABLES, SECOND_KEYS, SQLITE_GRAPH_TABLES, graphTableRows, type GraphTableName, secondKeyRows, tagRows, typeRows, type BulkRows } from './graph-rows.js';
import type { Checkpointer } from './sqlite-checkpointer.js';
import { dropDataSourceTables, readSqliteDefinitions } from './sqlite-tables.js';
import { attachPartitions, dropPartitions, lockGraphTables, readPartitionDefinitions, type PartitionDefinition } from './postgres-partitions.js';
import { buildInParallel, buildStagedTable, dropStagedTables, singleClientKysely, stagingName, type StagingJob } from './postgres-staging.js';
import { ownTableName, partitionName, partitionReader } from './graph-table-names.js';
import { inWriteTransaction } from './write-transaction.js';

/**
 * Where a push's derived graph goes, and how a deleted data source's graph leaves. The one write
 * path where the engines get different strategies (conventions: "Storage"), side by side here,
 * because the graph is large (a 100 MB payload derives ~3M rows) and the fastest way to replace
 * it differs:
 *
 * - SQLite: the same idea without partitions (`sqlite-tables.ts`). The graph tables are empty
 *   templates; each data source's graph lives in tables of its own, named like PostgreSQL's
 *   partitions. A push drops the data source's tables (one DROP TABLE each, not a delete of
 *   every row), creates new ones from the templates' CREATE statements, inserts the rows in each
 *   table's key order (prepared multi-row INSERTs; the big tables are WITHOUT ROWID, so their
 *   key is their storage and the rows are appends), then builds the other indexes once, sorting
 *   with a helper thread, and samples statistics (ANALYZE with a small analysis_limit). A second
 *   push costs what the first did, and fills the pages the old graph freed. It is one
 *   transaction: readers keep their WAL snapshot (the old graph) meanwhile, and a failed or
 *   killed push leaves nothing behind. The schema changes with every push; better-sqlite3
 *   re-prepares a statement the change touched, and Kysely prepares each query anew anyway.
 *
 * - PostgreSQL: each graph table is partitioned by LIST (ds). The push builds its data source's
 *   new partitions aside, as plain tables the transaction creates (invisible to everyone else):
 *   COPY FREEZE into a table without indexes (no WAL-logged index maintenance, no dead tuples,
 *   rows already frozen), one index build per index, ANALYZE, and a CHECK (ds = N) constraint that
 *   lets ATTACH skip its validation scan. Only then, last in the transaction, it locks the parent
 *   tables, drops the old partitions and attaches the new ones (their indexes match the parents'
 *   and are adopted without a rebuild) - milliseconds under ACCESS EXCLUSIVE. The old graph goes
 *   with its dropped files: no dead tuples, no growth, nothing for VACUUM. Nothing takes a lock on
 *   a parent table before that swap (the new tables are declared from the catalog, not with LIKE,
 *   which would hold a lock on the parent for the whole load), so readers and other pushes
 *   proceed during the load. A small graph's tables are built in the push's transaction; a large
 *   one's over two more connections at once, each table committed on its own, so the database
 *   server's work uses both cores (`postgres-staging.ts`). The swap, the payload, the status and
 *   the history are one transaction: a push that fails rolls back and drops the tables it built;
 *   one whose process is killed leaves the old graph, and perhaps built tables no query reads,
 *   which the data source's next push or its deletion drops.
 */
export interface GraphStorage {
  /** Runs `work` in one write transaction on one connection: committed if it returns, rolled back if it throws. */
  transaction<T>(work: (tx: GraphTransaction) => Promise<T>): Promise<T>;
  /**
   * `db` set to read data source `ds`'s graph (which must exist: it has been pushed). On
   * PostgreSQL, graph tables name the data source's partitions (see `partitionReader`).
   */
  reader(db: Kysely<Database>, ds: number): Kysely<Database>;
  /**
   * Data source `ds`'s own table of graph table `name` (or a second key), named outright, as
   * `reader` would rewrite it. A raw query that names its tables this way runs on any connection,
   * without `reader`'s plugin: rewriting a query's tree cost more than SQLite took to run the
   * small queries of an access answer (BENCHMARKS.md Q6).
   */
  table(name: GraphTableName, ds: number): RawBuilder<unknown>;
  /**
   * Whether `graph_grants_by_scope`, read through `reader`, holds whole grants: on PostgreSQL it
   * is the grants partition itself (through its index on scope); on SQLite a table of its own with
   * only what a query driven by its targets filters on (no permission, no role).
   */
  readonly grantsByScopeWhole: boolean;
  /**
   * `column IN (subquery)` written so that it stays a lookup on the column's index for each row
   * of the subquery, whatever the table's statistics say: SQLite does so for IN (subquery);
   * PostgreSQL may turn it into a hash join over every row of the table when its statistics are
   * stale (autovacuum off, a table only pushes write), but not `= ANY(ARRAY(subquery))`.
   */
  inSubquery(column: RawBuilder<unknown>, subquery: RawBuilder<unknown>): RawBuilder<unknown>;
  /** `column IN (ids)`; on PostgreSQL as one array parameter, so the text does not vary with the list (`PREPARED`). */
  idIn(column: RawBuilder<unknown>, ids: readonly number[]): RawBuilder<unknown>;
}

export interface GraphTransaction {
  /** The transaction's connection, for the other writes of the same transaction. */
  readonly conn: Kysely<Database>;
  /**
   * Writes data source `ds`'s new graph (and merges its tags: spec §9, a node whose key survives
   * keeps the tags it had and gains the new ones; tags of nodes that are gone are dropped).
   */
  stage(ds: number, graph: DerivedGraph): Promise<void>;
  /** Makes the staged graph current. Call it last: on PostgreSQL it locks every graph table until commit. */
  publish(): Promise<void>;
  /**
   * Removes the graphs of data sources being deleted in this transaction (and on PostgreSQL the
   * partitions of any data source that no longer exists).
   */
  remove(ds: readonly number[]): Promise<void>;
  /** Inserts rows of data source `ds` into a live table shared by every data source (not a graph table). */
  insertRows(ds: number, rows: BulkRows): Promise<void>;
  /** Inserts rows into data source `ds`'s current graph table `rows.table` (a change made by difference, not a staged graph). */
  insertGraphRows(ds: number, rows: BulkRows): Promise<void>;
}

/**
 * SQLite's page cache during a push, in KiB (the default is 2 MB), so that the tables and indexes
 * being built stay in memory instead of spilling pages to the WAL mid-transaction. Pages are
 * allocated only as they are touched, and freed after the push.
 */
const SQLITE_PUSH_CACHE_KIB = 256 * 1024;

/**
 * Rows ANALYZE reads per index of a new table: enough for the planner to tell a key that picks a
 * row from one that picks thousands, for milliseconds instead of a scan of every index.
 */
const SQLITE_ANALYSIS_LIMIT = 1000;

/**
 * Samples a new table's statistics (SQLITE_ANALYSIS_LIMIT rows per index), but the nodes table's
 * from every row. Its indexes lead with ds, the same on every row of a data source's table, and
 * its rowid is the node id: sampled statistics take ds for a column a thousand rows share, so a
 * read of a thousand nodes by id (an incremental push's slice, a page of 1,000 effective
 * permissions) was planned as a scan of the (ds, lookup_key) index, the whole table, instead of
 * rowid lookups (20 ms against 4 for 155,000 nodes; BENCHMARKS.md U10). Reading every row of it
 * takes 20 ms there.
 */
async function analyze(raw: SqliteDatabase.Database, conn: Kysely<Database>, template: string, table: string): Promise<void> {
  const whole = template === 'graph_nodes';
  if (whole) raw.pragma('analysis_limit = 0');
  try {
    await sql`analyze ${sql.table(table)}`.execute(conn);
  } finally {
    if (whole) raw.pragma(`analysis_limit = ${SQLITE_ANALYSIS_LIMIT}`);
  }
}

/**
 * `checkpointer` (for a database file) copies a push's pages from the WAL into the file after
 * the push, off the event loop; without it, the push's COMMIT does (see `sqlite-checkpointer.ts`).
 */
export function sqliteGraphStorage(db: Kysely<Database>, raw: SqliteDatabase.Database, caps: DialectCapabilities, checkpointer?: Checkpointer): GraphStorage {
  const inserter = sqliteBulkInserter(raw);
  return {
    reader: (db, ds) => db.withPlugin(partitionReader(ds, SQLITE_GRAPH_TABLES)),
    table: (name, ds) => sql.table(ownTableName(name, ds)),
    grantsByScopeWhole: false,
    inSubquery: (column, subquery) => sql`${column} in (${subquery})`,
    idIn: (column, ids) => sql`${column} in (${sql.join(ids)})`,
    async transaction(work) {
      let previous: { cache: number; threads: number; autoCheckpoint: number } | undefined;
      try {
        return await inWriteTransaction(db, caps, (conn) => {
          const any = conn as Kysely<unknown>;
          return work({
            conn,
            async stage(ds, graph) {
              previous ??= {
                cache: raw.pragma('cache_size', { simple: true }) as number,
                threads: raw.pragma('threads', { simple: true }) as number,
                autoCheckpoint: raw.pragma('wal_autocheckpoint', { simple: true }) as number,
              };
              raw.pragma(`cache_size = ${-SQLITE_PUSH_CACHE_KIB}`);
              if (checkpointer) raw.pragma('wal_autocheckpoint = 0');
              // Index builds sort with a helper thread (the server's other work waits for the push anyway).
              raw.pragma('threads = 2');
              raw.pragma(`analysis_limit = ${SQLITE_ANALYSIS_LIMIT}`);
              const definitions = await readSqliteDefinitions(any, SQLITE_GRAPH_TABLES);
              // The old graph goes first: the new one then fills the pages it frees, and the file
              // does not grow by a copy. Readers keep seeing it (their WAL snapshot) until commit.
              await dropDataSourceTables(any, SQLITE_GRAPH_TABLES, { ds: [ds] });
              for (const rows of [...graphTableRows(graph), ...secondKeyRows(graph)]) {
                const definition = definitions.get(rows.table)!;
                const table = partitionName(rows.table, ds);
                await definition.create(any, table);
                await inserter.insert(conn, ds, rows, table);
                await definition.buildIndexes(any, table, table);
                await analyze(raw, conn, rows.table, table);
              }
              await replaceSmallTables(conn, inserter, ds, graph, partitionName('graph_nodes', ds));
            },
            async publish() {},
            insertRows: (ds, rows) => inserter.insert(conn, ds, rows),
            insertGraphRows: (ds, rows) => inserter.insert(conn, ds, rows, partitionName(rows.table, ds)),
            async remove(dsList) {
              if (dsList.length > 0) await conn.deleteFrom('graph_tags').where('ds', 'in', dsList).execute();
              await dropDataSourceTables(any, SQLITE_GRAPH_TABLES, { ds: dsList, orphans: true });
            },
          });
        });
      } finally {
        // Back to the usual settings after the commit (which needs the dirty pages in memory, or it
        // spills them to the WAL twice); SQLite frees the pages beyond the cache size.
        if (previous !== undefined) {
          raw.pragma(`cache_size = ${previous.cache}`);
          raw.pragma(`threads = ${previous.threads}`);
          raw.pragma(`wal_autocheckpoint = ${previous.autoCheckpoint}`);
          checkpointer?.request();
        }
      }
    },
  };
}

/** Inserts into live tables of more rows than this go by COPY. */
const COPY_FROM_ROWS = 20_000;

/** Graphs of more rows than this are built over STAGING_CONNECTIONS connections (see `postgres-staging.ts`). */
const PARALLEL_STAGING_ROWS = 200_000;
const STAGING_CONNECTIONS = 2;

export function postgresGraphStorage(pool: pg.Pool): GraphStorage {
  const inserter = postgresBulkInserter();
  return {
    reader: (db, ds) => db.withPlugin(partitionReader(ds, GRAPH_TABLES, SECOND_KEYS)),
    table: (name, ds) => sql.table(ownTableName(name, ds, SECOND_KEYS)),
    grantsByScopeWhole: true,
    inSubquery: (column, subquery) => sql`${column} = any(array(${subquery}))`,
    idIn: (column, ids) => sql`${column} = any(${sql.val(ids)}::bigint[])`,
    async transaction(work) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        const conn = singleClientKysely(client);
        const swap = new PartitionSwap(conn, client, inserter, pool.options);
        await client.query('begin');
        try {
          const result = await work(swap);
          await client.query('commit');
          return result;
        } catch (error) {
          try {
            await client.query('rollback');
            // Tables built and committed on the other connections, which no partition became.
            if (swap.stagedDataSource !== undefined) await dropStagedTables(conn, { ds: [swap.stagedDataSource] });
          } catch (rollbackError) {
            // The connection is unusable (e.g. lost mid-COPY); the pool must not hand it out again.
            broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
          }
          throw error;
        }
      } finally {
        client.release(broken);
      }
    },
  };
}

/** The PostgreSQL transaction: stages partitions, swaps them in on publish. */
class PartitionSwap implements GraphTransaction {
  private staged?: { ds: number; partitions: Array<{ parent: string; table: string }> };

  constructor(
    readonly conn: Kysely<Database>,
    private readonly client: pg.PoolClient,
    private readonly inserter: BulkInserter,
    private readonly config: pg.ClientConfig,
  ) {}

  /** The data source whose new tables are being built, if any: the transaction drops them if it fails. */
  get stagedDataSource(): number | undefined {
    return this.staged?.ds;
  }

  async stage(ds: number, graph: DerivedGraph): Promise<void> {
    const definitions = await readPartitionDefinitions(this.conn, GRAPH_TABLES);
    // Left by a push of this data source that was killed while it built them (this transaction
    // holds the data source's lock: no other push is building them now).
    await dropStagedTables(this.conn, { ds: [ds] });
    // The new tables live beside the current partitions until the swap renames them; their
    // indexes keep their names, so those need the suffix too.
    const suffix = randomBytes(4).toString('hex');
    const jobs: StagingJob[] = graphTableRows(graph).map((rows) => ({
      rows,
      definition: definitions.get(rows.table) as PartitionDefinition,
      table: stagingName(rows.table, ds, suffix),
      indexPrefix: `${partitionName(rows.table, ds)}_${suffix}`,
    }));
    this.staged = { ds, partitions: jobs.map((job) => ({ parent: job.definition.parent, table: job.table })) };
    if (jobs.reduce((n, job) => n + job.rows.count, 0) > PARALLEL_STAGING_ROWS) {
      await buildInParallel(this.config, jobs, ds, STAGING_CONNECTIONS);
    } else {
      for (const job of jobs) await buildStagedTable(this.conn, this.client, job, ds);
    }
    await replaceSmallTables(this.conn, this.inserter, ds, graph, stagingName('graph_nodes', ds, suffix));
  }

  async publish(): Promise<void> {
    if (!this.staged) return;
    await lockGraphTables(this.conn, GRAPH_TABLES);
    await dropPartitions(this.conn, GRAPH_TABLES, { ds: [this.staged.ds] });
    await attachPartitions(this.conn, this.staged.ds, this.staged.partitions);
  }

  insertRows(ds: number, rows: BulkRows): Promise<void> {
    // COPY for many rows (an identity provider's million links), one round trip per chunk for a few.
    if (rows.count > COPY_FROM_ROWS) return copyRows(this.client, rows.table, ds, rows);
    return this.inserter.insert(this.conn, ds, rows);
  }

  insertGraphRows(ds: number, rows: BulkRows): Promise<void> {
    return this.inserter.insert(this.conn, ds, rows, partitionName(rows.table, ds));
  }

  async remove(ds: readonly number[]): Promise<void> {
    if (ds.length > 0) await this.conn.deleteFrom('graph_tags').where('ds', 'in', ds).execute();
    await dropPartitions(this.conn, GRAPH_TABLES, { ds, orphans: true, lock: true });
    await dropStagedTables(this.conn, { ds, orphans: true });
  }
}

/**
 * Tags and declared types: live tables shared by every data source on both engines, small enough
 * to update in place. `nodes` is the table holding the data source's new nodes.
 */
async function replaceSmallTables(conn: Kysely<Database>, inserter: BulkInserter, ds: number, graph: DerivedGraph, nodes: string): Promise<void> {
  await sql`
    delete from graph_tags where ds = ${ds} and not exists (
      select 1 from ${sql.table(nodes)} n where n.ds = graph_tags.ds and n.node_key = graph_tags.node_key)`.execute(conn);
  await inserter.insert(conn, ds, tagRows(graph.nodes));
  await conn.deleteFrom('data_source_types').where('ds', '=', ds).execute();
  await inserter.insert(conn, ds, typeRows(graph));
}
