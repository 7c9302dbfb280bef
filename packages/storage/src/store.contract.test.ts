import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseFilter, parseOrderBy, type FilterNode } from '@accessgraph/core';
import { DATA_SOURCE_LIST_FIELDS, PROVIDER_LIST_FIELDS, type ListRequest } from './store.js';
import type { KyselyStore } from './kysely-store.js';
import { StoreError } from './store-error.js';
import { testBackends, type TestDatabase } from './test-support/test-backends.js';

const T0 = '2026-01-01T00:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

function filter(text: string, fields: readonly string[] = PROVIDER_LIST_FIELDS): FilterNode {
  const parsed = parseFilter(text, fields);
  if (!parsed.ok) throw new Error(parsed.issues[0]!.message);
  return parsed.value;
}

function request(overrides: Partial<ListRequest> = {}): ListRequest {
  return { order: [{ field: 'name', direction: 'asc' }], pageSize: 100, ...overrides };
}

for (const backend of testBackends()) {
  const title = backend.skipReason ? `Store on ${backend.name} (skipped: ${backend.skipReason})` : `Store on ${backend.name}`;
  describe.skipIf(backend.skipReason !== undefined)(title, () => {
    let db: TestDatabase;
    let store: KyselyStore;

    beforeEach(async () => {
      db = await backend.create();
      store = db.store;
    });
    afterEach(async () => {
      await db.dispose();
    });

    async function provider(name: string, seconds = 0, template: 'application' | 'identity_provider' | 'hris' = 'application') {
      return store.createProvider({
        id: randomUUID(),
        name,
        customTemplate: template,
        provisioning: false,
        options: {},
        state: 'ENABLED',
        now: at(seconds),
      });
    }

    it('re-running migrations on an existing database changes nothing and keeps the data', async () => {
      const created = await provider('GitHub');
      const again = await db.reopen();
      expect(await again.getProvider(created.id)).toEqual(created);
      await again.ping();
    });

    it('creates a provider and reads it back with every documented field', async () => {
      const created = await store.createProvider({
        id: randomUUID(),
        name: 'Workday',
        customTemplate: 'hris',
        provisioning: true,
        options: { push_type: 1, internal_app_name: 'wd', custom_templates: ['hris'] },
        state: 'ENABLED',
        now: T0,
      });
      const read = await store.getProvider(created.id);
      expect(read).toMatchObject({
        id: created.id,
        name: 'Workday',
        custom_template: 'hris',
        state: 'ENABLED',
        provisioning: true,
        push_type: 1,
        internal_app_name: 'wd',
        custom_templates: ['hris'],
        schema_definition_json: 'e30=',
        application_types: [],
        created_at: T0,
      });
      expect(await store.getProvider(created.id.toUpperCase())).toEqual(read);
      expect(await store.getProvider(randomUUID())).toBeUndefined();
    });

    it('refuses a second provider whose name differs only in case', async () => {
      await provider('GitHub');
      const attempt = provider('github');
      await expect(attempt).rejects.toBeInstanceOf(StoreError);
      await expect(attempt).rejects.toMatchObject({ code: 'duplicate' });
      const all = await store.listProviders(request());
      expect(all.items.map((p) => p.name)).toEqual(['GitHub']);
    });

    it('filters providers with eq (any case), ne, co, sw, and, or', async () => {
      await provider('GitHub', 1);
      await provider('GitLab', 2, 'identity_provider');
      await provider('Okta (prod)', 3, 'identity_provider');
      await provider('100% "Quoted"', 4, 'hris');
      const names = async (text: string) =>
        (await store.listProviders(request({ filter: filter(text) }))).items.map((p) => p.name);
      expect(await names('name eq "github"')).toEqual(['GitHub']);
      expect(await names('name ne "GitHub"')).toEqual(['100% "Quoted"', 'GitLab', 'Okta (prod)']);
      expect(await names('name co "it"')).toEqual(['GitHub', 'GitLab']);
      expect(await names('name co "%"')).toEqual(['100% "Quoted"']);
      expect(await names('name sw "okta ("')).toEqual(['Okta (prod)']);
      expect(await names('name eq "100% "Quoted""')).toEqual(['100% "Quoted"']);
      expect(await names('custom_template eq identity_provider and name sw git')).toEqual(['GitLab']);
      expect(await names('name eq GitHub or custom_template eq HRIS')).toEqual(['100% "Quoted"', 'GitHub']);
      expect(await names('state eq enabled')).toHaveLength(4);
      expect(await names('state eq DISABLED')).toEqual([]);
    });

    it('orders providers by any sortable field in either direction', async () => {
      await provider('b', 1, 'hris');
      await provider('A', 2, 'application');
      await provider('c', 3, 'application');
      const order = (text: string) => {
        const parsed = parseOrderBy(text, PROVIDER_LIST_FIELDS);
        if (!parsed.ok) throw new Error('bad order');
        return parsed.value;
      };
      const names = async (text: string) => (await store.listProviders(request({ order: order(text) }))).items.map((p) => p.name);
      expect(await names('name')).toEqual(['A', 'b', 'c']);
      expect(await names('name desc')).toEqual(['c', 'b', 'A']);
      expect(await names('created_at desc')).toEqual(['c', 'A', 'b']);
      expect(await names('custom_template, name desc')).toEqual(['c', 'A', 'b']);
    });

    it('pages 1,000 data sources by 250: each exactly once, then no more', async () => {
      const owner = await provider('Big');
      for (let i = 0; i < 1000; i++) {
        await store.createDataSource({ id: randomUUID(), providerId: owner.id, name: `ds-${i % 7}-${i}`, now: at(i % 13) });
      }
      for (const orderText of ['name', 'created_at desc', 'status, created_at']) {
        const parsedOrder = parseOrderBy(orderText, DATA_SOURCE_LIST_FIELDS);
        if (!parsedOrder.ok) throw new Error('bad order');
        const seen: string[] = [];
        let after: ListRequest['after'];
        let pages = 0;
        do {
          const page = await store.listDataSources(owner.id, { order: parsedOrder.value, pageSize: 250, after });
          seen.push(...page.items.map((d) => d.id));
          after = page.nextAfter;
          pages++;
        } while (after && pages < 10);
        expect(pages).toBe(4);
        expect(seen).toHaveLength(1000);
        expect(new Set(seen).size).toBe(1000);
      }
    });

    it('rejects a cursor that does not fit the sort order', async () => {
      const owner = await provider('P');
      await expect(
        store.listDataSources(owner.id, request({ after: ['only-one-value'] })),
      ).rejects.toMatchObject({ code: 'invalid_cursor' });
    });

    it('scopes data sources to their provider and keeps names unique per provider', async () => {
      const a = await provider('A');
      const b = await provider('B');
      const ds = await store.createDataSource({ id: randomUUID(), providerId: a.id, name: 'Prod', now: T0 });
      expect(ds).toMatchObject({ name: 'Prod', provider_id: a.id, status: 'PENDING', custom_template: 'application', last_push_at: null });
      await expect(store.createDataSource({ id: randomUUID(), providerId: a.id, name: 'PROD', now: T0 })).rejects.toMatchObject({
        code: 'duplicate',
      });
      await store.createDataSource({ id: randomUUID(), providerId: b.id, name: 'prod', now: T0 });
      expect(await store.getDataSource(b.id, ds.id)).toBeUndefined();
      expect(await store.getDataSource(a.id, ds.id)).toEqual(ds);
      const listed = await store.listDataSources(a.id, request({ filter: filter('name eq "prod"', DATA_SOURCE_LIST_FIELDS) }));
      expect(listed.items.map((d) => d.id)).toEqual([ds.id]);
      expect(await store.deleteDataSource(b.id, ds.id)).toBe(false);
      expect(await store.deleteDataSource(a.id, ds.id)).toBe(true);
      expect(await store.getDataSource(a.id, ds.id)).toBeUndefined();
    });

    it('records data source status changes', async () => {
      const p = await provider('P');
      const ds = await store.createDataSource({ id: randomUUID(), providerId: p.id, name: 'x', now: T0 });
      await store.setDataSourceStatus(ds.id, 'SUCCESS', at(5));
      expect(await store.getDataSource(p.id, ds.id)).toMatchObject({ status: 'SUCCESS', updated_at: at(5) });
    });

    it('deletes a provider with its data sources, icon and types, leaving others alone', async () => {
      const doomed = await provider('Doomed');
      const kept = await provider('Kept');
      const ds = await store.createDataSource({ id: randomUUID(), providerId: doomed.id, name: 'one', now: T0 });
      const keptDs = await store.createDataSource({ id: randomUUID(), providerId: kept.id, name: 'one', now: T0 });
      await store.putProviderIcon({ providerId: doomed.id, mimeType: 'image/png', base64: 'AAAA' }, T0);
      await store.setProviderTypes(doomed.id, { application_types: ['doomed_app'], resource_types: [], idp_types: [], hris_types: [] });
      expect(await store.deleteProvider(doomed.id)).toBe(true);
      expect(await store.getProvider(doomed.id)).toBeUndefined();
      expect(await store.getDataSource(doomed.id, ds.id)).toBeUndefined();
      expect(await store.getProviderIcon(doomed.id)).toBeUndefined();
      expect(await store.findIconByType({ schemaType: 'doomed_app' })).toBeUndefined();
      expect(await store.getDataSource(kept.id, keptDs.id)).toBeDefined();
      expect(await store.deleteProvider(doomed.id)).toBe(false);
    });

    it('updates provisioning and name, refusing a taken name', async () => {
      const p = await provider('Acme HR', 0, 'hris');
      await provider('Other');
      const updated = await store.updateProvider(p.id, { provisioning: true, now: at(9) });
      expect(updated).toMatchObject({ provisioning: true, updated_at: at(9), name: 'Acme HR' });
      await expect(store.updateProvider(p.id, { name: 'OTHER', now: at(10) })).rejects.toMatchObject({ code: 'duplicate' });
      expect((await store.getProvider(p.id))?.name).toBe('Acme HR');
      expect(await store.updateProvider(randomUUID(), { provisioning: true, now: T0 })).toBeUndefined();
    });

    it('stores, replaces and deletes icons, and finds them by declared type', async () => {
      const p = await provider('Icons');
      await store.putProviderIcon({ providerId: p.id, mimeType: 'image/png', base64: 'AAAA' }, T0);
      await store.putProviderIcon({ providerId: p.id, mimeType: 'image/svg+xml', base64: 'BBBB' }, at(1));
      expect(await store.getProviderIcon(p.id)).toEqual({ providerId: p.id, mimeType: 'image/svg+xml', base64: 'BBBB' });
      await store.setProviderTypes(p.id, {
        application_types: ['My_App'],
        resource_types: ['Repo'],
        idp_types: [],
        hris_types: [],
      });
      expect((await store.getProvider(p.id))?.application_types).toEqual(['My_App']);
      expect(await store.findIconByType({ schemaType: 'my_app' })).toMatchObject({ providerId: p.id });
      expect(await store.findIconByType({ nodeType: 'repo' })).toMatchObject({ providerId: p.id });
      expect(await store.findIconByType({ schemaType: 'repo' })).toBeUndefined();
      expect(await store.deleteProviderIcon(p.id)).toBe(true);
      expect(await store.deleteProviderIcon(p.id)).toBe(false);
      expect(await store.findIconByType({ schemaType: 'my_app' })).toBeUndefined();
    });

    it('keeps API keys as hashes, lists them, revokes once and records use', async () => {
      const record = {
        id: 'a1b2c3d4e5f60718',
        name: 'ci',
        role: 'admin' as const,
        keyHash: 'f'.repeat(64),
        prefix: 'agk_a1b2c3d4e5f60718',
        createdAt: T0,
        lastUsedAt: null,
        revokedAt: null,
      };
      await store.createApiKey(record);
      await expect(store.createApiKey(record)).rejects.toMatchObject({ code: 'duplicate' });
      expect(await store.getApiKey(record.id)).toEqual(record);
      await store.touchApiKey(record.id, at(3));
      expect(await store.revokeApiKey(record.id, at(4))).toBe(true);
      expect(await store.revokeApiKey(record.id, at(8))).toBe(true);
      expect(await store.listApiKeys()).toEqual([{ ...record, lastUsedAt: at(3), revokedAt: at(4) }]);
      expect(await store.revokeApiKey('0000000000000000', at(4))).toBe(false);
    });
  });
}
