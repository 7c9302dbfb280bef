import { once } from 'node:events';
import { sql, type Kysely } from 'kysely';
import type SqliteDatabase from 'better-sqlite3';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from './database.js';
import type { BulkRows } from './graph-rows.js';

/**
 * Writes many rows of one data source `ds` into a table on the connection of the caller's open
 * transaction. The hot path where the engines get different code (conventions: "Storage"), kept
 * side by side in this file:
 * - SQLite runs in-process, so the cost is the JS <-> C crossings and statement parsing: a
 *   prepared multi-row INSERT re-run on the raw better-sqlite3 handle (the same connection Kysely
 *   holds for the transaction) moves rows at close to the engine's speed. `ds` is written into the
 *   statement rather than bound, one value fewer to cross per row.
 * - PostgreSQL loads a push's graph with COPY into fresh tables (`copyRows`, below). What it
 *   inserts into live tables is small (tags, declared types): each column of a chunk goes as one
 *   array parameter, and INSERT ... SELECT FROM UNNEST turns them back into rows, one round trip
 *   per chunk under the 65,535-parameter cap.
 */
export interface BulkInserter {
  /** Into `table`, by default the table the rows are of (`rows.table`). */
  insert(conn: Kysely<Database>, ds: number, rows: BulkRows, table?: string): Promise<void>;
}

/** SQLite allows 32,766 parameters per statement; past ~100 rows larger statements gain nothing. */
const SQLITE_MAX_PARAMS = 32_766;
const SQLITE_ROWS_PER_STATEMENT = 128;

export function sqliteBulkInserter(raw: SqliteDatabase.Database): BulkInserter {
  return {
    async insert(_conn, ds, rows, table = rows.table) {
      if (rows.count === 0) return;
      const width = rows.columns.length;
      const batch = Math.max(1, Math.min(SQLITE_ROWS_PER_STATEMENT, Math.floor(SQLITE_MAX_PARAMS / width)));
      const full = raw.prepare(sqliteInsertText(table, ds, rows, batch));
      let params: unknown[] = new Array(batch * width);
      for (let start = 0; start < rows.count; start += batch) {
        const n = Math.min(batch, rows.count - start);
        // Only the last, shorter batch needs a statement of its own.
        const statement = n === batch ? full : raw.prepare(sqliteInsertText(table, ds, rows, n));
        if (n < batch) params = new Array(n * width);
        for (let j = 0; j < n; j++) rows.fill(start + j, params, j * width);
        statement.run(params);
      }
    },
  };
}

function sqliteInsertText(table: string, ds: number, rows: BulkRows, rowCount: number): string {
  const tuple = `(${Number(ds)},${rows.columns.map(() => '?').join(',')})`;
  const columns = rows.columns.map(([name]) => `"${name}"`).join(',');
  const values = new Array<string>(rowCount).fill(tuple).join(',');
  return `insert into "${table}" ("ds",${columns}) values ${values}${rows.ignoreDuplicates ? ' on conflict do nothing' : ''}`;
}

/** Rows per UNNEST statement: large enough to amortise the round trip, small enough to stream. */
const POSTGRES_ROWS_PER_STATEMENT = 20_000;

export function postgresBulkInserter(): BulkInserter {
  return {
    async insert(conn, ds, rows, table = rows.table) {
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
        await sql`insert into ${sql.table(table)} (ds, ${columns}) select ${ds}::integer, * from unnest(${unnest})${conflict}`.execute(conn);
      }
    },
  };
}

/** Bytes of a COPY chunk handed to the socket at a time. */
const COPY_CHUNK = 1 << 18;

/** Binary COPY's fixed header: signature, flags (none) and header extension length (0). */
const COPY_BINARY_HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
/** A field count of -1 ends the data. */
const COPY_BINARY_TRAILER = Buffer.from([0xff, 0xff]);
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Streams `rows` into `table` with COPY ... FROM STDIN in binary format, on `client` (in the
 * caller's transaction). `options` are COPY options, e.g. `freeze` for a table the transaction
 * created, whose rows then need no later hint-bit writes or freezing by VACUUM. Binary rather than
 * text: integers go in as 4 bytes written with a DataView instead of digits concatenated into
 * strings and parsed back by the server; measured on 1.1M grants, building the data took a fifth
 * of the time and the COPY a quarter less. (Hand-written: pg-copy-streams moves the bytes, and no
 * maintained library encodes rows in COPY's binary format.) The columns are `integer` (int4)
 * or `text`, as BulkRows declares them. Each chunk is encoded while the server parses the
 * previous one; backpressure keeps at most a few chunks in memory. COPY has no ON CONFLICT:
 * `rows.ignoreDuplicates` must be irrelevant to `table`.
 */
export async function copyRows(client: pg.ClientBase, table: string, ds: number, rows: BulkRows, options = ''): Promise<void> {
  const columns = ['ds', ...rows.columns.map(([name]) => name)].map((name) => `"${name}"`).join(',');
  const stream = client.query(copyFrom(`copy "${table}" (${columns}) from stdin with (format binary${options ? `, ${options}` : ''})`));
  const finished = once(stream, 'finish');
  finished.catch(() => {}); // awaited below; until then an early error must not count as unhandled
  // An error ends the COPY early; remember it so the loop stops and the caller sees it.
  let failure: unknown;
  stream.on('error', (error: unknown) => (failure ??= error));
  const width = rows.columns.length;
  const row: unknown[] = new Array(width);
  const text = rows.columns.map(([, type]) => type === 'text');
  const dsValue = int32(ds, 'ds');
  let chunk = Buffer.allocUnsafe(COPY_CHUNK);
  let view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  let at = 0;
  const send = async (bytes: Buffer) => {
    if (!stream.write(bytes)) await Promise.race([once(stream, 'drain'), finished]);
  };
  await send(COPY_BINARY_HEADER);
  for (let i = 0; i < rows.count && failure === undefined; i++) {
    rows.fill(i, row, 0);
    // At most: field count, then per field a length and 4 bytes, or up to 3 bytes per UTF-16 unit.
    let need = 2 + 8 * (width + 1);
    for (let c = 0; c < width; c++) if (text[c] && typeof row[c] === 'string') need += 3 * (row[c] as string).length;
    if (at + need > chunk.length) {
      // The chunk is the stream's now: the next one is a new buffer.
      if (at > 0) await send(chunk.subarray(0, at));
      chunk = Buffer.allocUnsafe(Math.max(COPY_CHUNK, need));
      view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      at = 0;
    }
    view.setInt16(at, width + 1);
    view.setInt32(at + 2, 4);
    view.setInt32(at + 6, dsValue);
    at += 10;
    for (let c = 0; c < width; c++) {
      const value = row[c];
      if (value === null || value === undefined) {
        view.setInt32(at, -1);
        at += 4;
      } else if (text[c]) {
        const length = chunk.write(value as string, at + 4, 'utf8');
        view.setInt32(at, length);
        at += 4 + length;
      } else {
        view.setInt32(at, 4);
        view.setInt32(at + 4, int32(value, rows.columns[c]![0]));
        at += 8;
      }
    }
  }
  if (failure === undefined) {
    if (at > 0) await send(chunk.subarray(0, at));
    stream.end(COPY_BINARY_TRAILER);
  }
  try {
    await finished;
  } catch (error) {
    failure ??= error;
  }
  if (failure !== undefined) throw failure;
}

/** `value` as an int4 field: a DataView would wrap or truncate anything else without a word. */
function int32(value: unknown, column: string): number {
  const n = +(value as number);
  if (!Number.isInteger(n) || n < INT32_MIN || n > INT32_MAX) throw new Error(`column ${column}: ${String(value)} is not a 32-bit integer`);
  return n;
}
