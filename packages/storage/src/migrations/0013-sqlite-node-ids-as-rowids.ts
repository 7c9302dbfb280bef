import { sql, type Kysely } from 'kysely';
import type { DialectCapabilities } from '../capabilities.js';
import { quoteIdentifier } from '../quote-identifier.js';
import { readSqliteDefinitions } from '../sqlite-tables.js';

/**
 * SQLite: a node's id becomes its row's rowid (`id integer primary key`), instead of a key
 * (ds, id) kept in an index of its own beside the rowid table. Every read of nodes by id (the
 * nodes an access answer names, the people behind its principals) then takes one b-tree lookup
 * instead of two: a quarter less time for a page's nodes (BENCHMARKS.md Q6). Within a data
 * source's own table `ds` is the same on every row, so id alone is as unique as (ds, id) was.
 * The template changes (every later push makes the data source's new table from it), and the
 * tables of graphs pushed before are copied into the new layout, all in one transaction.
 * PostgreSQL keeps its primary key (ds, id): nothing to do there.
 */
export function sqliteNodeIdsAsRowidsMigration(caps: DialectCapabilities) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (caps.graphLayout !== 'shared-clustered') return;
      // Kysely runs SQLite's migrations outside a transaction (it has no transactional DDL): this one keeps its own.
      await sql`begin immediate`.execute(db);
      try {
        // Statistics of every row, as a push gathers them for nodes (`sqliteGraphStorage`): sampled ones
        // take ds for a column a thousand rows share, and plan a read of a thousand nodes by id as a
        // scan of the (ds, lookup_key) index, the whole table, instead of rowid lookups.
        await sql`pragma analysis_limit = 0`.execute(db);
        await rebuildTemplate(db);
        const definition = (await readSqliteDefinitions(db, ['graph_nodes'])).get('graph_nodes')!;
        const pushed = await sql<{ name: string }>`select name from sqlite_schema where type = 'table' and name glob 'graph_nodes__[0-9]*' order by name`.execute(db);
        for (const { name } of pushed.rows) {
          if (await idIsRowid(db, name)) continue;
          const copy = `${name}_0013`;
          await definition.create(db, copy);
          await sql`insert into ${sql.table(copy)} select * from ${sql.table(name)} order by id`.execute(db);
          await sql`drop table ${sql.table(name)}`.execute(db);
          await sql.raw(`alter table ${quoteIdentifier(copy)} rename to ${quoteIdentifier(name)}`).execute(db);
          // Named as a push names them (`sqliteGraphStorage`: the table's name as the prefix).
          await definition.buildIndexes(db, name, name);
          await sql`analyze ${sql.table(name)}`.execute(db);
        }
        await sql`commit`.execute(db);
      } catch (error) {
        // SQLite may have rolled back already (a full disk, an I/O error): the rollback must not hide why.
        await sql`rollback`.execute(db).catch(() => undefined);
        throw error;
      }
    },
  };
}

/** The empty template, declared again with `id integer primary key` and its two indexes. */
async function rebuildTemplate(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('graph_nodes').execute();
  await db.schema
    .createTable('graph_nodes')
    .addColumn('ds', 'integer', (c) => c.notNull())
    // `integer primary key`, exactly: only a column declared so is the rowid.
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('node_key', 'text', (c) => c.notNull())
    .addColumn('local_key', 'text', (c) => c.notNull())
    .addColumn('lookup_key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('node_type', 'text', (c) => c.notNull())
    .addColumn('app_id', 'integer')
    .addColumn('parent_id', 'integer')
    .addColumn('resource_type', 'text')
    .addColumn('resource_type_key', 'text')
    .addColumn('properties', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('graph_nodes_key').unique().on('graph_nodes').columns(['ds', 'node_key']).execute();
  await db.schema.createIndex('graph_nodes_lookup').on('graph_nodes').columns(['ds', 'lookup_key']).execute();
}

/** Whether `table`'s primary key is its id alone (a table this migration, or a push after it, made). */
async function idIsRowid(db: Kysely<unknown>, table: string): Promise<boolean> {
  const { rows } = await sql<{ name: string; pk: number }>`select name, pk from pragma_table_info(${table}) where pk > 0`.execute(db);
  return rows.length === 1 && rows[0]!.name === 'id';
}
