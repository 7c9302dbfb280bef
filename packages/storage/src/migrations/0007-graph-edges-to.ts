import { sql, type Kysely } from 'kysely';
import type { DialectCapabilities } from '../capabilities.js';

/**
 * An index on edges by their target, for the query API's walks against the direction of an edge:
 * a node's incoming neighbours (who is in this group, what contains this resource), which
 * otherwise read every edge of the data source. PostgreSQL creates it on the partitioned table,
 * which builds it on every partition; on SQLite the template gets it (so every later push builds
 * it on the data source's new table) and the tables of graphs pushed before get it here.
 */
export function graphEdgesToMigration(caps: DialectCapabilities) {
  const sqlite = caps.graphLayout === 'shared-clustered';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createIndex('graph_edges_to').on('graph_edges').columns(sqlite ? ['ds', 'to_id'] : ['to_id']).execute();
      if (!sqlite) return;
      const pushed = await sql<{ name: string }>`select name from sqlite_schema where type = 'table' and name glob 'graph_edges__[0-9]*' order by name`.execute(db);
      for (const { name } of pushed.rows) await db.schema.createIndex(`${name}_to`).on(name).columns(['ds', 'to_id']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('graph_edges_to').execute();
    },
  };
}
