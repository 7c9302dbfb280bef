import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitGraph } from './test-support/commit.js';
import { GraphFixture } from './test-support/graph-fixture.js';
import { testBackends, type TestDatabase } from './test-support/test-backends.js';

const T0 = '2026-01-01T00:00:00.000Z';
/** Many more nodes than a sampled ANALYZE reads per index (1,000), so that sampling would show. */
const USERS = 20_000;

/**
 * What SQLite plans the reads of a data source's nodes from, after a push. Its nodes table is keyed
 * by the node id as the rowid, and its indexes lead with ds, the same on every row: with statistics
 * sampled from 1,000 rows, SQLite took ds for a column a thousand rows share, and read a thousand
 * of 155,000 nodes by id by scanning the (ds, lookup_key) index, the whole table; without ds in the
 * indexes, it walked principals by sorting the whole table (BENCHMARKS.md U10).
 */
describe('SQLite plans for reading nodes', () => {
  const sqlite = testBackends().find((b) => b.name === 'sqlite')!;
  let db: TestDatabase;
  let table: string;
  const plan = async (query: string, params: unknown[]) => (await db.query<{ detail: string }>(`explain query plan ${query}`, params)).map((r) => r.detail).join(' | ');

  beforeAll(async () => {
    db = await sqlite.create();
    const provider = await db.store.createProvider({ id: randomUUID(), name: 'P', customTemplate: 'application', provisioning: false, options: {}, state: 'ENABLED', now: T0 });
    const ds = await db.store.createDataSource({ id: randomUUID(), providerId: provider.id, name: 'big', now: T0 });
    const f = new GraphFixture();
    const app = f.application('App');
    const read = f.permission(app, 'read', ['DataRead']);
    for (let i = 0; i < USERS; i++) f.grant(f.entity(app, 'local_user', `user${String(i).padStart(5, '0')}`), read, app);
    await commitGraph(db.store, provider.id, ds.id, f.build());
    const tables = await db.query<{ table: string }>(`select name as "table" from sqlite_schema where type = 'table' and name glob 'graph_nodes__[0-9]*'`);
    expect(tables).toHaveLength(1);
    table = tables[0]!.table;
  });
  afterAll(async () => {
    await db.dispose();
  });

  it('knows ds is one value for every node (statistics of every row)', async () => {
    const n = (await db.query<{ n: number }>(`select count(*) as n from ${table}`))[0]!.n;
    expect(n).toBeGreaterThan(USERS);
    const stats = await db.query<{ stat: string }>(`select stat from sqlite_stat1 where tbl = ? and idx is not null`, [table]);
    expect(stats.length).toBe(2);
    for (const { stat } of stats) expect(stat.split(' ').slice(0, 2)).toEqual([String(n), String(n)]);
  });

  it('keeps no statistics samples, with which SQLite plans a kept statement anew each time its values are bound', async () => {
    // The push's ANALYZE made samples of every new table; it removed them before its commit.
    expect((await db.query<{ n: number }>('select count(*) as n from sqlite_stat4'))[0]!.n).toBe(0);
    expect((await db.query<{ n: number }>('select count(*) as n from sqlite_stat1 where tbl = ?', [table]))[0]!.n).toBeGreaterThan(0);
  });

  it("walks principals in key order on the node key's index, not by sorting the table", async () => {
    const walk = await plan(`select node_key from ${table} where ds = ? and kind in ('local_user', 'local_group') order by node_key limit 1 offset 10`, [0]);
    expect(walk).toMatch(/USING INDEX \S+_0 \(ds=\?\)/);
    expect(walk).not.toMatch(/TEMP B-TREE/);
  });
});
