/**
 * The bulk-load floor, shared by both engines: which tables a push writes, the rows it wrote
 * there, and floor copies of those tables with the same columns and indexes.
 */

/** Tables besides graph_* that a push writes. */
const OTHER_PUSH_TABLES = ['data_source_types', 'data_source_states', 'pushes'];

export function isPushTable(name: string): boolean {
  return name.startsWith('graph_') || OTHER_PUSH_TABLES.includes(name);
}

/**
 * On SQLite, where data source `seq`'s graph lives in tables of its own (`graph_grants__<seq>`,
 * made from the empty shared graph tables): those, the shared tags table, and the other push tables.
 */
export function isSqlitePushTable(name: string, seq: number): boolean {
  return name.endsWith(`__${seq}`) || name === 'graph_tags' || OTHER_PUSH_TABLES.includes(name);
}

export const floorTable = (table: string) => `floor_${table}`;

/**
 * The rows one push of data source `ds` wrote to `table` (`?` is replaced by the engine's
 * placeholder): all of the data source's rows, but only the latest of its push records.
 */
export function pushRowsQuery(table: string, placeholder: string): string {
  const rows = `select * from "${table}" where ds = ${placeholder}`;
  return table === 'pushes' ? `${rows} order by started_at desc limit 1` : rows;
}

/** Rows read from one table, as arrays in column order. */
export interface TableRows {
  table: string;
  columns: string[];
  rows: unknown[][];
}

/** An index of a push table, as CREATE INDEX text. */
export interface IndexDefinition {
  table: string;
  name: string;
  sql: string;
}

const CREATE_INDEX = /^\s*create\s+(unique\s+)?index\s+(?:if\s+not\s+exists\s+)?(?:"[^"]+"|\S+)\s+on\s+(?:only\s+)?(?:(?:"[^"]+"|\w+)\.)?(?:"[^"]+"|\w+)/i;

/** The same index on the floor copy of its table: the name and table rewritten, the rest kept. */
export function floorIndexSql(index: IndexDefinition): string {
  if (!CREATE_INDEX.test(index.sql)) throw new Error(`cannot rewrite the definition of index ${index.name}: ${index.sql}`);
  return index.sql.replace(CREATE_INDEX, (_all, unique: string | undefined) => `create ${unique ? 'unique ' : ''}index "${floorTable(index.name)}" on "${floorTable(index.table)}"`);
}

/** What loading the rows into the floor tables took. */
export interface FloorLoad {
  tables: number;
  rows: number;
  indexes: number;
  /** Rows per table, for the report. */
  rowsPerTable: Record<string, number>;
  /** Loading the rows into tables without indexes. */
  loadMs: number;
  /** Building the indexes afterwards, and committing. */
  indexMs: number;
}

export function summarize(tables: TableRows[], indexes: number, loadMs: number, indexMs: number): FloorLoad {
  return {
    tables: tables.length,
    rows: tables.reduce((n, t) => n + t.rows.length, 0),
    indexes,
    rowsPerTable: Object.fromEntries(tables.map((t) => [t.table, t.rows.length])),
    loadMs,
    indexMs,
  };
}
