import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQLITE_CAPABILITIES } from '../capabilities.js';
import { partitionName } from '../graph-table-names.js';
import { readSqliteDefinitions } from '../sqlite-tables.js';
import { openSqliteStore } from '../sqlite-store.js';
import { sqliteNodeIdsAsRowidsMigration } from './0013-sqlite-node-ids-as-rowids.js';
import { allMigrations } from './index.js';

const T0 = '2026-01-01T00:00:00.000Z';

/** A node row as 0002 declared the table, in its column order. */
const node = (ds: number, id: number, key: string) => [ds, id, 'local_user', key, key, key.toLowerCase(), key, 'OAA.App.User', null, null, null, null, `{"n":${id}}`];

/** Kysely over the file, as the migrator gets it (one connection, no plugins). */
function connect(file: string): Kysely<unknown> {
  return new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SqliteDatabase(file) }) });
}

/** A database at the schema before 0013, with the nodes tables of data sources 7 and 8 as a push made them then. */
async function databaseBefore0013(file: string): Promise<void> {
  const db = connect(file);
  try {
    const all = allMigrations(SQLITE_CAPABILITIES);
    const before = Object.fromEntries(Object.entries(all).filter(([name]) => name < '0013'));
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest();
    if (error) throw error;
    const providerId = randomUUID();
    await sql`insert into providers (id, name, name_key, custom_template, state, created_at, updated_at)
              values (${providerId}, 'P', 'p', 'application', 'ENABLED', ${T0}, ${T0})`.execute(db);
    const definition = (await readSqliteDefinitions(db, ['graph_nodes'])).get('graph_nodes')!;
    for (const ds of [7, 8]) {
      await sql`insert into data_sources (id, provider_id, name, name_key, status, created_at, updated_at, seq)
                values (${randomUUID()}, ${providerId}, ${`ds${ds}`}, ${`ds${ds}`}, 'PENDING', ${T0}, ${T0}, ${ds})`.execute(db);
      const table = partitionName('graph_nodes', ds);
      await definition.create(db, table);
      // Out of id order, with ids far apart, as rowids would not have been assigned.
      for (const row of [node(ds, 40, 'Bob'), node(ds, 3, 'alice'), node(ds, 1_000_000, 'Zed')]) await sql`insert into ${sql.table(table)} values (${sql.join(row)})`.execute(db);
      await definition.buildIndexes(db, table, table);
    }
  } finally {
    await db.destroy();
  }
}

describe('0013: node ids as rowids on SQLite', () => {
  let dir: string;
  let file: string;
  let raw: SqliteDatabase.Database | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'accessgraph-0013-'));
    file = join(dir, 'test.db');
  });
  afterEach(() => {
    raw?.close();
    raw = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const primaryKey = (table: string) => (raw!.prepare(`select name from pragma_table_info('${table}') where pk > 0 order by pk`).all() as Array<{ name: string }>).map((r) => r.name);
  const rootPages = () => raw!.prepare(`select name, rootpage from sqlite_schema where name glob 'graph_nodes*' order by name`).all();

  it("copies graphs pushed before it into tables keyed by the node id, rows, indexes and all, and makes later pushes' tables so", async () => {
    await databaseBefore0013(file);
    await (await openSqliteStore(file)).close();
    raw = new SqliteDatabase(file);

    expect(primaryKey('graph_nodes')).toEqual(['id']);
    for (const ds of [7, 8]) {
      const table = partitionName('graph_nodes', ds);
      expect(primaryKey(table)).toEqual(['id']);
      // The rowid is the node id: a lookup by id reads the table's own b-tree.
      expect(raw.prepare(`select rowid as row, id, ds, node_key, properties from ${table} order by id`).all()).toEqual([
        { row: 3, id: 3, ds, node_key: 'alice', properties: '{"n":3}' },
        { row: 40, id: 40, ds, node_key: 'Bob', properties: '{"n":40}' },
        { row: 1_000_000, id: 1_000_000, ds, node_key: 'Zed', properties: '{"n":1000000}' },
      ]);
      const indexes = raw.prepare(`select name, sql from sqlite_schema where type = 'index' and tbl_name = '${table}' and sql is not null order by name`).all() as Array<{ name: string; sql: string }>;
      expect(indexes.map((i) => i.name)).toEqual([`${table}_0`, `${table}_1`]);
      expect(indexes.map((i) => i.sql.replace(/^.* on \S+ /i, ""))).toEqual(['("ds", "node_key")', '("ds", "lookup_key")']);
      expect(indexes[0]!.sql).toMatch(/^create unique index/i);
      // The node key is still unique in the copied table.
      expect(() => raw!.prepare(`insert into ${table} (ds, id, kind, node_key, local_key, lookup_key, name, node_type, properties) values (${ds}, 41, 'u', 'Bob', 'Bob', 'bob', 'Bob', 'T', '{}')`).run()).toThrow(/UNIQUE/);
    }
    expect(raw.prepare(`select count(*) as n from sqlite_schema where name glob '*_0013*'`).get()).toEqual({ n: 0 });
  });

  it('run again (as after a crash between its commit and the migrator recording it), copies nothing and loses nothing', async () => {
    await databaseBefore0013(file);
    await (await openSqliteStore(file)).close();
    raw = new SqliteDatabase(file);
    const before = rootPages();
    const rows = raw.prepare('select * from graph_nodes__7 order by id').all();
    const db = connect(file);
    try {
      await sqliteNodeIdsAsRowidsMigration(SQLITE_CAPABILITIES).up(db);
    } finally {
      await db.destroy();
    }
    // The data sources' tables kept their pages (no copy); only the empty template was declared again.
    expect(rootPages().filter((t) => (t as { name: string }).name.startsWith('graph_nodes__'))).toEqual(before.filter((t) => (t as { name: string }).name.startsWith('graph_nodes__')));
    expect(raw.prepare('select * from graph_nodes__7 order by id').all()).toEqual(rows);
    expect(primaryKey('graph_nodes__8')).toEqual(['id']);
  });

  it('rolls back whole when a copy fails, leaving every table as it was', async () => {
    await databaseBefore0013(file);
    // A row the new layout refuses (an id that is no integer cannot be a rowid) in the second data source's table.
    const seed = new SqliteDatabase(file);
    seed.prepare(`insert into graph_nodes__8 values (8, 'x', 'local_user', 'k', 'k', 'k', 'k', 'T', null, null, null, null, '{}')`).run();
    seed.close();
    await expect(openSqliteStore(file)).rejects.toThrow(/datatype mismatch/i);
    raw = new SqliteDatabase(file);
    expect(primaryKey('graph_nodes__7')).toEqual(['ds', 'id']);
    expect(primaryKey('graph_nodes')).toEqual(['ds', 'id']);
    expect(raw.prepare('select count(*) as n from graph_nodes__7').get()).toEqual({ n: 3 });
    expect(raw.prepare(`select count(*) as n from kysely_migration where name like '0013%'`).get()).toEqual({ n: 0 });
  });
});
