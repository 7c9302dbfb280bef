import { sql, type Kysely } from 'kysely';
import type { DialectCapabilities } from '../capabilities.js';
import { GRAPH_TABLES } from '../graph-rows.js';
import { partitionName } from '../graph-table-names.js';
import { readSqliteDefinitions } from '../sqlite-tables.js';

/**
 * SQLite: each data source's graph moves into tables of its own, as on PostgreSQL (see
 * `graph-writer.ts`); the graph tables stay, empty, as the templates those are made from.
 *
 * The second ways into grants (by scope) and reach (by holder) become indexes of the templates,
 * which each data source's tables get once their rows are in, instead of tables that a push
 * filled itself row by row in key order (the best that could be done while every data source
 * shared one table). Graphs pushed before move, rows and all, and nothing is re-derived.
 * PostgreSQL has had partitions per data source since 0002: nothing to do there.
 */
export function sqliteTablesPerDataSourceMigration(caps: DialectCapabilities) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (caps.graphLayout !== 'shared-clustered') return;
      await db.schema.createIndex('graph_grants_scope').on('graph_grants').columns(['ds', 'scope', 'holder', 'id', 'self', 'descendants', 'typed']).execute();
      await db.schema.createIndex('graph_reach_holder').on('graph_reach').columns(['ds', 'holder', 'principal']).execute();
      await db.schema.dropTable('graph_grants_by_scope').execute();
      await db.schema.dropTable('graph_reach_by_holder').execute();

      const definitions = await readSqliteDefinitions(db, GRAPH_TABLES);
      const pushed = await sql<{ ds: number }>`select distinct ds from graph_nodes order by ds`.execute(db);
      for (const { ds } of pushed.rows) {
        for (const template of GRAPH_TABLES) {
          const table = partitionName(template, ds);
          const definition = definitions.get(template)!;
          await definition.create(db, table);
          await sql`insert into ${sql.table(table)} select * from ${sql.table(template)} where ds = ${ds}`.execute(db);
          await definition.buildIndexes(db, table, `${table}_0003`);
        }
      }
      for (const template of GRAPH_TABLES) await sql`delete from ${sql.table(template)}`.execute(db);
    },
  };
}
