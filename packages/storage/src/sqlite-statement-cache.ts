import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase, SqliteStatement } from 'kysely';

/** Statements kept: the query API's reads take a few dozen shapes per data source, and a server holds dozens of data sources. */
const CACHED_STATEMENTS = 2_000;

/**
 * The better-sqlite3 handle as Kysely's SQLite dialect sees it, with prepared statements kept by
 * their SQL text. Kysely prepares every query anew, and preparing a join of five graph tables
 * costs about as much as running it on a small page: a question of the query API runs a few dozen
 * such statements. SQLite re-prepares a kept statement by itself when the schema changed under it
 * (a push replaces a data source's tables), so a kept statement answers as a fresh one would.
 * Kysely runs one query at a time on the connection, so a statement is never used twice at once.
 * The least recently used statement goes first once the cache is full.
 */
export function withStatementCache(database: SqliteDatabase.Database): KyselySqliteDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => {
      statements.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (statements.size >= CACHED_STATEMENTS) statements.delete(statements.keys().next().value!);
      } else {
        // Re-inserted to mark it as the most recently used.
        statements.delete(sql);
      }
      statements.set(sql, statement);
      return statement as unknown as SqliteStatement;
    },
  };
}
