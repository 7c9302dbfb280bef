import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeysetValue } from '@accessgraph/core';
import { POSTGRES_CAPABILITIES } from './capabilities.js';
import type { KyselyStore } from './kysely-store.js';
import { allMigrations } from './migrations/index.js';
import type { SavedQueryRecord } from './saved-queries.js';
import { StoreError } from './store-error.js';
import { testBackends, type TestDatabase } from './test-support/test-backends.js';

const T0 = '2026-01-01T00:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

/** Saved queries and reports (migration 0008) on both engines. */
for (const backend of testBackends()) {
  const title = backend.skipReason ? `Saved queries and reports on ${backend.name} (skipped: ${backend.skipReason})` : `Saved queries and reports on ${backend.name}`;
  describe.skipIf(backend.skipReason !== undefined)(title, () => {
    let db: TestDatabase | undefined;
    let store: KyselyStore;
    afterEach(async () => {
      await db?.dispose();
      db = undefined;
    });

    async function fresh(): Promise<void> {
      db = await backend.create();
      store = db.store;
    }

    async function query(name: string, seconds = 0, id: string = randomUUID()): Promise<SavedQueryRecord> {
      return store.createSavedQuery({ id, name, spec: { name, query_type: 'SOURCE_TO_DESTINATION' }, createdBy: 'key-1', now: at(seconds) });
    }

    async function report(name: string, queryIds: string[], seconds = 0) {
      const result = await store.createReport({ id: randomUUID(), name, fields: { description: name }, queryIds, by: 'key-1', now: at(seconds) });
      if (result.outcome !== 'written') throw new Error(`report not written: ${JSON.stringify(result)}`);
      return result.report;
    }

    it('stores a saved query with its spec as sent (unknown fields, nesting, unicode) and reads it back by id in any case', async () => {
      await fresh();
      const spec = {
        name: 'Guests — with «admin»',
        category: 'IDP_ANALYSIS',
        source_node_types: { nodes: [{ node_type: 'OAA.pytest.User', condition_expression: { specs: [{ property: 'customprop_is_guest', value: true }] } }] },
        no_relation: false,
        weird: [1, null, { deep: 'x' }],
      };
      const created = await store.createSavedQuery({ id: randomUUID(), name: spec.name, spec, createdBy: 'key-1', now: T0 });
      expect(created).toMatchObject({ name: spec.name, spec, createdBy: 'key-1', createdAt: T0, updatedAt: T0 });
      expect(await store.getSavedQuery(created.id.toUpperCase())).toEqual(created);
      expect(await store.getSavedQuery(randomUUID())).toBeUndefined();
      expect(await store.getSavedQuery('not a uuid')).toBeUndefined();
    });

    it('lists saved queries in (created_at, id) order across pages, each exactly once, while queries come and go', async () => {
      await fresh();
      // Two created in the same instant: the id decides, so the order is total.
      const sameTime = [randomUUID(), randomUUID()].sort();
      const made = [
        await query('c', 2),
        await query('a', 0),
        await query('tie-2', 1, sameTime[1]),
        await query('tie-1', 1, sameTime[0]),
        await query('b', 3),
      ];
      // Expected order worked out by hand: a (t0), tie-1 and tie-2 (t1, ids ascending), c (t2), b (t3).
      const expected = ['a', 'tie-1', 'tie-2', 'c', 'b'];
      const seen: string[] = [];
      let after: KeysetValue[] | undefined;
      let pages = 0;
      do {
        const page = await store.listSavedQueries({ pageSize: 2, ...(after ? { after } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((q) => q.name));
        after = page.nextAfter;
        pages++;
        if (pages === 1) {
          // Meanwhile: one already listed is deleted, a new one is created (last in the order).
          await store.deleteSavedQuery(made[1]!.id, { force: false });
          await query('d', 4);
        }
      } while (after);
      expect(seen).toEqual([...expected, 'd']);
      expect(pages).toBe(3);
      expect((await store.listSavedQueries({ pageSize: 100 })).items.map((q) => q.name)).toEqual(['tie-1', 'tie-2', 'c', 'b', 'd']);
      await expect(store.listSavedQueries({ pageSize: 2, after: ['x'] })).rejects.toThrow(StoreError);
      await expect(store.listSavedQueries({ pageSize: 2, after: [1, 2] })).rejects.toMatchObject({ code: 'invalid_cursor' });
    });

    it('creates a report with its queries in order, a repeated query once, and refuses unknown queries without writing anything', async () => {
      await fresh();
      const q1 = await query('q1');
      const q2 = await query('q2');
      const created = await report('R', [q2.id, q1.id.toUpperCase(), q2.id]);
      expect(created.queries).toEqual([
        { id: q2.id, name: 'q2' },
        { id: q1.id, name: 'q1' },
      ]);
      expect(created).toMatchObject({ name: 'R', fields: { description: 'R' }, createdBy: 'key-1', createdAt: T0, updatedAt: T0 });
      expect(await store.getReport(created.id.toUpperCase())).toEqual(created);

      const missing = randomUUID();
      const refused = await store.createReport({ id: randomUUID(), name: 'bad', fields: {}, queryIds: [q1.id, missing.toUpperCase()], by: 'key-1', now: T0 });
      expect(refused).toEqual({ outcome: 'unknown_queries', ids: [missing] });
      expect((await store.listReports({ pageSize: 10 })).items.map((r) => r.name)).toEqual(['R']);
      expect(await store.getReport(randomUUID())).toBeUndefined();
    });

    it('replaces a report: name, fields and queries change, id and creation stay; an unknown report or query changes nothing', async () => {
      await fresh();
      const [q1, q2, q3] = [await query('q1'), await query('q2'), await query('q3')];
      const created = await report('R', [q1.id, q2.id]);
      const replaced = await store.replaceReport({ id: created.id, name: 'R2', fields: { category: 'OAA' }, queryIds: [q3.id, q1.id], by: 'other-key', now: at(60) });
      expect(replaced).toEqual({
        outcome: 'written',
        report: { id: created.id, name: 'R2', fields: { category: 'OAA' }, queries: [{ id: q3.id, name: 'q3' }, { id: q1.id, name: 'q1' }], createdBy: 'key-1', createdAt: T0, updatedAt: at(60) },
      });
      expect(await store.replaceReport({ id: randomUUID(), name: 'x', fields: {}, queryIds: [], by: 'k', now: T0 })).toEqual({ outcome: 'not_found' });
      const missing = randomUUID();
      expect(await store.replaceReport({ id: created.id, name: 'R3', fields: {}, queryIds: [missing], by: 'k', now: at(90) })).toEqual({ outcome: 'unknown_queries', ids: [missing] });
      expect((await store.getReport(created.id))?.name).toBe('R2');
      expect((await store.getReport(created.id))?.queries.map((q) => q.name)).toEqual(['q3', 'q1']);
    });

    it('adds a query to a report at the end, once however often it is added', async () => {
      await fresh();
      const [q1, q2] = [await query('q1'), await query('q2')];
      const created = await report('R', [q1.id]);
      const added = await store.addQueryToReport({ reportId: created.id, queryId: q2.id.toUpperCase(), now: at(10) });
      expect(added).toMatchObject({ outcome: 'written', report: { queries: [{ id: q1.id }, { id: q2.id }], updatedAt: at(10) } });
      // Twice, and a query already there: one entry each, nothing changes (not even updatedAt).
      for (const id of [q2.id, q1.id]) {
        const again = await store.addQueryToReport({ reportId: created.id, queryId: id, now: at(20) });
        expect(again).toMatchObject({ outcome: 'written', report: { queries: [{ id: q1.id }, { id: q2.id }], updatedAt: at(10) } });
      }
      expect(await store.addQueryToReport({ reportId: randomUUID(), queryId: q1.id, now: T0 })).toEqual({ outcome: 'not_found' });
      const missing = randomUUID();
      expect(await store.addQueryToReport({ reportId: created.id, queryId: missing, now: T0 })).toEqual({ outcome: 'unknown_queries', ids: [missing] });
    });

    it('keeps a query that a report uses unless forced; forced, it leaves the report; deleting a report keeps its queries', async () => {
      await fresh();
      const [q1, q2] = [await query('q1'), await query('q2')];
      const r1 = await report('R1', [q1.id, q2.id], 1);
      const r2 = await report('R2', [q1.id], 2);
      expect(await store.deleteSavedQuery(q1.id, { force: false })).toEqual({
        outcome: 'in_use',
        reports: [
          { id: r1.id, name: 'R1' },
          { id: r2.id, name: 'R2' },
        ],
      });
      expect(await store.getSavedQuery(q1.id)).toBeDefined();
      expect(await store.deleteSavedQuery(q1.id.toUpperCase(), { force: true })).toEqual({ outcome: 'deleted' });
      expect(await store.getSavedQuery(q1.id)).toBeUndefined();
      expect((await store.getReport(r1.id))?.queries.map((q) => q.name)).toEqual(['q2']);
      expect((await store.getReport(r2.id))?.queries).toEqual([]);
      expect(await store.deleteSavedQuery(q1.id, { force: true })).toEqual({ outcome: 'not_found' });

      expect(await store.deleteReport(r1.id.toUpperCase())).toBe(true);
      expect(await store.getReport(r1.id)).toBeUndefined();
      expect(await store.deleteReport(r1.id)).toBe(false);
      // q2 is used by no report now: deleted without force.
      expect(await store.deleteSavedQuery(q2.id, { force: false })).toEqual({ outcome: 'deleted' });
    });

    it('lists reports in creation order across pages, each with its queries', async () => {
      await fresh();
      const q = await query('q');
      for (const [i, name] of ['r0', 'r1', 'r2', 'r3', 'r4'].entries()) await report(name, i % 2 === 0 ? [q.id] : [], 4 - i);
      const names: string[] = [];
      const withQuery: string[] = [];
      let after: KeysetValue[] | undefined;
      do {
        const page = await store.listReports({ pageSize: 2, ...(after ? { after } : {}) });
        names.push(...page.items.map((r) => r.name));
        withQuery.push(...page.items.filter((r) => r.queries.length === 1).map((r) => r.name));
        after = page.nextAfter;
      } while (after);
      // Created at 4 - i seconds: newest name first in creation order.
      expect(names).toEqual(['r4', 'r3', 'r2', 'r1', 'r0']);
      expect(withQuery).toEqual(['r4', 'r2', 'r0']);
    });

    it('adds its tables to a database made by the migrations before it, which then works', async () => {
      const earlier = Object.keys(allMigrations(POSTGRES_CAPABILITIES)).filter((name) => name < '0008-assessments');
      db = await backend.create({ startAt: { migrations: earlier, seed: async () => {} } });
      store = db.store;
      const q = await query('after upgrade');
      expect((await report('R', [q.id])).queries).toEqual([{ id: q.id, name: 'after upgrade' }]);
    });
  });
}
