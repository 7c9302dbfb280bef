import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EffectivePermission, EntityRef, PushRecord } from '@accessgraph/contract';
import type { DerivedGraph } from '@accessgraph/core';
import { GRAPH_TABLES } from './graph-rows.js';
import { partitionName } from './graph-table-names.js';
import type { KyselyStore } from './kysely-store.js';
import type { EffectivePermissionQuery, PushCommit } from './store.js';
import { DEMO, app, demoGraph, duplicateKeyGraph, group, otherGraph, path, repo, role, user } from './test-support/demo-graph.js';
import { GraphFixture } from './test-support/graph-fixture.js';
import { testBackends, type TestDatabase } from './test-support/test-backends.js';

const T0 = '2026-01-01T00:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();
const bytes = (text: string) => new Uint8Array(Buffer.from(text));

/**
 * Every table that holds rows derived from or recorded for one data source, keyed by `ds`. The
 * graph tables (GRAPH_TABLES) hold each data source's rows in tables of its own, on both engines.
 */
const DS_TABLES = [
  'graph_nodes',
  'graph_edges',
  'graph_reach',
  'graph_ancestry',
  'graph_grants',
  'graph_grant_types',
  'graph_identity_refs',
  'graph_tags',
  'data_source_types',
  'data_source_states',
  'pushes',
];

for (const backend of testBackends()) {
  const title = backend.skipReason ? `Push store on ${backend.name} (skipped: ${backend.skipReason})` : `Push store on ${backend.name}`;
  describe.skipIf(backend.skipReason !== undefined)(title, () => {
    let db: TestDatabase;
    let store: KyselyStore;
    let providerId: string;
    let dsId: string;
    let clock = 0;

    beforeEach(async () => {
      db = await backend.create();
      store = db.store;
      clock = 0;
      providerId = (await newProvider('Demo provider')).id;
      dsId = (await newDataSource(providerId, 'prod')).id;
    });
    afterEach(async () => {
      await db.dispose();
    });

    function newProvider(name: string) {
      return store.createProvider({ id: randomUUID(), name, customTemplate: 'application', provisioning: false, options: {}, state: 'ENABLED', now: T0 });
    }
    function newDataSource(provider: string, name: string) {
      return store.createDataSource({ id: randomUUID(), providerId: provider, name, now: T0 });
    }
    function record(dataSourceId: string, overrides: Partial<PushRecord> = {}): PushRecord {
      clock++;
      return {
        id: randomUUID(),
        data_source_id: dataSourceId,
        started_at: at(clock),
        duration_ms: 12,
        key_id: 'a1b2c3d4e5f60718',
        size_bytes: 2048,
        compression: 'GZIP',
        incremental: false,
        outcome: 'SUCCESS',
        counts: { applications: 1, local_users: 5 },
        warnings: [],
        errors: [],
        ...overrides,
      };
    }
    async function commit(
      graph: DerivedGraph,
      options: { ds?: string; provider?: string; state?: string; record?: Partial<PushRecord>; incremental?: Pick<PushCommit, 'basePushedAt' | 'tagRemovals'> } = {},
    ) {
      const ds = options.ds ?? dsId;
      const rec = record(ds, options.record);
      await store.commitPush({
        providerId: options.provider ?? providerId,
        template: 'application',
        dataSourceId: ds,
        graph,
        state: bytes(options.state ?? `state-${clock}`),
        record: rec,
        now: at(clock),
        ...options.incremental,
      });
      return rec;
    }
    async function all(query: Partial<EffectivePermissionQuery> = {}, ds = dsId): Promise<EffectivePermission[]> {
      const page = await store.listEffectivePermissions(ds, { pageSize: 1000, ...query });
      expect(page.nextAfter).toBeUndefined();
      return page.items;
    }
    const pairs = (rows: EffectivePermission[]) => rows.map((r) => `${r.principal.key} -> ${r.target.key}`);
    const row = (rows: EffectivePermission[], principal: string, target: string) =>
      rows.find((r) => r.principal.key === principal && r.target.key === target);
    async function seqOf(id: string): Promise<number> {
      const rows = await db.query<{ seq: number }>('select seq from data_sources where id = ?', [id]);
      return Number(rows[0]!.seq);
    }
    async function rowCounts(seq: number): Promise<Record<string, number>> {
      const counts: Record<string, number> = {};
      const own = new Set<string>(GRAPH_TABLES);
      for (const table of DS_TABLES) {
        const name = own.has(table) ? partitionName(table, seq) : table;
        if (own.has(table) && !(await db.tableExists(name))) counts[table] = 0;
        else counts[table] = Number((await db.query<{ n: number | string }>(`select count(*) as n from ${name} where ds = ?`, [seq]))[0]!.n);
      }
      return counts;
    }
    async function tagsOf(seq: number): Promise<string[]> {
      const rows = await db.query<{ node_key: string; tag_key: string; tag_value: string }>(
        'select node_key, tag_key, tag_value from graph_tags where ds = ? order by node_key, tag_key, tag_value',
        [seq],
      );
      return rows.map((r) => `${r.node_key} ${r.tag_key}=${r.tag_value}`);
    }
    async function snapshot(id = dsId) {
      return {
        permissions: await all({}, id),
        state: (await store.getDataSourceState(id))?.payload,
        dataSource: await store.getDataSource(providerId, id),
        pushes: (await store.listPushes(id, { pageSize: 100 })).items,
        counts: await rowCounts(await seqOf(id)),
        tags: await tagsOf(await seqOf(id)),
        provider: await store.getProvider(providerId),
      };
    }

    it('lists a direct grant with both ends described', async () => {
      await commit(demoGraph());
      const rows = await all({ principal: 'alice' });
      expect(rows).toEqual([
        { principal: user('alice'), target: app, permissions: ['read'], canonical_types: ['DataRead', 'MetadataRead'], paths: [path('read', ['DataRead', 'MetadataRead'])] },
      ]);
    });

    it('stores text with tabs, newlines, backslashes, quotes and characters beyond the BMP exactly as derived', async () => {
      const odd = 'tab\there, line\nbreak\r\nback\\slash "quoted" 😀 é \\N';
      await commit(
        demoGraph((f, ids) => {
          f.grant(f.entity(ids.app, 'local_user', odd), f.permission(ids.app, `perm ${odd}`, ['NonData']), ids.app);
        }),
      );
      const rows = await all({ principal: odd });
      expect(rows.map((r) => [r.principal.key, r.principal.name, r.permissions])).toEqual([[odd, odd.charAt(0).toUpperCase() + odd.slice(1), [`perm ${odd}`]]]);
    });

    it('sorts permission names as a reader would, whatever their case', async () => {
      await commit(
        demoGraph((f, ids) => {
          for (const name of ['Zeta', 'alpha', 'Beta']) f.grant(ids.alice, f.permission(ids.app, name, ['NonData']), ids.app);
        }),
      );
      const [row] = await all({ principal: 'alice' });
      expect(row!.permissions).toEqual(['alpha', 'Beta', 'read', 'Zeta']);
      expect(row!.paths.map((p) => p.permission)).toEqual(['alpha', 'Beta', 'read', 'Zeta']);
    });

    it('gives group members, through nested groups, the group grant with the group as `through`', async () => {
      await commit(demoGraph());
      const rows = await all({ target: 'repo1' });
      const write = (through: EntityRef | null) => ({ permissions: ['write'], canonical_types: ['DataWrite'], paths: [path('write', ['DataWrite'], { through })] });
      expect(row(rows, 'bob', 'repo1')).toMatchObject(write(group('eng')));
      expect(row(rows, 'devs', 'repo1')).toMatchObject(write(group('eng')));
      expect(row(rows, 'eng', 'repo1')).toMatchObject(write(null));
      // The grant is on repo1 only: no inheritance to repo1.src.
      expect(pairs(await all({ principal: 'bob' }))).toEqual(['bob -> repo1']);
    });

    it('names the role of a role grant', async () => {
      await commit(demoGraph());
      const rows = await all({ principal: 'carol' });
      expect(rows).toEqual([
        {
          principal: user('carol'),
          target: repo('repo2'),
          permissions: ['read', 'write'],
          canonical_types: ['DataRead', 'DataWrite', 'MetadataRead'],
          paths: [
            path('read', ['DataRead', 'MetadataRead'], { role: role('maintainer') }),
            path('write', ['DataWrite'], { role: role('maintainer') }),
          ],
        },
      ]);
    });

    it('inherits an inheritable grant to every descendant, naming the scope it came from', async () => {
      await commit(demoGraph());
      const rows = await all({ principal: 'DAVE' });
      expect(pairs(rows)).toEqual(['dave -> Demo', 'dave -> repo1', 'dave -> repo1.src', 'dave -> repo2', 'dave -> wiki1']);
      expect(rows[0]!.paths).toEqual([path('admin', ['NonData', 'DataRead'])]);
      expect(rows[2]).toEqual({
        principal: user('dave'),
        target: repo('repo1.src', true),
        permissions: ['admin'],
        canonical_types: ['DataRead', 'NonData'],
        paths: [path('admin', ['NonData', 'DataRead'], { inherited_from: app })],
      });
    });

    it('limits a typed grant to resources of its types, not the scope itself when self is false', async () => {
      await commit(demoGraph());
      const rows = await all({ principal: 'erin' });
      expect(pairs(rows)).toEqual(['erin -> repo1', 'erin -> repo1.src', 'erin -> repo2']);
      expect(rows.every((r) => r.paths[0]!.inherited_from?.key === DEMO && r.paths[0]!.role?.key === 'maintainer')).toBe(true);
    });

    it('filters by principal and by target, any case, and by both', async () => {
      await commit(demoGraph());
      expect(pairs(await all({ target: 'REPO2' }))).toEqual(['carol -> repo2', 'dave -> repo2', 'erin -> repo2']);
      expect(pairs(await all({ target: 'demo' }))).toEqual(['alice -> Demo', 'dave -> Demo']);
      expect(pairs(await all({ principal: 'Erin', target: 'repo1.SRC' }))).toEqual(['erin -> repo1.src']);
      expect(await all({ principal: 'nobody' })).toEqual([]);
      expect(await all({ principal: 'alice', target: 'repo1' })).toEqual([]);
      // Ordered by node keys: app:demo/group:... before app:demo/user:..., then the target's key.
      expect(pairs(await all())).toEqual([
        'devs -> repo1',
        'eng -> repo1',
        'alice -> Demo',
        'bob -> repo1',
        'carol -> repo2',
        ...['Demo', 'repo1', 'repo1.src', 'repo2', 'wiki1'].map((t) => `dave -> ${t}`),
        ...['repo1', 'repo1.src', 'repo2'].map((t) => `erin -> ${t}`),
      ]);
    });

    it('pages 270 pairs by 100, each exactly once and in order, with or without a filter', async () => {
      const f = new GraphFixture();
      const a = f.application(DEMO);
      const readers = f.entity(a, 'local_group', 'readers');
      const read = f.permission(a, 'read', ['DataRead']);
      const resources = Array.from({ length: 8 }, (_, i) => f.resource(a, `r${i}`, 'repo'));
      f.grant(readers, read, a, { descendants: true });
      for (let i = 0; i < 60; i++) {
        const u = f.entity(a, 'local_user', `u${String(i).padStart(3, '0')}`);
        // Every other user is in the group; the rest hold nothing, so the walk meets gaps.
        if (i % 2 === 0) f.member(u, readers);
      }
      f.grant(f.entity(a, 'local_user', 'zed'), read, resources[3]!);
      await commit(f.build());
      const expected = 31 * 9 + 1;
      const walk = async (query: Partial<EffectivePermissionQuery>, pageSize: number) => {
        const seen: string[] = [];
        let after: EffectivePermissionQuery['after'];
        let pages = 0;
        do {
          const page = await store.listEffectivePermissions(dsId, { pageSize, after, ...query });
          expect(page.items.length).toBeLessThanOrEqual(pageSize);
          seen.push(...pairs(page.items));
          after = page.nextAfter;
          pages++;
        } while (after && pages < 100);
        return { seen, pages };
      };
      const unfiltered = await walk({}, 100);
      expect(unfiltered.pages).toBe(Math.ceil(expected / 100));
      expect(unfiltered.seen).toHaveLength(expected);
      expect(new Set(unfiltered.seen).size).toBe(expected);
      expect(unfiltered.seen).toEqual(pairs(await all()));
      const byTarget = await walk({ target: 'r3' }, 7);
      expect(byTarget.seen).toEqual(pairs(await all({ target: 'r3' })));
      expect(byTarget.seen).toHaveLength(32);
      await expect(store.listEffectivePermissions(dsId, { pageSize: 10, after: ['only-one'] })).rejects.toMatchObject({ code: 'invalid_cursor' });
    });

    it('answers an empty page for a data source without pushes or that does not exist', async () => {
      expect(await store.listEffectivePermissions(dsId, { pageSize: 10 })).toEqual({ items: [] });
      expect(await store.listEffectivePermissions(randomUUID(), { pageSize: 10 })).toEqual({ items: [] });
      expect(await store.getDataSourceState(dsId)).toBeUndefined();
    });

    it('marks the data source pushed and declares its types on the provider', async () => {
      const rec = await commit(demoGraph(), { record: { warnings: [{ message: 'w1' }, { message: 'w2' }] } });
      expect(await store.getDataSource(providerId, dsId)).toMatchObject({
        status: 'SUCCESS',
        last_push_at: rec.started_at,
        last_push_warnings: 2,
        incremental_allowed: true,
        updated_at: rec.started_at,
      });
      expect(await store.getProvider(providerId)).toMatchObject({ application_types: ['demo'], resource_types: ['repo', 'wiki'] });
    });

    it('replaces the graph on the next push and keeps tags additively while their node exists', async () => {
      const seq = await seqOf(dsId);
      await commit(
        demoGraph((f, ids) => {
          f.tag(ids.alice, 'team', 'a').tag(ids.bob, 'x', '1').tag(ids.app, 'env', 'prod').tag(ids.repo1, 'flag');
        }),
      );
      expect(await tagsOf(seq)).toEqual(['app:demo env=prod', 'app:demo/resource:repo1 flag=', 'app:demo/user:alice team=a', 'app:demo/user:bob x=1']);
      const f = new GraphFixture();
      const a = f.application(DEMO);
      const alice = f.entity(a, 'local_user', 'alice');
      const carol = f.entity(a, 'local_user', 'carol');
      const write = f.permission(a, 'write', ['DataWrite']);
      f.tag(alice, 'team', 'b').tag(alice, 'team', 'a').tag(alice, 'team', 'b').tag(carol, 'new', 'yes');
      f.grant(carol, write, a);
      const second = f.build();
      await commit(second);
      expect(pairs(await all())).toEqual(['carol -> Demo']);
      expect(await tagsOf(seq)).toEqual([
        'app:demo env=prod', // the application still exists: its tag stays
        'app:demo/user:alice team=a',
        'app:demo/user:alice team=b',
        'app:demo/user:carol new=yes',
      ]);
      expect(await rowCounts(seq)).toMatchObject({ graph_nodes: second.nodes.length, graph_grants: 1, graph_reach: 2, graph_ancestry: 1, pushes: 2 });
      expect(await store.getProvider(providerId)).toMatchObject({ application_types: ['demo'], resource_types: [] });
    });

    it('an incremental commit removes exactly the tags it names, after the graph keeps the others', async () => {
      const seq = await seqOf(dsId);
      const tagged = () => demoGraph((f, ids) => void f.tag(ids.alice, 'team', 'a').tag(ids.alice, 'tier', 'gold').tag(ids.app, 'env', 'prod'));
      await commit(tagged());
      const base = (await store.getDataSourceState(dsId))!.pushedAt;
      await commit(tagged(), {
        incremental: {
          basePushedAt: base,
          tagRemovals: [
            { nodeKey: 'app:demo/user:alice', key: 'team', value: 'a' },
            { nodeKey: 'app:demo/user:alice', key: 'tier', value: 'silver' }, // not there: nothing to remove
          ],
        },
      });
      expect(await tagsOf(seq)).toEqual(['app:demo env=prod', 'app:demo/user:alice tier=gold']);
    });

    it('refuses an incremental commit whose base state was replaced meanwhile, changing nothing', async () => {
      await commit(demoGraph(), { state: 'base' });
      const base = (await store.getDataSourceState(dsId))!.pushedAt;
      await commit(demoGraph(), { state: 'another replica' });
      const before = await snapshot();
      await expect(commit(demoGraph(), { state: 'stale change', incremental: { basePushedAt: base } })).rejects.toMatchObject({ name: 'StoreError', code: 'conflict' });
      expect(await snapshot()).toEqual(before);
      const current = (await store.getDataSourceState(dsId))!;
      expect(Buffer.from(current.payload).toString()).toBe('another replica');
      await commit(demoGraph(), { state: 'change applied again', incremental: { basePushedAt: current.pushedAt } });
      expect(Buffer.from((await store.getDataSourceState(dsId))!.payload).toString()).toBe('change applied again');
    });

    it('keeps exactly one copy of the state: the last committed bytes', async () => {
      await commit(demoGraph(), { state: 'first payload' });
      expect(Buffer.from((await store.getDataSourceState(dsId))!.payload).toString()).toBe('first payload');
      await commit(demoGraph(), { state: 'second payload' });
      expect(Buffer.from((await store.getDataSourceState(dsId.toUpperCase()))!.payload).toString()).toBe('second payload');
      expect((await rowCounts(await seqOf(dsId))).data_source_states).toBe(1);
    });

    it('lists pushes newest first, pages them, and round-trips every field', async () => {
      const first = await commit(demoGraph(), { record: { warnings: [{ message: 'W', path: 'a.b', code: 'c' }] } });
      const rejected = record(dsId, { outcome: 'REJECTED', errors: [{ field: 'applications[0]', description: 'bad' }], key_id: null, incremental: true });
      await store.recordFailedPush(rejected, rejected.started_at);
      const second = await commit(demoGraph());
      // Same start time as `second`: the id breaks the tie, descending.
      const twin = record(dsId, { started_at: second.started_at, outcome: 'FAILED' });
      await store.recordFailedPush(twin, twin.started_at);
      const newestFirst = [
        ...[second, twin].sort((x, y) => (x.id < y.id ? 1 : -1)),
        rejected,
        first,
      ];
      const page1 = await store.listPushes(dsId, { pageSize: 3 });
      expect(page1.items).toEqual(newestFirst.slice(0, 3));
      const page2 = await store.listPushes(dsId, { pageSize: 3, after: page1.nextAfter });
      expect(page2).toEqual({ items: [first] });
      expect(await store.listPushes(randomUUID(), { pageSize: 3 })).toEqual({ items: [] });
      await expect(store.listPushes(dsId, { pageSize: 3, after: [1] })).rejects.toMatchObject({ code: 'invalid_cursor' });
    });

    it('keeps the first 1,000 warnings and errors of a push, and counts them all', async () => {
      const warnings = Array.from({ length: 1500 }, (_, i) => ({ message: `warning ${i}` }));
      await commit(demoGraph(), { record: { warnings } });
      const [listed] = (await store.listPushes(dsId, { pageSize: 1 })).items;
      expect(listed!.warnings).toEqual(warnings.slice(0, 1000));
      expect((await store.getDataSource(providerId, dsId))?.last_push_warnings).toBe(1500);
    });

    it('records a rejected push without touching status, a failed one by marking it FAILED; the graph stays', async () => {
      await store.recordFailedPush(record(dsId, { outcome: 'REJECTED' }), at(50));
      expect((await store.getDataSource(providerId, dsId))?.status).toBe('PENDING');
      await commit(demoGraph());
      const before = await snapshot();
      await store.recordFailedPush(record(dsId, { outcome: 'REJECTED' }), at(60));
      expect(await store.getDataSource(providerId, dsId)).toEqual(before.dataSource);
      await store.recordFailedPush(record(dsId, { outcome: 'FAILED' }), at(70));
      expect(await store.getDataSource(providerId, dsId)).toMatchObject({ status: 'FAILED', updated_at: at(70), last_push_at: before.dataSource!.last_push_at });
      expect(await all()).toEqual(before.permissions);
      expect((await store.getDataSourceState(dsId))?.payload).toEqual(before.state);
      expect((await store.listPushes(dsId, { pageSize: 100 })).items.map((p) => p.outcome)).toEqual(['FAILED', 'REJECTED', 'SUCCESS', 'REJECTED']);
      await store.recordFailedPush(record(randomUUID(), { outcome: 'FAILED' }), at(80)); // no such data source: dropped
    });

    it('leaves graph, state, status, tags and history exactly as they were when a commit fails midway', async () => {
      await commit(demoGraph((f, ids) => f.tag(ids.alice, 'keep', 'me')), { state: 'good' });
      const before = await snapshot();
      const failures: Array<[string, DerivedGraph, Partial<PushRecord>]> = [
        // An identity reference without its identity breaks NOT NULL after nodes, edges, reach,
        // ancestry and grants are written (identity references are the last graph table).
        ['identity reference violating NOT NULL', demoGraph((f, ids) => f.identity(ids.alice, null as unknown as string)), {}],
        // Two nodes with one key break the unique key while nodes are written.
        ['duplicate node key', duplicateKeyGraph(), {}],
        // The push record comes last: a duplicate id fails after graph, tags and state are written.
        ['duplicate push id', demoGraph((f, ids) => f.tag(ids.bob, 'lost', 'tag')), { id: before.pushes[0]!.id }],
      ];
      for (const [, graph, overrides] of failures) {
        await expect(commit(graph, { state: 'bad', record: overrides })).rejects.toThrow();
        expect(await snapshot()).toEqual(before);
      }
      // The store still works afterwards.
      await commit(demoGraph(), { state: 'after' });
      expect(Buffer.from((await store.getDataSourceState(dsId))!.payload).toString()).toBe('after');
    });

    it('refuses a commit to a data source of another provider, or one that is gone', async () => {
      const other = await newProvider('Other');
      await expect(commit(demoGraph(), { provider: other.id })).rejects.toMatchObject({ code: 'internal' });
      await expect(commit(demoGraph(), { ds: randomUUID() })).rejects.toMatchObject({ code: 'internal' });
      expect(await store.getDataSourceState(dsId)).toBeUndefined();
    });

    it('removes every row a data source contributed when it is deleted, and its provider types', async () => {
      const other = await newDataSource(providerId, 'staging');
      await commit(demoGraph((f, ids) => f.tag(ids.alice, 't', 'v').identity(ids.alice, 'alice@example.com')));
      await commit(otherGraph('Wiki', 'confluence'), { ds: other.id });
      const seq = await seqOf(dsId);
      const counts = await rowCounts(seq);
      expect(Object.entries(counts).filter(([, n]) => n === 0)).toEqual([]);
      expect(await store.getProvider(providerId)).toMatchObject({ application_types: ['confluence', 'demo'] });
      expect(await store.deleteDataSource(providerId, dsId)).toBe(true);
      expect(await rowCounts(seq)).toEqual(Object.fromEntries(DS_TABLES.map((t) => [t, 0])));
      expect(await store.getProvider(providerId)).toMatchObject({ application_types: ['confluence'], resource_types: ['page'] });
      expect(await all({}, other.id)).toHaveLength(1);
    });

    it('removes every row of every data source of a deleted provider, and nothing of another provider', async () => {
      const kept = await newProvider('Kept');
      const keptDs = await newDataSource(kept.id, 'prod');
      await commit(demoGraph((f, ids) => f.tag(ids.alice, 't', 'v')));
      await commit(otherGraph('Wiki', 'confluence'), { ds: keptDs.id, provider: kept.id });
      const seq = await seqOf(dsId);
      const keptSeq = await seqOf(keptDs.id);
      const keptCounts = await rowCounts(keptSeq);
      expect(await store.deleteProvider(providerId)).toBe(true);
      expect(await rowCounts(seq)).toEqual(Object.fromEntries(DS_TABLES.map((t) => [t, 0])));
      expect(await rowCounts(keptSeq)).toEqual(keptCounts);
    });

    it('keeps pushes to two data sources apart', async () => {
      const other = await newDataSource(providerId, 'staging');
      await commit(otherGraph('Wiki', 'confluence', [{ key: 'o', value: '1' }]), { ds: other.id, state: 'other' });
      const otherBefore = await snapshot(other.id);
      await commit(demoGraph(), { state: 'one' });
      await commit(demoGraph((f, ids) => f.tag(ids.bob, 'b', '2')), { state: 'two' });
      expect(await snapshot(other.id)).toEqual({ ...otherBefore, provider: await store.getProvider(providerId) });
      expect(pairs(await all({}, other.id))).toEqual(['reader -> Wiki']);
      expect(pairs(await all({ principal: 'reader' }))).toEqual([]);
    });

    it('lets concurrent pushes to two data sources of one provider both declare their types', async () => {
      const others = await Promise.all(['a', 'b', 'c'].map((name) => newDataSource(providerId, name)));
      await Promise.all([
        commit(demoGraph()),
        ...others.map((ds, i) => commit(otherGraph('Wiki', i === 0 ? 'demo' : `wiki${i}`), { ds: ds.id })),
      ]);
      expect(await store.getProvider(providerId)).toMatchObject({
        application_types: ['demo', 'wiki1', 'wiki2'],
        resource_types: ['page', 'repo', 'wiki'],
      });
    });

    it('serializes concurrent pushes to one data source: the last writer wins whole', async () => {
      const small = otherGraph('Wiki', 'confluence');
      const big = demoGraph();
      await Promise.all([commit(big, { state: 'big' }), commit(small, { state: 'small' }), commit(big, { state: 'big' })]);
      const counts = await rowCounts(await seqOf(dsId));
      const state = Buffer.from((await store.getDataSourceState(dsId))!.payload).toString();
      const graph = state === 'small' ? small : big;
      expect(counts).toMatchObject({ graph_nodes: graph.nodes.length, graph_grants: graph.grants.length, pushes: 3 });
    });
  });
}
