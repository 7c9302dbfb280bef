import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { SQLITE_CAPABILITIES } from '../capabilities.js';
import { partitionName } from '../graph-table-names.js';
import { readSqliteDefinitions } from '../sqlite-tables.js';
import { testBackends, type TestDatabase } from '../test-support/test-backends.js';
import { allMigrations } from './index.js';

const T0 = '2026-01-01T00:00:00.000Z';
const BEFORE = Object.keys(allMigrations(SQLITE_CAPABILITIES)).filter((name) => name < '0013');

/** A node row as 0002 declared the table, in its column order. */
const node = (id: number, key: string) => [7, id, 'local_user', key, key, key.toLowerCase(), key, 'OAA.App.User', null, null, null, null, `{"n":${id}}`];

describe('0013: node ids as rowids on SQLite', () => {
  const sqlite = testBackends().find((b) => b.name === 'sqlite')!;
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.dispose();
    db = undefined;
  });

  const primaryKey = async (table: string) =>
    (await db!.query<{ name: string }>(`select name from pragma_table_info('${table}') where pk > 0 order by pk`)).map((r) => r.name);

  it("copies a graph pushed before it into tables keyed by the node id, rows, indexes and all, and makes later pushes' tables so", async () => {
    const seed = async (old: Kysely<unknown>) => {
      const providerId = randomUUID();
      await sql`insert into providers (id, name, name_key, custom_template, state, created_at, updated_at)
                values (${providerId}, 'P', 'p', 'application', 'ENABLED', ${T0}, ${T0})`.execute(old);
      await sql`insert into data_sources (id, provider_id, name, name_key, status, created_at, updated_at, seq)
                values (${randomUUID()}, ${providerId}, 'ds', 'ds', 'PENDING', ${T0}, ${T0}, 7)`.execute(old);
      // The data source's nodes table as a push before 0013 made it: from the template of the time.
      const table = partitionName('graph_nodes', 7);
      const definition = (await readSqliteDefinitions(old, ['graph_nodes'])).get('graph_nodes')!;
      await definition.create(old, table);
      // Out of id order, with ids far apart, as rowids would not have been assigned.
      for (const row of [node(40, 'Bob'), node(3, 'alice'), node(1_000_000, 'Zed')]) {
        await sql`insert into ${sql.table(table)} values (${sql.join(row)})`.execute(old);
      }
      await definition.buildIndexes(old, table, table);
    };
    db = await sqlite.create({ startAt: { migrations: BEFORE, seed } });

    const table = partitionName('graph_nodes', 7);
    expect(await primaryKey(table)).toEqual(['id']);
    expect(await primaryKey('graph_nodes')).toEqual(['id']);
    // The rowid is the node id: a lookup by id reads the table's own b-tree.
    expect(await db.query(`select rowid as row, id, node_key, properties from ${table} order by id`)).toEqual([
      { row: 3, id: 3, node_key: 'alice', properties: '{"n":3}' },
      { row: 40, id: 40, node_key: 'Bob', properties: '{"n":40}' },
      { row: 1_000_000, id: 1_000_000, node_key: 'Zed', properties: '{"n":1000000}' },
    ]);
    const indexes = await db.query<{ name: string; sql: string }>(`select name, sql from sqlite_schema where type = 'index' and tbl_name = '${table}' and sql is not null order by name`);
    expect(indexes.map((i) => i.name)).toEqual([`${table}_0`, `${table}_1`]);
    expect(indexes[0]!.sql).toMatch(/unique index .*\("ds", "node_key"\)/i);
    // The unique key on (ds, node_key) holds in the copied table.
    await expect(db.query(`insert into ${table} (ds, id, kind, node_key, local_key, lookup_key, name, node_type, properties) values (7, 41, 'local_user', 'Bob', 'Bob', 'bob', 'Bob', 'T', '{}')`)).rejects.toThrow(/UNIQUE/);
    // Re-running finds nothing left to copy (the migration is recorded, and its check skips such tables).
    const again = await db.reopen();
    await again.close();
    expect(await db.query(`select count(*) as n from ${table}`)).toEqual([{ n: 3 }]);
  });
});
