import { sql, type Kysely } from 'kysely';
import { SQLITE_WITHOUT_SAMPLES, type DialectCapabilities } from '../capabilities.js';

/**
 * SQLite: removes the statistics samples (sqlite_stat4) that the pushes and migration 0013 made
 * before, so that the kept statements of a store upgraded in place run without being planned
 * again on every run (see `SQLITE_WITHOUT_SAMPLES`). Every push removes its own since. PostgreSQL
 * has nothing of the kind.
 */
export function sqliteStatisticsWithoutSamplesMigration(caps: DialectCapabilities) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (caps.engine !== 'sqlite') return;
      // ANALYZE creates the table with its first samples: a store never analyzed has none.
      const table = await sql`select 1 from sqlite_schema where type = 'table' and name = 'sqlite_stat4'`.execute(db);
      if (table.rows.length === 0) return;
      for (const statement of SQLITE_WITHOUT_SAMPLES) await sql.raw(statement).execute(db);
    },
  };
}
