import { Kysely, PostgresDialect, sql, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { copyRows } from './bulk-insert.js';
import type { Database } from './database.js';
import { DISPLAY_COLUMNS, type BulkRows } from './graph-rows.js';
import { partitionName } from './graph-table-names.js';
import { createPartitionTable, type PartitionDefinition } from './postgres-partitions.js';

/**
 * Building a push's new partitions on PostgreSQL (see `graph-writer.ts`): each new table is
 * created, loaded with COPY FREEZE, indexed and analysed, under a name of its own
 * (`graph_grants__<ds>__new_<suffix>`) until the push's transaction renames it and attaches it.
 *
 * A large graph is built over two connections at once, each table in a transaction of its own:
 * the database server's COPY and index builds then use both cores, where one connection leaves
 * one core waiting. Those transactions commit, so their tables outlive a push that fails before
 * its swap: the push drops them when it fails, and a push killed meanwhile leaves them to the
 * next push of the same data source (which holds the data source's lock, so no other push is
 * building them) or to the data source's deletion. Readers never see them: they read partitions.
 */

/** One table to build: rows for graph table `definition.parent`, into `table`. */
export interface StagingJob {
  rows: BulkRows;
  definition: PartitionDefinition;
  table: string;
  /** Prefix of the table's index names (unique in the schema). */
  indexPrefix: string;
}

/** Memory for each index build of a push (the server default, 64 MB, makes large sorts spill to disk). */
const INDEX_BUILD_MEMORY = '256MB';

/** The name a new table of `parent` has until the swap; `suffix` is the push's. */
export function stagingName(parent: string, ds: number, suffix: string): string {
  return `${partitionName(parent, ds)}__new_${suffix}`;
}

/** Builds one table in the transaction open on `client` (`conn` runs on the same client). */
export async function buildStagedTable(conn: Kysely<Database>, client: pg.ClientBase, job: StagingJob, ds: number): Promise<void> {
  await sql`select set_config('maintenance_work_mem', ${INDEX_BUILD_MEMORY}, true)`.execute(conn);
  await createPartitionTable(conn, job.definition, job.table, ds);
  await copyRows(client, job.table, ds, job.rows, 'freeze');
  await job.definition.buildIndexes(conn, job.table, job.indexPrefix);
  // The planner needs statistics from the first query on; autovacuum would take a minute.
  const planned = ['ds', ...job.rows.columns.map(([name]) => name).filter((name) => !DISPLAY_COLUMNS.has(name))];
  await sql`analyze ${sql.table(job.table)} (${sql.join(planned.map((name) => sql.ref(name)))})`.execute(conn);
}

/**
 * Builds `jobs` over `connections` new connections made with `config`, largest first, each table
 * committed on its own. On failure the others stop after their current table, and the error is
 * thrown; the caller drops what was committed (`dropStagedTables`).
 */
export async function buildInParallel(config: pg.ClientConfig, jobs: StagingJob[], ds: number, connections: number): Promise<void> {
  const queue = [...jobs].sort((a, b) => cost(b) - cost(a));
  let failure: unknown;
  const worker = async () => {
    const client = new pg.Client(config);
    // A connection lost while idle must not crash the process; the query in flight fails instead.
    client.on('error', () => {});
    try {
      await client.connect();
      const conn = singleClientKysely(client);
      for (let job = queue.shift(); job !== undefined && failure === undefined; job = queue.shift()) {
        await client.query('begin');
        try {
          await buildStagedTable(conn, client, job, ds);
          await client.query('commit');
        } catch (error) {
          await client.query('rollback').catch(() => undefined);
          throw error;
        }
      }
    } catch (error) {
      failure ??= error;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(connections, jobs.length) }, worker));
  if (failure !== undefined) throw failure;
}

/** Rough work of a job: its values, text columns counting more. */
function cost(job: StagingJob): number {
  return job.rows.count * job.rows.columns.reduce((n, [, type]) => n + (type === 'text' ? 4 : 1), 1);
}

/**
 * Drops the tables being built (or left by a push that was killed) for data sources `ds` and,
 * with `orphans`, for any data source that no longer exists.
 */
export async function dropStagedTables(conn: Kysely<Database>, options: { ds: readonly number[]; orphans?: boolean }): Promise<void> {
  const { rows } = await sql<{ name: string }>`
    select name from (
      select c.relname as name, (regexp_match(c.relname, '^graph_[a-z_]+__(\\d+)__new_[0-9a-f]+$'))[1]::integer as ds
        from pg_class c
       where c.relnamespace = current_schema()::regnamespace and c.relkind = 'r' and not c.relispartition) t
     where t.ds = any(${[...options.ds]}::integer[])
        or (${options.orphans === true} and t.ds is not null and not exists (select 1 from data_sources d where d.seq = t.ds))`.execute(conn);
  for (const { name } of rows) await sql`drop table if exists ${sql.table(name)}`.execute(conn);
}

/**
 * A Kysely instance whose only connection is `client`, so Kysely queries and the raw client's
 * COPY streams share one transaction. It never closes the client: the caller releases it.
 */
export function singleClientKysely(client: pg.ClientBase): Kysely<Database> {
  const connection: PostgresPoolClient = { query: client.query.bind(client) as PostgresPoolClient['query'], release() {} };
  const pool: PostgresPool = { connect: async () => connection, end: async () => {} };
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
