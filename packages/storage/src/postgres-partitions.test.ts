import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DerivedGraph } from '@accessgraph/core';
import type { KyselyStore } from './kysely-store.js';
import { GRAPH_TABLES } from './graph-rows.js';
import { demoGraph, duplicateKeyGraph, otherGraph } from './test-support/demo-graph.js';
import { commitGraph } from './test-support/commit.js';
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
    const a = await newDataSource('a');
    const b = await newDataSource('b');
    await commit(a, demoGraph());
    await commit(b, otherGraph('Wiki', 'confluence'));
    await commit(a, demoGraph((f, ids) => f.tag(ids.alice, 't', 'v')));
    await expect(commit(a, duplicateKeyGraph())).rejects.toThrow();
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

  it('does not hold up a push to another data source during its own load', async () => {
    const big = new GraphFixture();
    const app = big.application('Big');
    const permissions = Array.from({ length: 10 }, (_, i) => big.permission(app, `p${i}`, ['DataRead']));
    const resources = Array.from({ length: 200 }, (_, i) => big.resource(app, `r${i}`, 'repo'));
    for (let u = 0; u < 2_000; u++) {
      const user = big.entity(app, 'local_user', `u${u}`);
      for (let k = 0; k < 150; k++) big.grant(user, permissions[k % 10]!, resources[(u + k) % 200]!);
    }
    const [a, b] = [await newDataSource('a'), await newDataSource('b')];
    const finished: string[] = [];
    const slow = commit(a, big.build()).then(() => finished.push('big'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    await commit(b, otherGraph('Wiki', 'confluence')).then(() => finished.push('small'));
    await slow;
    expect(finished).toEqual(['small', 'big']);
  });
});
