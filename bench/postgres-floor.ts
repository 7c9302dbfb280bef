import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import copyStreams from 'pg-copy-streams';
import { withClient } from './postgres-client.js';
import { floorIndexSql, floorTable, isPushTable, pushRowsQuery, summarize, type FloorLoad, type IndexDefinition, type TableRows } from './floor-tables.js';

/**
 * The bulk-load floor on PostgreSQL: the rows the last push of the data source wrote, loaded with
 * COPY FROM STDIN into copies of their tables (LIKE, so it also works when the graph tables are
 * partitioned), then the tables' indexes built, in one transaction.
 */
export function loadPostgresFloor(url: string, dataSourceId: string): Promise<FloorLoad> {
  return withClient(url, async (client) => {
    const seq = (await client.query<{ seq: number }>('select seq from data_sources where id = $1', [dataSourceId])).rows[0]?.seq;
    if (seq === undefined) throw new Error(`data source ${dataSourceId} is not in the database`);
    const names = (
      await client.query<{ name: string }>(`
        select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition
        order by c.relname`)
    ).rows
      .map((r) => r.name)
      .filter(isPushTable);
    const tables: TableRows[] = [];
    for (const table of names) {
      const result = await client.query<unknown[]>({ text: pushRowsQuery(table, '$1'), values: [seq], rowMode: 'array' });
      tables.push({ table, columns: result.fields.map((f) => f.name), rows: result.rows });
    }
    const indexes = (
      await client.query<IndexDefinition>(
        `select tablename as table, indexname as name, indexdef as sql from pg_indexes
         where schemaname = current_schema() and tablename = any($1) order by tablename, indexname`,
        [names],
      )
    ).rows;

    try {
      for (const table of names) {
        await client.query(`drop table if exists "${floorTable(table)}"`);
        await client.query(`create table "${floorTable(table)}" (like "${table}" including defaults)`);
      }
      const started = performance.now();
      await client.query('begin');
      for (const t of tables) {
        const columns = t.columns.map((c) => `"${c}"`).join(', ');
        await pipeline(Readable.from(copyText(t.rows)), client.query(copyStreams.from(`copy "${floorTable(t.table)}" (${columns}) from stdin`)));
      }
      const loaded = performance.now();
      for (const index of indexes) await client.query(floorIndexSql(index));
      await client.query('commit');
      const indexed = performance.now();
      return summarize(tables, indexes.length, loaded - started, indexed - loaded);
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      for (const table of names) await client.query(`drop table if exists "${floorTable(table)}"`);
    }
  });
}

const CHUNK_CHARS = 1 << 20;
const SPECIAL = /[\\\n\r\t]/;

/** Rows in COPY's text format, in chunks of about 1 MB (joined from arrays: far faster than appending to one string). */
function* copyText(rows: unknown[][]): Generator<string> {
  const lines: string[] = [];
  let size = 0;
  for (const row of rows) {
    const cells = new Array<string>(row.length);
    for (let c = 0; c < row.length; c++) cells[c] = copyValue(row[c]);
    const line = cells.join('\t');
    lines.push(line);
    size += line.length + 1;
    if (size >= CHUNK_CHARS) {
      yield `${lines.join('\n')}\n`;
      lines.length = 0;
      size = 0;
    }
  }
  if (lines.length > 0) yield `${lines.join('\n')}\n`;
}

function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (Buffer.isBuffer(value)) return `\\\\x${value.toString('hex')}`;
  if (value instanceof Date) return value.toISOString();
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return SPECIAL.test(text) ? text.replace(/[\\\n\r\t]/g, (ch) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[ch]!) : text;
}
