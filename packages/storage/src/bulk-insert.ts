import { sql, type Kysely } from 'kysely';
import type SqliteDatabase from 'better-sqlite3';
import type { Database } from './database.js';

/** A column of a bulk-written table, with the SQL type PostgreSQL needs to cast its array. */
export type BulkColumn = readonly [name: string, type: 'integer' | 'text'];

/** `count` rows of a table; `fill(i, out, at)` writes row i's values, in column order, from out[at]. */
export interface BulkRows {
  table: string;
  columns: readonly BulkColumn[];
  count: number;
  fill(i: number, out: unknown[], at: number): void;
  /** Skip rows whose key already exists (or repeats within the rows) instead of failing. */
  ignoreDuplicates?: boolean;
}

/**
 * Inserts many rows on the connection of the caller's open transaction. The one hot path where
 * the engines get different code (conventions: "Storage"), kept side by side here:
 * - SQLite runs in-process, so the cost is the JS <-> C crossings and statement parsing: a
 *   prepared multi-row INSERT, cached and re-run on the raw better-sqlite3 handle (the same
 *   connection Kysely holds for the transaction), moves rows at close to the engine's speed.
 * - PostgreSQL is a round trip away and caps a statement at 65,535 parameters: each column of a
 *   chunk goes as one array parameter and INSERT ... SELECT FROM UNNEST(...) turns them back into
 *   rows, so a chunk of tens of thousands of rows costs one round trip and one tiny plan.
 *   (COPY through pg-copy-streams would be faster still; it needs a dependency and a raw client.)
 */
export interface BulkInserter {
  insert(conn: Kysely<Database>, rows: BulkRows): Promise<void>;
}

/** SQLite allows 32,766 parameters per statement; past ~100 rows larger statements gain nothing. */
const SQLITE_MAX_PARAMS = 32_766;
const SQLITE_ROWS_PER_STATEMENT = 128;

export function sqliteBulkInserter(raw: SqliteDatabase.Database): BulkInserter {
  const statements = new Map<string, SqliteDatabase.Statement>();
  const prepared = (rows: BulkRows, rowCount: number) => {
    const text = insertText(rows, rowCount);
    let statement = statements.get(text);
    if (!statement) {
      statement = raw.prepare(text);
      // Only full-size batches are worth keeping; the last, shorter one is prepared once.
      if (rowCount === batchSize(rows)) statements.set(text, statement);
    }
    return statement;
  };
  return {
    async insert(_conn, rows) {
      const width = rows.columns.length;
      const batch = batchSize(rows);
      let params: unknown[] = new Array(batch * width);
      for (let start = 0; start < rows.count; start += batch) {
        const n = Math.min(batch, rows.count - start);
        if (n < batch) params = new Array(n * width);
        for (let j = 0; j < n; j++) rows.fill(start + j, params, j * width);
        prepared(rows, n).run(params);
      }
    },
  };
}

function batchSize(rows: BulkRows): number {
  return Math.max(1, Math.min(SQLITE_ROWS_PER_STATEMENT, Math.floor(SQLITE_MAX_PARAMS / rows.columns.length)));
}

function insertText(rows: BulkRows, rowCount: number): string {
  const tuple = `(${rows.columns.map(() => '?').join(',')})`;
  const columns = rows.columns.map(([name]) => `"${name}"`).join(',');
  const values = new Array<string>(rowCount).fill(tuple).join(',');
  return `insert into "${rows.table}" (${columns}) values ${values}${rows.ignoreDuplicates ? ' on conflict do nothing' : ''}`;
}

/** Rows per UNNEST statement: large enough to amortise the round trip, small enough to stream. */
const POSTGRES_ROWS_PER_STATEMENT = 20_000;

export function postgresBulkInserter(): BulkInserter {
  return {
    async insert(conn, rows) {
      const width = rows.columns.length;
      const row: unknown[] = new Array(width);
      for (let start = 0; start < rows.count; start += POSTGRES_ROWS_PER_STATEMENT) {
        const n = Math.min(POSTGRES_ROWS_PER_STATEMENT, rows.count - start);
        const arrays = rows.columns.map(() => new Array<unknown>(n));
        for (let j = 0; j < n; j++) {
          rows.fill(start + j, row, 0);
          for (let c = 0; c < width; c++) arrays[c]![j] = row[c];
        }
        const columns = sql.join(rows.columns.map(([name]) => sql.ref(name)));
        const unnest = sql.join(rows.columns.map(([, type], c) => sql`${arrays[c]}::${sql.raw(type)}[]`));
        const conflict = rows.ignoreDuplicates ? sql` on conflict do nothing` : sql``;
        await sql`insert into ${sql.table(rows.table)} (${columns}) select * from unnest(${unnest})${conflict}`.execute(conn);
      }
    },
  };
}
