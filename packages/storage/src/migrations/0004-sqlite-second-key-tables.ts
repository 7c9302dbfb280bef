import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { DialectCapabilities } from '../capabilities.js';
import { partitionName } from '../graph-table-names.js';
import { readSqliteDefinitions } from '../sqlite-tables.js';

/**
 * SQLite: the second ways into grants (by scope) and reach (by holder) become tables again, one
 * per data source like the others (`graph_grants_by_scope__<seq>`), made from new templates and
 * written by the push in their key order, instead of indexes built after the load (0003). Since
 * 0003 every data source's tables are new with each push, so the rows go in as appends either
 * way, and appending them costs half what CREATE INDEX takes to read them back and sort them:
 * 1.2 s less for a 100 MB payload. Graphs pushed before get their tables from their own rows,
 * and lose the two indexes. PostgreSQL keeps its indexes (its COPY and index builds run in the
 * database server, beside the push's JavaScript): nothing to do there.
 */
export function sqliteSecondKeyTablesMigration(caps: DialectCapabilities) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (caps.graphLayout !== 'shared-clustered') return;
      const integer = (c: ColumnDefinitionBuilder) => c.notNull();
      await db.schema
        .createTable('graph_grants_by_scope')
        .addColumn('ds', 'integer', integer)
        .addColumn('scope', 'integer', integer)
        .addColumn('holder', 'integer', integer)
        .addColumn('id', 'integer', integer)
        .addColumn('self', 'integer', integer)
        .addColumn('descendants', 'integer', integer)
        .addColumn('typed', 'integer', integer)
        .addPrimaryKeyConstraint('graph_grants_by_scope_pk', ['ds', 'scope', 'holder', 'id'])
        .modifyEnd(sql`without rowid`)
        .execute();
      await db.schema
        .createTable('graph_reach_by_holder')
        .addColumn('ds', 'integer', integer)
        .addColumn('holder', 'integer', integer)
        .addColumn('principal', 'integer', integer)
        .addPrimaryKeyConstraint('graph_reach_by_holder_pk', ['ds', 'holder', 'principal'])
        .modifyEnd(sql`without rowid`)
        .execute();
      await db.schema.dropIndex('graph_grants_scope').execute();
      await db.schema.dropIndex('graph_reach_holder').execute();

      const templates = await readSqliteDefinitions(db, ['graph_grants_by_scope', 'graph_reach_by_holder']);
      const pushed = await sql<{ name: string }>`
        select name from sqlite_schema where type = 'table' and name glob 'graph_grants__[0-9]*' order by name`.execute(db);
      for (const { name } of pushed.rows) {
        const ds = Number(name.slice('graph_grants__'.length));
        const grants = partitionName('graph_grants', ds);
        const reach = partitionName('graph_reach', ds);
        await templates.get('graph_grants_by_scope')!.create(db, partitionName('graph_grants_by_scope', ds));
        await sql`
          insert into ${sql.table(partitionName('graph_grants_by_scope', ds))} (ds, scope, holder, id, self, descendants, typed)
          select ds, scope, holder, id, self, descendants, typed from ${sql.table(grants)} order by scope, holder, id`.execute(db);
        await templates.get('graph_reach_by_holder')!.create(db, partitionName('graph_reach_by_holder', ds));
        await sql`
          insert or ignore into ${sql.table(partitionName('graph_reach_by_holder', ds))} (ds, holder, principal)
          select ds, holder, principal from ${sql.table(reach)} order by holder, principal`.execute(db);
        // 0003 gave these tables one index each, the second key the new tables now hold.
        const indexes = await sql<{ name: string }>`
          select name from sqlite_schema where type = 'index' and sql is not null and tbl_name in (${grants}, ${reach})`.execute(db);
        for (const index of indexes.rows) await db.schema.dropIndex(index.name).execute();
      }
    },
  };
}

