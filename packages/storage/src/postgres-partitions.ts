import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';
import { partitionName } from './graph-table-names.js';
import { quoteIdentifier } from './quote-identifier.js';

/**
 * The catalog work behind PostgreSQL's partition swap (see `graph-writer.ts`). Partitions are
 * found by their bound (FOR VALUES IN (ds)), not by name, and declared from the parent's catalog
 * entries, so a later migration that changes a graph table needs no change here.
 */

/** How to declare a new partition of a graph table: its parent's columns and indexes. */
export interface PartitionDefinition {
  parent: string;
  /** Column definitions, as in CREATE TABLE. */
  columns: string;
  /** The parent's indexes, each as `USING method (columns)`; the primary key is built from one. */
  indexes: Array<{ using: string; unique: boolean; primary: boolean }>;
  /**
   * Builds on `table` the indexes ATTACH will match with the parent's (and adopt, not rebuild),
   * named `${prefix}_<n>` (unique in the schema: the partition they replace still has its own).
   */
  buildIndexes(conn: Kysely<Database>, table: string, prefix: string): Promise<void>;
}

const tableOids = (tables: readonly string[]) => sql`(select to_regclass(name)::oid from unnest(${[...tables]}::text[]) as name)`;

export async function readPartitionDefinitions(conn: Kysely<Database>, tables: readonly string[]): Promise<Map<string, PartitionDefinition>> {
  const columns = await sql<{ parent: string; name: string; type: string; not_null: boolean; collation: string | null }>`
    select c.relname as parent, a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as not_null,
           case when a.attcollation <> t.typcollation then quote_ident(co.collname) end as collation
      from pg_class c
      join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      join pg_type t on t.oid = a.atttypid
      left join pg_collation co on co.oid = a.attcollation
     where c.oid in ${tableOids(tables)}
     order by c.relname, a.attnum`.execute(conn);
  const indexes = await sql<{ parent: string; definition: string; unique: boolean; primary: boolean }>`
    select c.relname as parent, pg_get_indexdef(i.indexrelid) as definition, i.indisunique as unique, i.indisprimary as primary
      from pg_index i join pg_class c on c.oid = i.indrelid
     where c.oid in ${tableOids(tables)}
     order by c.relname, i.indexrelid`.execute(conn);
  const definitions = new Map<string, PartitionDefinition>();
  for (const parent of tables) {
    const own = indexes.rows
      .filter((r) => r.parent === parent)
      // CREATE [UNIQUE] INDEX name ON ONLY schema.table USING btree (ds, holder)
      .map((r) => ({ using: r.definition.slice(r.definition.indexOf(' USING ') + 1), unique: r.unique, primary: r.primary }));
    const declared = columns.rows
      .filter((r) => r.parent === parent)
      .map((r) => `${quoteIdentifier(r.name)} ${r.type}${r.collation ? ` collate ${r.collation}` : ''}${r.not_null ? ' not null' : ''}`);
    if (declared.length === 0) throw new Error(`graph table ${parent} does not exist`);
    definitions.set(parent, {
      parent,
      columns: declared.join(', '),
      indexes: own,
      async buildIndexes(conn, table, prefix) {
        for (const [n, index] of own.entries()) {
          const name = `${prefix}_${n}`;
          await sql.raw(`create ${index.unique ? 'unique ' : ''}index ${quoteIdentifier(name)} on ${quoteIdentifier(table)} ${index.using}`).execute(conn);
          if (index.primary) await sql.raw(`alter table ${quoteIdentifier(table)} add constraint ${quoteIdentifier(`${prefix}_pk`)} primary key using index ${quoteIdentifier(name)}`).execute(conn);
        }
      },
    });
  }
  return definitions;
}

/**
 * Creates `table`, a future partition of `definition.parent` for data source `ds`, without
 * indexes. Its CHECK constraint is the partition constraint, so ATTACH needs no scan to prove it.
 */
export async function createPartitionTable(conn: Kysely<Database>, definition: PartitionDefinition, table: string, ds: number): Promise<void> {
  await sql.raw(`create table ${quoteIdentifier(table)} (${definition.columns}, constraint only_this_data_source check (ds = ${Number(ds)}))`).execute(conn);
}

/** Renames each staged table to its partition's name (the old one is gone) and attaches it. */
export async function attachPartitions(conn: Kysely<Database>, ds: number, partitions: ReadonlyArray<{ parent: string; table: string }>): Promise<void> {
  for (const { parent, table } of partitions) {
    const name = partitionName(parent, ds);
    await sql.raw(`alter table ${quoteIdentifier(table)} rename to ${quoteIdentifier(name)}`).execute(conn);
    await sql.raw(`alter table ${quoteIdentifier(parent)} attach partition ${quoteIdentifier(name)} for values in (${Number(ds)})`).execute(conn);
  }
}

/**
 * Drops the partitions of data sources `ds` and, with `orphans`, of any data source that no
 * longer exists. With `lock`, takes the graph tables' lock first (only if there is anything to
 * drop); without, the caller holds it.
 */
export async function dropPartitions(
  conn: Kysely<Database>,
  tables: readonly string[],
  options: { ds: readonly number[]; orphans?: boolean; lock?: boolean },
): Promise<void> {
  const find = async () => {
    const result = await sql<{ name: string }>`
      select name from (
        select c.relname as name, (regexp_match(pg_get_expr(c.relpartbound, c.oid), '^FOR VALUES IN \\((\\d+)\\)$'))[1]::integer as ds
          from pg_inherits i join pg_class c on c.oid = i.inhrelid
         where i.inhparent in ${tableOids(tables)}) p
       where p.ds = any(${[...options.ds]}::integer[])
          or (${options.orphans === true} and not exists (select 1 from data_sources d where d.seq = p.ds))`.execute(conn);
    return result.rows.map((r) => r.name);
  };
  let names = await find();
  if (names.length === 0) return;
  if (options.lock) {
    await lockGraphTables(conn, tables);
    names = await find();
  }
  for (const name of names) await sql.raw(`drop table ${quoteIdentifier(name)}`).execute(conn);
}

/** How long one attempt to lock the graph tables waits before letting queued readers through. */
const LOCK_WAIT_MS = 200;
const LOCK_ATTEMPTS = 25;

/**
 * Takes ACCESS EXCLUSIVE on the graph tables (the parents only: partitions are reached through
 * them, and locking every partition would take thousands of locks), until commit. A lock request
 * that waits blocks every reader that comes after it, so each attempt waits at most LOCK_WAIT_MS
 * (behind a long query) and then steps back for a while, letting the queue drain; after
 * LOCK_ATTEMPTS attempts it waits as long as it takes.
 */
export async function lockGraphTables(conn: Kysely<Database>, tables: readonly string[]): Promise<void> {
  const statement = sql.raw(`lock table ${tables.map((t) => `only ${quoteIdentifier(t)}`).join(', ')} in access exclusive mode`);
  const original = (await sql<{ value: string }>`select current_setting('lock_timeout') as value`.execute(conn)).rows[0]!.value;
  for (let attempt = 1; ; attempt++) {
    const patient = attempt >= LOCK_ATTEMPTS;
    await sql`savepoint graph_tables_lock`.execute(conn);
    await sql`select set_config('lock_timeout', ${patient ? original : `${LOCK_WAIT_MS}ms`}, true)`.execute(conn);
    try {
      await statement.execute(conn);
      await sql`release savepoint graph_tables_lock`.execute(conn);
      break;
    } catch (error) {
      if (patient || (error as { code?: unknown }).code !== '55P03') throw error;
      await sql`rollback to savepoint graph_tables_lock`.execute(conn);
      await sleep(Math.min(LOCK_WAIT_MS * attempt, 1_000));
    }
  }
  await sql`select set_config('lock_timeout', ${original}, true)`.execute(conn);
}
