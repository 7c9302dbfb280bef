import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DerivedGraph } from '@accessgraph/core';
import { SQLITE_GRAPH_TABLES } from './graph-rows.js';
import type { KyselyStore } from './kysely-store.js';
import { demoGraph } from './test-support/demo-graph.js';
import { commitGraph, replacedAndFailedPushes } from './test-support/commit.js';
import { testBackends, type TestDatabase } from './test-support/test-backends.js';

const T0 = '2026-01-01T00:00:00.000Z';
const backend = testBackends().find((b) => b.name === 'sqlite')!;

/**
 * What only SQLite's table swap (graph-writer.ts) promises beyond the storage contract: one table
 * per graph table and data source, the shared graph tables left empty as templates, nothing left
 * behind by a replaced, failed or deleted graph, and graphs pushed before 0003 moved intact.
 */
describe('Tables per data source on sqlite', () => {
  let db: TestDatabase;
  let store: KyselyStore;
  let providerId: string;

  const open = async (options?: Parameters<typeof backend.create>[0]) => {
    db = await backend.create(options);
    store = db.store;
  };
  afterEach(async () => {
    await db.dispose();
  });

  const newDataSource = async (name: string) => (await store.createDataSource({ id: randomUUID(), providerId, name, now: T0 })).id;
  const commit = (dataSourceId: string, graph: DerivedGraph) => commitGraph(store, providerId, dataSourceId, graph);
  /** The data source number of every per-data-source graph table, one entry per table. */
  const tableOwners = async () =>
    (await db.query<{ name: string }>(`select name from sqlite_schema where type = 'table' and name like 'graph\\_%\\_\\_%' escape '\\' order by name`)).map(
      (r) => r.name.replace(/^.*__/, ''),
    );
  const seqOf = async (id: string) => String((await db.query<{ seq: number }>('select seq from data_sources where id = ?', [id]))[0]!.seq);
  const templateRows = async () => {
    let n = 0;
    for (const table of SQLITE_GRAPH_TABLES) n += Number((await db.query<{ n: number }>(`select count(*) as n from ${table}`))[0]!.n);
    return n;
  };

  describe('pushes', () => {
    beforeEach(async () => {
      await open();
      providerId = (await store.createProvider({ id: randomUUID(), name: 'P', customTemplate: 'application', provisioning: false, options: {}, state: 'ENABLED', now: T0 })).id;
    });

    it('keep exactly one table per graph table and data source, through replacing and failed pushes', async () => {
      const { a, b } = await replacedAndFailedPushes(newDataSource, commit);
      const owners = await tableOwners();
      expect(owners).toHaveLength(2 * SQLITE_GRAPH_TABLES.length);
      expect(new Set(owners)).toEqual(new Set([await seqOf(a), await seqOf(b)]));
      expect(await templateRows()).toBe(0);
      // The second ways in are tables of their own holding the same rows: grants by scope, reach by holder.
      const seq = await seqOf(a);
      const grantsByScope = `select ds, scope, holder, id, self, descendants, typed from graph_grants__${seq} order by scope, holder, id`;
      expect(await db.query(`select * from graph_grants_by_scope__${seq}`)).toEqual(await db.query(grantsByScope));
      const reachByHolder = `select distinct ds, holder, principal from graph_reach__${seq} order by holder, principal`;
      expect(await db.query(`select * from graph_reach_by_holder__${seq}`)).toEqual(await db.query(reachByHolder));
      expect((await db.query(`select count(*) as n from graph_grants_by_scope__${seq}`))[0]).not.toEqual({ n: 0 });
      await store.deleteDataSource(providerId, a);
      expect(await tableOwners()).toEqual(new Array(SQLITE_GRAPH_TABLES.length).fill(await seqOf(b)));
    });

    it('fill, on a second push, the pages the old tables leave: the file does not grow by a copy', async () => {
      const a = await newDataSource('a');
      await commit(a, demoGraph());
      const pages = async () => Number((await db.query<{ page_count: number }>('pragma page_count'))[0]!.page_count);
      const first = await pages();
      for (let i = 0; i < 3; i++) await commit(a, demoGraph());
      expect(await pages()).toBe(first);
    });

    it('let the store open while another process holds the write lock, when there is nothing to drop', async () => {
      await commit(await newDataSource('a'), demoGraph());
      // As a long push in a running server would: `accessgraph keys` must still open the store.
      await db.query('begin immediate');
      try {
        const started = Date.now();
        await db.reopen();
        expect(Date.now() - started).toBeLessThan(2000);
      } finally {
        await db.query('rollback');
      }
    });

    it('answer a read that a deletion of its data source interrupts as of before or after it, never with an error', async () => {
      for (let round = 0; round < 5; round++) {
        const a = await newDataSource(`a${round}`);
        await commit(a, demoGraph());
        const before = (await store.listEffectivePermissions(a, { pageSize: 100 })).items;
        expect(before.length).toBeGreaterThan(0);
        // Without a transaction around the read, its first query runs, the deletion takes the
        // connection and drops the tables, and the read's next query finds none.
        const read = store.listEffectivePermissions(a, { pageSize: 100 });
        const deletion = store.deleteDataSource(providerId, a);
        const [page] = await Promise.all([read, deletion]);
        expect([before, []]).toContainEqual(page.items);
      }
    });

    it('drop, when the store opens, the tables of data sources that no longer exist', async () => {
      const a = await newDataSource('a');
      const b = await newDataSource('b');
      await commit(a, demoGraph());
      await commit(b, demoGraph());
      const gone = await seqOf(a);
      // Gone without the store's help (as an operator's manual DELETE would do).
      await db.query('delete from data_sources where id = ?', [a]);
      await db.reopen();
      const owners = await tableOwners();
      expect(owners).not.toContain(gone);
      expect(owners).toEqual(new Array(SQLITE_GRAPH_TABLES.length).fill(await seqOf(b)));
    });
  });

  it('0003 and 0004 move graphs pushed into the shared tables into tables of their data source, second keys included', async () => {
    const dsId = randomUUID();
    providerId = randomUUID();
    const seed = async (old: Kysely<unknown>) => {
      await sql`insert into providers (id, name, name_key, custom_template, state, created_at, updated_at)
                values (${providerId}, 'P', 'p', 'application', 'ENABLED', ${T0}, ${T0})`.execute(old);
      await sql`insert into data_sources (id, provider_id, name, name_key, status, created_at, updated_at)
                values (${dsId}, ${providerId}, 'ds', 'ds', 'SUCCESS', ${T0}, ${T0})`.execute(old);
      const { rows } = await sql<{ seq: number }>`select seq from data_sources where id = ${dsId}`.execute(old);
      const ds = rows[0]!.seq;
      // As 0002 stored a push: app 0, user 1 holding permission 2 on the app.
      const node = (id: number, kind: string, key: string, name: string, type: string) =>
        sql`insert into graph_nodes (ds, id, kind, node_key, local_key, lookup_key, name, node_type, app_id, properties)
            values (${ds}, ${id}, ${kind}, ${key}, ${name}, ${name.toLowerCase()}, ${name}, ${type}, ${id === 0 ? null : 0}, '{}')`.execute(old);
      await node(0, 'application', 'app:old', 'Old', 'OAA.old.Application');
      await node(1, 'local_user', 'app:old/user:ann', 'ann', 'OAA.old.User');
      await node(2, 'permission', 'app:old/permission:read', 'read', 'OAA.old.Permission');
      await sql`update graph_nodes set properties = '{"permission_type":["DataRead"]}' where ds = ${ds} and id = 2`.execute(old);
      await sql`insert into graph_reach (ds, principal, holder, depth) values (${ds}, 1, 1, 0)`.execute(old);
      await sql`insert into graph_reach_by_holder (ds, holder, principal) values (${ds}, 1, 1)`.execute(old);
      await sql`insert into graph_ancestry (ds, node, ancestor, depth) values (${ds}, 0, 0, 0)`.execute(old);
      await sql`insert into graph_grants (ds, id, holder, permission, scope, self, descendants, role, typed) values (${ds}, 0, 1, 2, 0, 1, 0, null, 0)`.execute(old);
      await sql`insert into graph_grants_by_scope (ds, scope, holder, id, self, descendants, typed) values (${ds}, 0, 1, 0, 1, 0, 0)`.execute(old);
      await sql`insert into data_source_states (ds, payload, pushed_at) values (${ds}, ${Buffer.from('{}')}, ${T0})`.execute(old);
    };
    await open({ startAt: { migrations: ['0001-foundation', '0002-graph'], seed } });
    const page = await store.listEffectivePermissions(dsId, { pageSize: 10 });
    expect(page.items.map((r) => [r.principal.key, r.target.key, r.permissions])).toEqual([['ann', 'Old', ['read']]]);
    // Read from the target's side: through the second-key tables 0004 made.
    const byTarget = await store.listEffectivePermissions(dsId, { pageSize: 10, target: 'old' });
    expect(byTarget.items.map((r) => [r.principal.key, r.target.key, r.permissions])).toEqual([['ann', 'Old', ['read']]]);
    const seq = await seqOf(dsId);
    expect(await tableOwners()).toEqual(new Array(SQLITE_GRAPH_TABLES.length).fill(seq));
    expect(await templateRows()).toBe(0);
    expect(await db.query(`select ds, scope, holder, id, self, descendants, typed from graph_grants_by_scope__${seq}`)).toEqual([
      { ds: Number(seq), scope: 0, holder: 1, id: 0, self: 1, descendants: 0, typed: 0 },
    ]);
    expect(await db.query(`select ds, holder, principal from graph_reach_by_holder__${seq}`)).toEqual([{ ds: Number(seq), holder: 1, principal: 1 }]);
    // The indexes 0003 built for those keys are gone, from the templates and the data source's tables.
    expect(await db.query(`select name from sqlite_schema where type = 'index' and sql is not null and tbl_name in ('graph_grants', 'graph_reach', 'graph_grants__${seq}', 'graph_reach__${seq}')`)).toEqual([]);
    // 0007 indexed the moved graph's edges by target, as every later push's tables are.
    const edgeIndexes = async (table: string) => (await db.query<{ sql: string }>(`select sql from sqlite_schema where type = 'index' and tbl_name = '${table}'`)).map((r) => r.sql);
    expect((await edgeIndexes(`graph_edges__${seq}`)).filter((q) => /\bto_id\b/.test(q))).toHaveLength(1);
    const fresh = await newDataSource('fresh');
    await commit(fresh, demoGraph());
    expect((await edgeIndexes(`graph_edges__${await seqOf(fresh)}`)).filter((q) => /\bto_id\b/.test(q))).toHaveLength(1);
  });
});
