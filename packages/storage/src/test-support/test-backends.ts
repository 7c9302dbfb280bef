import { randomBytes } from 'node:crypto';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { POSTGRES_CAPABILITIES, SQLITE_CAPABILITIES, type DialectCapabilities } from '../capabilities.js';
import { allMigrations } from '../migrations/index.js';
import { openPostgresStore } from '../postgres-store.js';
import { openSqliteStore } from '../sqlite-store.js';
import type { KyselyStore } from '../kysely-store.js';

/** A store on a fresh, fully migrated database, and how to throw it away. */
export interface TestDatabase {
  store: KyselyStore;
  /** Opens a second store on the same database (to check that migrations re-run cleanly). */
  reopen(): Promise<KyselyStore>;
  /**
   * Runs raw SQL on a connection of its own, for assertions the Store has no method for (what
   * rows a data source left behind). Parameters are written `?` on both engines.
   */
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Whether a table of that name exists (a data source's graph tables exist once it is pushed). */
  tableExists(name: string): Promise<boolean>;
  dispose(): Promise<void>;
}

export interface TestBackend {
  name: 'sqlite' | 'postgres';
  /** Why this backend cannot run here; the suite is then reported as skipped with this reason. */
  skipReason?: string;
  create(options?: CreateOptions): Promise<TestDatabase>;
}

export interface CreateOptions {
  /**
   * Builds the database at an older schema first (only these migrations), lets `seed` write to
   * it, and only then opens the store, which migrates the rest: an upgrade of existing data.
   */
  startAt?: { migrations: string[]; seed(db: Kysely<unknown>): Promise<void> };
}

async function migrateOnly(db: Kysely<unknown>, caps: DialectCapabilities, names: string[], schema?: string): Promise<void> {
  const all = allMigrations(caps);
  const subset = Object.fromEntries(names.map((name) => [name, all[name]!]));
  const { error } = await new Migrator({
    db,
    provider: { getMigrations: async () => subset },
    ...(schema ? { migrationTableSchema: schema } : {}),
  }).migrateToLatest();
  if (error) throw error;
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
      async create(options = {}) {
        const { mkdtempSync, rmSync } = await import('node:fs');
        const { tmpdir } = await import('node:os');
        const { join } = await import('node:path');
        const dir = mkdtempSync(join(tmpdir(), 'accessgraph-test-'));
        const file = join(dir, 'test.db');
        if (options.startAt) {
          const database = new SqliteDatabase(file);
          database.pragma('foreign_keys = ON');
          const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database }) });
          await migrateOnly(old, SQLITE_CAPABILITIES, options.startAt.migrations);
          await options.startAt.seed(old);
          await old.destroy();
        }
        const store = await openSqliteStore(file);
        const opened = [store];
        // Read-write, so a test can also change rows behind the store's back (as an operator might).
        const raw = new SqliteDatabase(file);
        raw.pragma('busy_timeout = 5000');
        return {
          store,
          async query<Row>(text: string, params: unknown[] = []) {
            const statement = raw.prepare(text);
            if (statement.reader) return statement.all(...params) as Row[];
            statement.run(...params);
            return [];
          },
          async tableExists(name: string) {
            return raw.prepare(`select 1 from sqlite_schema where type = 'table' and name = ?`).get(name) !== undefined;
          },
          async reopen() {
            const again = await openSqliteStore(file);
            opened.push(again);
            return again;
          },
          async dispose() {
            raw.close();
            for (const s of opened) await s.close();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      },
    },
    {
      name: 'postgres',
      ...(pgUrl ? {} : { skipReason: 'TEST_PG_URL is not set; .ci/run sets it to the local PostgreSQL' }),
      async create(options = {}) {
        const url = pgUrl!;
        const schema = `t_${randomBytes(6).toString('hex')}`;
        if (options.startAt) {
          const pool = new pg.Pool({ connectionString: url, max: 1, options: `-c search_path=${schema}` });
          const old = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
          await sql`create schema ${sql.id(schema)}`.execute(old);
          await migrateOnly(old, POSTGRES_CAPABILITIES, options.startAt.migrations, schema);
          await options.startAt.seed(old);
          await old.destroy();
        }
        const store = await openPostgresStore(url, { schema, maxConnections: 4 });
        const opened = [store];
        const raw = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
        await raw.connect();
        return {
          store,
          async query<Row>(text: string, params: unknown[] = []) {
            let n = 0;
            const result = await raw.query(text.replace(/\?/g, () => `$${++n}`), params);
            return result.rows as Row[];
          },
          async tableExists(name: string) {
            return (await raw.query<{ found: boolean }>('select to_regclass($1) is not null as found', [name])).rows[0]!.found;
          },
          async reopen() {
            const again = await openPostgresStore(url, { schema, maxConnections: 2 });
            opened.push(again);
            return again;
          },
          async dispose() {
            await raw.end();
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
