import { Migrator, type Kysely } from 'kysely';
import type { DialectCapabilities } from './capabilities.js';
import { allMigrations } from './migrations/index.js';

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
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
