import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DerivedGraph } from '@accessgraph/core';
import type { KyselyStore } from './kysely-store.js';
import { GRAPH_TABLES } from './graph-rows.js';
import { demoGraph, otherGraph } from './test-support/demo-graph.js';
import { commitGraph, replacedAndFailedPushes } from './test-support/commit.js';
import { GraphFixture } from './test-support/graph-fixture.js';
import { testBackends, type TestDatabase } from './test-support/test-backends.js';

const T0 = '2026-01-01T00:00:00.000Z';
const backend = testBackends().find((b) => b.name === 'postgres')!;

/**
 * What only PostgreSQL's partition swap (graph-writer.ts) promises beyond the storage contract:
 * one partition per table and data source, nothing left behind, and a push that never makes
 * readers of other data sources wait for its load.
 */
describe.skipIf(backend.skipReason !== undefined)(`Partition swap on postgres${backend.skipReason ? ` (skipped: ${backend.skipReason})` : ''}`, () => {
  let db: TestDatabase;
  let store: KyselyStore;
  let providerId: string;

  beforeEach(async () => {
    db = await backend.create();
    store = db.store;
    providerId = (await store.createProvider({ id: randomUUID(), name: 'P', customTemplate: 'application', provisioning: false, options: {}, state: 'ENABLED', now: T0 })).id;
  });
  afterEach(async () => {
    await db.dispose();
  });

  const newDataSource = async (name: string) => (await store.createDataSource({ id: randomUUID(), providerId, name, now: T0 })).id;
  const commit = (dataSourceId: string, graph: DerivedGraph) => commitGraph(store, providerId, dataSourceId, graph);
  /** Every table of the schema that is or was meant to be a partition, with its bound if attached. */
  const partitions = () =>
    db.query<{ name: string; bound: string | null }>(
      `select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
         from pg_class c where c.relnamespace = current_schema()::regnamespace and c.relkind = 'r' and c.relname like 'graph\\_%\\_\\_%'
        order by 1`,
    );
  const seqOf = async (id: string) => Number((await db.query<{ seq: number }>('select seq from data_sources where id = ?', [id]))[0]!.seq);

  it('keeps exactly one partition per graph table and data source, through replacing and failed pushes', async () => {
    const { a, b } = await replacedAndFailedPushes(newDataSource, commit);
    const found = await partitions();
    expect(found).toHaveLength(2 * GRAPH_TABLES.length);
    const bounds = found.map((p) => p.bound).sort();
    expect(new Set(bounds)).toEqual(new Set([`FOR VALUES IN (${await seqOf(a)})`, `FOR VALUES IN (${await seqOf(b)})`]));
    await store.deleteDataSource(providerId, a);
    expect((await partitions()).map((p) => p.bound)).toEqual(new Array(GRAPH_TABLES.length).fill(`FOR VALUES IN (${await seqOf(b)})`));
  });

  it('drops, when the store opens, the partitions of data sources that no longer exist', async () => {
    const a = await newDataSource('a');
    const b = await newDataSource('b');
    await commit(a, demoGraph());
    await commit(b, demoGraph());
    // Gone without the store's help (as an operator's manual DELETE would do).
    await db.query('delete from data_sources where id = ?', [a]);
    await db.reopen();
    expect((await partitions()).map((p) => p.bound)).toEqual(new Array(GRAPH_TABLES.length).fill(`FOR VALUES IN (${await seqOf(b)})`));
  });

  it('lets readers of other data sources in while a push waits to swap behind a long reader', async () => {
    const a = await newDataSource('a');
    const b = await newDataSource('b');
    await commit(a, demoGraph());
    await commit(b, otherGraph('Wiki', 'confluence'));
    // A long reader of data source b: its transaction holds a lock on the graph tables.
    await db.query('begin');
    await db.query('select count(*) from graph_grants where ds = ?', [await seqOf(b)]);
    let pushed = false;
    const push = commit(a, demoGraph((f, ids) => f.grant(ids.bob, ids.admin, ids.app))).then(() => (pushed = true));
    // Meanwhile other readers come and go; none waits long behind the push's lock request.
    const started = Date.now();
    let slowest = 0;
    while (Date.now() - started < 1_500) {
      const t = Date.now();
      expect((await store.listEffectivePermissions(b, { pageSize: 10 })).items).toHaveLength(1);
      slowest = Math.max(slowest, Date.now() - t);
    }
    expect(pushed).toBe(false);
    expect(slowest).toBeLessThan(1_000);
    await db.query('commit');
    await push;
    const bob = await store.listEffectivePermissions(a, { pageSize: 10, principal: 'bob' });
    expect(bob.items.map((r) => r.target.key)).toContain('Demo');
  });

  /** 2,000 users with 150 grants each: large enough to be built over two connections. */
  const bigGraph = () => {
    const big = new GraphFixture();
    const app = big.application('Big');
    const permissions = Array.from({ length: 10 }, (_, i) => big.permission(app, `p${i}`, ['DataRead']));
    const resources = Array.from({ length: 200 }, (_, i) => big.resource(app, `r${i}`, 'repo'));
    for (let u = 0; u < 2_000; u++) {
      const user = big.entity(app, 'local_user', `u${u}`);
      for (let k = 0; k < 150; k++) big.grant(user, permissions[k % 10]!, resources[(u + k) % 200]!);
    }
    return big.build();
  };
  /** Tables being built, or left by a push that did not finish. */
  const stagingTables = async () =>
    (await db.query<{ name: string }>(`select relname as name from pg_class where relnamespace = current_schema()::regnamespace and relname like '%\\_\\_new\\_%' order by 1`)).map(
      (r) => r.name,
    );

  it('builds a large graph over other connections, and a failure there leaves the old graph and no table behind', async () => {
    const a = await newDataSource('a');
    await commit(a, demoGraph());
    const before = await store.listEffectivePermissions(a, { pageSize: 100 });
    const broken = bigGraph();
    // Two nodes with one key: the unique index build fails on one of the building connections.
    broken.nodes.push({ ...broken.nodes[1]!, id: broken.nodes.length });
    await expect(commit(a, broken)).rejects.toThrow();
    expect(await stagingTables()).toEqual([]);
    expect(await store.listEffectivePermissions(a, { pageSize: 100 })).toEqual(before);
    await commit(a, bigGraph());
    expect(await stagingTables()).toEqual([]);
    expect((await store.listEffectivePermissions(a, { pageSize: 10, principal: 'u1' })).items).toHaveLength(10);
  });

  it('drops the tables a killed push left at the next push of its data source, and at its deletion', async () => {
    const [a, b] = [await newDataSource('a'), await newDataSource('b')];
    await commit(a, demoGraph());
    await commit(b, demoGraph());
    // As a push killed after its building connections committed would leave them.
    for (const ds of [await seqOf(a), await seqOf(b)]) {
      await db.query(`create table graph_nodes__${ds}__new_0badcafe (x integer)`);
      await db.query(`create table graph_grants__${ds}__new_0badcafe (x integer)`);
    }
    await commit(a, demoGraph());
    expect(await stagingTables()).toEqual([`graph_grants__${await seqOf(b)}__new_0badcafe`, `graph_nodes__${await seqOf(b)}__new_0badcafe`]);
    await store.deleteDataSource(providerId, b);
    expect(await stagingTables()).toEqual([]);
  });

  it('does not hold up a push to another data source during its own load', async () => {
    const [a, b] = [await newDataSource('a'), await newDataSource('b')];
    const finished: string[] = [];
    const slow = commit(a, bigGraph()).then(() => finished.push('big'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    await commit(b, otherGraph('Wiki', 'confluence')).then(() => finished.push('small'));
    await slow;
    expect(finished).toEqual(['small', 'big']);
  });

  /** Every index on a graph table or partition, by table, as its column list. */
  const graphIndexes = async () =>
    (
      await db.query<{ table: string; columns: string }>(
        `select c.relname as table, regexp_replace(pg_get_indexdef(i.indexrelid), '^.* USING btree ', '') as columns
           from pg_index i join pg_class c on c.oid = i.indrelid
          where c.relnamespace = current_schema()::regnamespace and c.relname like 'graph\\_%' and c.relname <> 'graph_tags'
          order by 1, 2`,
      )
    ).map((r) => `${r.table} ${r.columns}`);

  it('0005: no graph index starts with ds, on the tables or their partitions; graphs pushed before are re-indexed and read the same', async () => {
    await commit(await newDataSource('a'), demoGraph());
    const now = await graphIndexes();
    // Twelve per parent and partition at 0005, 0007 adds edges by target, 0012 identity strings by their lower-cased text and the others.
    expect(now).toHaveLength(2 * 15);
    expect(now.filter((index) => / \(ds\b/.test(index))).toEqual([]);

    // A graph pushed at 0004, when the indexes led with ds.
    const dsId = randomUUID();
    const owner = randomUUID();
    const seed = async (old: Kysely<unknown>) => {
      await sql`insert into providers (id, name, name_key, custom_template, state, created_at, updated_at)
                values (${owner}, 'P', 'p', 'application', 'ENABLED', ${T0}, ${T0})`.execute(old);
      await sql`insert into data_sources (id, provider_id, name, name_key, status, created_at, updated_at)
                values (${dsId}, ${owner}, 'ds', 'ds', 'SUCCESS', ${T0}, ${T0})`.execute(old);
      const ds = Number((await sql<{ seq: number }>`select seq from data_sources where id = ${dsId}`.execute(old)).rows[0]!.seq);
      for (const table of GRAPH_TABLES) {
        await sql.raw(`create table ${table}__${ds} partition of ${table} for values in (${ds})`).execute(old);
      }
      const node = (id: number, kind: string, key: string, name: string, type: string, properties = '{}') =>
        sql`insert into graph_nodes (ds, id, kind, node_key, local_key, lookup_key, name, node_type, app_id, properties)
            values (${ds}, ${id}, ${kind}, ${key}, ${name}, ${name.toLowerCase()}, ${name}, ${type}, ${id === 0 ? null : 0}, ${properties})`.execute(old);
      await node(0, 'application', 'app:old', 'Old', 'OAA.old.Application');
      await node(1, 'local_user', 'app:old/user:ann', 'ann', 'OAA.old.User');
      await node(2, 'permission', 'app:old/permission:read', 'read', 'OAA.old.Permission', '{"permission_type":["DataRead"]}');
      await sql`insert into graph_reach (ds, principal, holder, depth) values (${ds}, 1, 1, 0)`.execute(old);
      await sql`insert into graph_ancestry (ds, node, ancestor, depth) values (${ds}, 0, 0, 0)`.execute(old);
      await sql`insert into graph_grants (ds, id, holder, permission, scope, self, descendants, role, typed) values (${ds}, 0, 1, 2, 0, 1, 0, null, 0)`.execute(old);
      await sql`insert into data_source_states (ds, payload, pushed_at) values (${ds}, ${Buffer.from('{}')}, ${T0})`.execute(old);
    };
    const upgraded = await backend.create({
      startAt: { migrations: ['0001-foundation', '0002-graph', '0003-sqlite-tables-per-data-source', '0004-sqlite-second-key-tables'], seed },
    });
    try {
      const expected = [['ann', 'Old', ['read']]];
      const rows = async (query: { target?: string; principal?: string }) =>
        (await upgraded.store.listEffectivePermissions(dsId, { pageSize: 10, ...query })).items.map((r) => [r.principal.key, r.target.key, r.permissions]);
      expect(await rows({})).toEqual(expected);
      expect(await rows({ target: 'old' })).toEqual(expected);
      expect(await rows({ principal: 'ANN' })).toEqual(expected);
      const indexes = await upgraded.query<{ columns: string }>(
        `select regexp_replace(pg_get_indexdef(i.indexrelid), '^.* USING btree ', '') as columns
           from pg_index i join pg_class c on c.oid = i.indrelid
          where c.relnamespace = current_schema()::regnamespace and c.relname like 'graph\\_%\\_\\_%'`,
      );
      expect(indexes.length).toBeGreaterThanOrEqual(12);
      expect(indexes.filter((i) => /^\(ds\b/.test(i.columns))).toEqual([]);
    } finally {
      await upgraded.dispose();
    }
  });
});
