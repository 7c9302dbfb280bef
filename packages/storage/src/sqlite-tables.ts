import { sql, type Kysely } from 'kysely';
import { quoteIdentifier } from './quote-identifier.js';

/**
 * The catalog work behind SQLite's tables per data source (see `graph-writer.ts`), the counterpart of
 * `postgres-partitions.ts`. SQLite has no partitions, so the graph tables created by the
 * migrations serve as templates, and each data source's graph lives in tables made from them,
 * named like PostgreSQL's partitions (`graph_grants__<seq>`). A table is declared from its
 * template's own CREATE statements in `sqlite_schema`, so a later migration that changes a graph
 * table needs no change here.
 */

/** How to make a data source's table of one graph table. */
export interface SqliteTableDefinition {
  template: string;
  /** Creates `table` with the template's columns and primary key (the key a WITHOUT ROWID table is stored in). */
  create(conn: Kysely<unknown>, table: string): Promise<void>;
  /** Builds on `table` every other index of the template, named `${prefix}_<n>`. */
  buildIndexes(conn: Kysely<unknown>, table: string, prefix: string): Promise<void>;
}

const CREATE_TABLE = /^CREATE\s+TABLE\s+("[^"]+"|\S+)\s*\(/i;
const CREATE_INDEX = /^CREATE\s+(UNIQUE\s+)?INDEX\s+(?:"[^"]+"|\S+)\s+ON\s+(?:"[^"]+"|\S+)\s*\(/i;

export async function readSqliteDefinitions(conn: Kysely<unknown>, templates: readonly string[]): Promise<Map<string, SqliteTableDefinition>> {
  const rows = await sql<{ type: string; tbl_name: string; sql: string }>`
    select type, tbl_name, sql from sqlite_schema
     where tbl_name in (${sql.join([...templates])}) and sql is not null
     order by rowid`.execute(conn);
  const definitions = new Map<string, SqliteTableDefinition>();
  for (const template of templates) {
    const own = rows.rows.filter((r) => r.tbl_name === template);
    const table = own.find((r) => r.type === 'table');
    if (!table || !CREATE_TABLE.test(table.sql)) throw new Error(`graph table ${template} does not exist`);
    const indexes = own.filter((r) => r.type === 'index').map((r) => {
      const match = CREATE_INDEX.exec(r.sql);
      if (!match) throw new Error(`index of ${template} not understood: ${r.sql}`);
      return { unique: match[1] !== undefined, columns: r.sql.slice(match[0].length - 1) };
    });
    definitions.set(template, {
      template,
      async create(conn, name) {
        await sql.raw(table.sql.replace(CREATE_TABLE, `create table ${quoteIdentifier(name)} (`)).execute(conn);
      },
      async buildIndexes(conn, name, prefix) {
        for (const [n, index] of indexes.entries()) {
          await sql.raw(`create ${index.unique ? 'unique ' : ''}index ${quoteIdentifier(`${prefix}_${n}`)} on ${quoteIdentifier(name)} ${index.columns}`).execute(conn);
        }
      },
    });
  }
  return definitions;
}

/**
 * Drops the tables of data sources `ds` and, with `orphans`, of any data source that no longer
 * exists (only a bug or a hand-made deletion could leave those).
 */
export async function dropDataSourceTables(
  conn: Kysely<unknown>,
  templates: readonly string[],
  options: { ds: readonly number[]; orphans?: boolean },
): Promise<void> {
  for (const name of await dataSourceTables(conn, templates, options)) await sql.raw(`drop table ${quoteIdentifier(name)}`).execute(conn);
}

/** The tables `dropDataSourceTables` would drop, found without writing anything. */
export async function dataSourceTables(
  conn: Kysely<unknown>,
  templates: readonly string[],
  options: { ds: readonly number[]; orphans?: boolean },
): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from sqlite_schema where type = 'table'`.execute(conn);
  const existing = options.orphans
    ? new Set((await sql<{ seq: number }>`select seq from data_sources`.execute(conn)).rows.map((r) => Number(r.seq)))
    : undefined;
  const owner = new RegExp(`^(?:${templates.join('|')})__(\\d+)$`);
  return rows
    .map(({ name }) => ({ name, match: owner.exec(name) }))
    .filter(({ match }) => match !== null && (options.ds.includes(Number(match[1])) || (existing !== undefined && !existing.has(Number(match[1])))))
    .map(({ name }) => name);
}
