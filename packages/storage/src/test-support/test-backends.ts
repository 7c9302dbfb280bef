import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresStore } from '../postgres-store.js';
import { openSqliteStore } from '../sqlite-store.js';
import type { KyselyStore } from '../kysely-store.js';

/** A store on a fresh, fully migrated database, and how to throw it away. */
export interface TestDatabase {
  store: KyselyStore;
  /** Opens a second store on the same database (to check that migrations re-run cleanly). */
  reopen(): Promise<KyselyStore>;
  dispose(): Promise<void>;
}

export interface TestBackend {
  name: 'sqlite' | 'postgres';
  /** Why this backend cannot run here; the suite is then reported as skipped with this reason. */
  skipReason?: string;
  create(): Promise<TestDatabase>;
}

/**
 * The engines the storage contract suite runs on: SQLite always, PostgreSQL when TEST_PG_URL
 * is set (CI sets it). Each database is fresh: a temporary SQLite file, or a new PostgreSQL schema.
 */
export function testBackends(): TestBackend[] {
  const pgUrl = process.env.TEST_PG_URL;
  return [
    {
      name: 'sqlite',
      async create() {
        const { mkdtempSync, rmSync } = await import('node:fs');
        const { tmpdir } = await import('node:os');
        const { join } = await import('node:path');
        const dir = mkdtempSync(join(tmpdir(), 'accessgraph-test-'));
        const file = join(dir, 'test.db');
        const store = await openSqliteStore(file);
        const opened = [store];
        return {
          store,
          async reopen() {
            const again = await openSqliteStore(file);
            opened.push(again);
            return again;
          },
          async dispose() {
            for (const s of opened) await s.close();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      },
    },
    {
      name: 'postgres',
      ...(pgUrl ? {} : { skipReason: 'TEST_PG_URL is not set; .ci/run sets it to the local PostgreSQL' }),
      async create() {
        const url = pgUrl!;
        const schema = `t_${randomBytes(6).toString('hex')}`;
        const store = await openPostgresStore(url, { schema, maxConnections: 4 });
        const opened = [store];
        return {
          store,
          async reopen() {
            const again = await openPostgresStore(url, { schema, maxConnections: 2 });
            opened.push(again);
            return again;
          },
          async dispose() {
            for (const s of opened) await s.close();
            const client = new pg.Client({ connectionString: url });
            await client.connect();
            await client.query(`drop schema if exists ${schema} cascade`);
            await client.end();
          },
        };
      },
    },
  ];
}
