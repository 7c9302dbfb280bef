import { Migrator, type Kysely } from 'kysely';
import type { DialectCapabilities } from './capabilities.js';
import { allMigrations } from './migrations/index.js';

/**
 * PostgreSQL errors that Kysely's migrator can meet before it runs any migration, while it looks
 * for its own tables: it lists the columns of every table in every schema of the database, and a
 * schema or table that another session drops meanwhile (another test run's, another application's)
 * answers "does not exist". The next attempt no longer sees it.
 */
const CATALOG_RACES = new Set(['3F000', '42P01', '42703']);
const ATTEMPTS = 3;

/**
 * Brings the schema up to date. Safe to run on every start and from several replicas at once:
 * Kysely's migrator takes a lock and skips what is already applied.
 */
export async function migrateToLatest(db: Kysely<unknown>, caps: DialectCapabilities, schema?: string): Promise<string[]> {
  const migrations = allMigrations(caps);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // Without a schema, Kysely looks for its migration tables in every schema of the database, so
    // another schema's tables (a parallel test run's) would be taken for ours.
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (!error) return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    // Only a failure before any migration ran is a race with another session's catalog.
    const raced = (results === undefined || results.length === 0) && CATALOG_RACES.has(String((error as { code?: unknown }).code));
    if (raced && attempt < ATTEMPTS) continue;
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
