import { availableParallelism } from 'node:os';
import Database from 'better-sqlite3';
import { floorIndexSql, floorTable, isSqlitePushTable, pushRowsQuery, summarize, type FloorLoad, type IndexDefinition, type TableRows } from './floor-tables.js';

/** SQLite's cap on parameters per statement, and the rows per INSERT past which larger statements gain nothing. */
const MAX_PARAMS = 32_766;
const MAX_ROWS_PER_INSERT = 256;

/**
 * The bulk-load floor on SQLite, on the server's own database file (server stopped): the rows the
 * last push of the data source wrote, loaded with multi-row INSERTs of a prepared statement in one
 * transaction, then the tables' indexes built (with PRAGMA threads) before the commit.
 * A floor copy has the columns of its table (CREATE TABLE AS) and its indexes, built after the
 * load; a WITHOUT ROWID table, stored in the b-tree of its primary key, is copied with its own
 * definition instead and loaded in key order (its key is its storage, not an index to build).
 */
export function loadSqliteFloor(file: string, dataSourceId: string): FloorLoad {
  const db = new Database(file);
  try {
    // As the server opens it (sqlite-store.ts), plus worker threads for the index sorts.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('temp_store = MEMORY');
    db.pragma(`threads = ${availableParallelism()}`);
    const seq = (db.prepare('select seq from data_sources where id = ?').get(dataSourceId) as { seq: number } | undefined)?.seq;
    if (seq === undefined) throw new Error(`data source ${dataSourceId} is not in ${file}`);

    const withoutRowid = new Set(
      (db.prepare("select name from pragma_table_list where schema = 'main' and type = 'table' and wr = 1").all() as Array<{ name: string }>).map((t) => t.name),
    );
    const tables = (db.prepare("select name from sqlite_master where type = 'table' order by name").all() as Array<{ name: string }>)
      .map((t) => t.name)
      .filter((name) => isSqlitePushTable(name, seq))
      .map((table) => readRows(db, table, seq, withoutRowid.has(table)));
    const indexes = tables.flatMap((t) => indexesOf(db, t.table, withoutRowid.has(t.table)));
    try {
      for (const { table } of tables) {
        db.exec(`drop table if exists "${floorTable(table)}"`);
        db.exec(withoutRowid.has(table) ? floorTableSql(db, table) : `create table "${floorTable(table)}" as select * from "${table}" where 0`);
      }
      const started = performance.now();
      db.exec('begin');
      for (const t of tables) insertAll(db, t);
      const loaded = performance.now();
      for (const index of indexes) db.exec(floorIndexSql(index));
      db.exec('commit');
      const indexed = performance.now();
      return summarize(tables, indexes.length, loaded - started, indexed - loaded);
    } finally {
      if (db.inTransaction) db.exec('rollback');
      for (const { table } of tables) db.exec(`drop table if exists "${floorTable(table)}"`);
    }
  } finally {
    db.close();
  }
}

/** The rows, in primary-key order for a WITHOUT ROWID table. */
function readRows(db: Database.Database, table: string, seq: number, withoutRowid: boolean): TableRows {
  const key = (db.prepare(`pragma table_info("${table}")`).all() as Array<{ name: string; pk: number }>)
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => `"${c.name}"`);
  const order = withoutRowid && key.length > 0 ? ` order by ${key.join(', ')}` : '';
  const statement = db.prepare(`${pushRowsQuery(table, '?')}${order}`).raw(true);
  return { table, columns: statement.columns().map((c) => c.name), rows: statement.all(seq) as unknown[][] };
}

/** A WITHOUT ROWID table's own definition, for its floor copy. */
function floorTableSql(db: Database.Database, table: string): string {
  const { sql } = db.prepare("select sql from sqlite_master where type = 'table' and name = ?").get(table) as { sql: string };
  const head = /^\s*create\s+table\s+(?:"[^"]+"|\w+)/i;
  if (!head.test(sql)) throw new Error(`cannot rewrite the definition of table ${table}: ${sql}`);
  return sql.replace(head, `create table "${floorTable(table)}"`);
}

/**
 * The table's indexes as CREATE INDEX text; those made for PRIMARY KEY / UNIQUE constraints have
 * none, so it is written from their columns. A WITHOUT ROWID table's primary key is the table itself.
 */
function indexesOf(db: Database.Database, table: string, withoutRowid: boolean): IndexDefinition[] {
  const list = db.prepare(`pragma index_list("${table}")`).all() as Array<{ name: string; unique: number; origin: string; partial: number }>;
  return list.filter(({ origin }) => !(withoutRowid && origin === 'pk')).map(({ name, unique }) => {
    const { sql } = db.prepare("select sql from sqlite_master where type = 'index' and name = ?").get(name) as { sql: string | null };
    if (sql) return { table, name, sql };
    const columns = (db.prepare(`pragma index_xinfo("${name}")`).all() as Array<{ name: string | null; desc: number; coll: string; key: number }>)
      .filter((c) => c.key === 1)
      .map((c) => `"${c.name}" collate ${c.coll}${c.desc ? ' desc' : ''}`);
    return { table, name, sql: `create ${unique ? 'unique ' : ''}index "${name}" on "${table}" (${columns.join(', ')})` };
  });
}

function insertAll(db: Database.Database, { table, columns, rows }: TableRows): void {
  const width = columns.length;
  const batch = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, Math.floor(MAX_PARAMS / width)));
  const insert = (count: number) =>
    db.prepare(`insert into "${floorTable(table)}" (${columns.map((c) => `"${c}"`).join(',')}) values ${new Array<string>(count).fill(`(${columns.map(() => '?').join(',')})`).join(',')}`);
  const full = insert(batch);
  const params: unknown[] = new Array(batch * width);
  let at = 0;
  for (; at + batch <= rows.length; at += batch) {
    for (let r = 0; r < batch; r++) {
      const row = rows[at + r]!;
      for (let c = 0; c < width; c++) params[r * width + c] = row[c];
    }
    full.run(params);
  }
  if (at < rows.length) insert(rows.length - at).run(rows.slice(at).flat());
}
