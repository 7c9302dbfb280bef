import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { POSTGRES_CAPABILITIES } from './capabilities.js';
import type { Database } from './database.js';
import { postgresGraphStorage } from './graph-writer.js';
import { KyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrate.js';
import { StoreError } from './store-error.js';
import { preparingPool } from './prepared-statements.js';

export interface PostgresStoreOptions {
  /** Schema to keep every table in (created if missing); tests give each run its own. */
  schema?: string;
  /** Largest number of pooled connections. */
  maxConnections?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** How long an idle connection of the access pool stays open (with its prepared statements). */
const ACCESS_IDLE_MS = 5 * 60_000;

/** Connects to PostgreSQL at `url` and applies every pending migration. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<KyselyStore> {
  const schema = options.schema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  const max = options.maxConnections ?? 10;
  const searchPath = schema ? `-c search_path=${schema}` : '';
  const pool = new pg.Pool({ connectionString: url, max, ...(searchPath ? { options: searchPath } : {}) });
  // Access reads get connections of their own, set to join as written (`joinsAsWritten`) and to
  // keep generic plans of their prepared statements (`preparingPool`); they are short reads, so
  // half as many suffice. An idle connection is kept for minutes, not pg's default 10 s: its
  // prepared statements go with it, and someone clicking through an access review every half
  // minute would otherwise have every query parsed and planned again.
  const accessPool = new pg.Pool({
    connectionString: url,
    max: Math.max(2, Math.ceil(max / 2)),
    idleTimeoutMillis: ACCESS_IDLE_MS,
    options: `${searchPath} ${POSTGRES_CAPABILITIES.joinsAsWritten} -c plan_cache_mode=force_generic_plan`.trim(),
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  accessPool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const accessDb = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(accessPool) }) });
  try {
    if (schema) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    await migrateToLatest(db as Kysely<unknown>, POSTGRES_CAPABILITIES, schema);
  } catch (error) {
    await Promise.all([db.destroy(), accessDb.destroy()]);
    throw translatePostgresError(error);
  }
  const graphs = postgresGraphStorage(pool);
  try {
    // Partitions of data sources that no longer exist (none, unless something went very wrong).
    await graphs.transaction((tx) => tx.remove([]));
  } catch (error) {
    await Promise.all([db.destroy(), accessDb.destroy()]);
    throw translatePostgresError(error);
  }
  return new KyselyStore({ db, accessDb, caps: POSTGRES_CAPABILITIES, translateError: translatePostgresError, graphs });
}

export function translatePostgresError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const code = String((error as { code?: unknown }).code ?? '');
  if (code === '23505') return new StoreError('duplicate', 'a row with the same key already exists', { cause: error });
  // Connection failures (class 08), shutdown (57P0x), too many connections, and socket errors.
  if (/^08|^57P0|^53300$|^ECONN|^ENOTFOUND$|^ETIMEDOUT$/.test(code)) {
    return new StoreError('unavailable', `database is unavailable (${code})`, { cause: error });
  }
  return new StoreError('internal', error instanceof Error && !code ? error.message : 'database error', { cause: error });
}
