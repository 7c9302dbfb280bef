import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { SQLITE_CAPABILITIES } from './capabilities.js';
import type { Database } from './database.js';
import { SQLITE_GRAPH_TABLES } from './graph-rows.js';
import { sqliteGraphStorage } from './graph-writer.js';
import { sqliteCheckpointer } from './sqlite-checkpointer.js';
import { withStatementCache } from './sqlite-statement-cache.js';
import { dataSourceTables } from './sqlite-tables.js';
import { KyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrate.js';
import { StoreError } from './store-error.js';

/** The most of the database file that reads map into memory (see `openSqliteStore`). */
const SQLITE_MMAP_BYTES = 2 ** 31;

/**
 * Opens (creating if needed) the embedded SQLite store at `file` (`:memory:` for a throwaway
 * one) and applies every pending migration.
 */
export async function openSqliteStore(file: string): Promise<KyselyStore> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new SqliteDatabase(file);
  // WAL lets reads proceed during a write; NORMAL sync is durable at checkpoints and much faster.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  // A push is one transaction, so the WAL grows to its size (about 200 MB for a 100 MB payload);
  // without a limit the file keeps that size for good once checkpointed. With it, SQLite cuts the
  // WAL back to 64 MB each time it starts over.
  database.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // A multi-row INSERT inside a transaction keeps a statement journal (to undo just that
  // statement on error); in a temporary file, the default, it makes bulk writes ~1.7x slower.
  database.pragma('temp_store = MEMORY');
  // Reads map the file instead of copying each page into SQLite's own cache (16 MB by default)
  // with a system call: the access reads touch pages all over a large graph, and an IdP user's
  // access took a fifth less time this way (BENCHMARKS.md Q6). SQLite caps the size at its
  // compile-time limit (2 GB in better-sqlite3's build); a larger file reads the rest as before.
  database.pragma(`mmap_size = ${SQLITE_MMAP_BYTES}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  try {
    await migrateToLatest(db as Kysely<unknown>, SQLITE_CAPABILITIES);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  // An in-memory database has no write-ahead log to checkpoint.
  const checkpointer = file === ':memory:' ? undefined : sqliteCheckpointer(file);
  const graphs = sqliteGraphStorage(db, database, SQLITE_CAPABILITIES, checkpointer);
  try {
    // Tables of data sources that no longer exist: only a bug or a hand-made deletion leaves them.
    // Looked for first without the write lock, which a running server's push may hold for a while
    // (`accessgraph keys` opens the store too).
    if ((await dataSourceTables(db as Kysely<unknown>, SQLITE_GRAPH_TABLES, { ds: [], orphans: true })).length > 0) {
      await graphs.transaction((tx) => tx.remove([]));
    }
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new KyselyStore({ db, caps: SQLITE_CAPABILITIES, translateError: translateSqliteError, graphs, onClose: async () => checkpointer?.close() });
}

export function translateSqliteError(error: unknown): StoreError {
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new StoreError('duplicate', 'a row with the same key already exists', { cause: error });
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_FULL' || code === 'SQLITE_CANTOPEN') {
    return new StoreError('unavailable', `database is unavailable (${code})`, { cause: error });
  }
  return new StoreError('internal', 'database error', { cause: error });
}
