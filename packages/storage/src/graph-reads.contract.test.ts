import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CustomTemplate } from '@accessgraph/contract';
import { readNodeSearch, type KeysetValue, type NodeSearch } from '@accessgraph/core';
import { validIdpPayload } from '../../core/src/idp/test-support/idp-payloads.js';
import { shopPayload } from '../../core/src/linking/test-support/shop-payload.js';
import type { KyselyStore } from './kysely-store.js';
import { commitPayload, pushPayload, pushPayloadCommitted } from './test-support/push-payload.js';
import { testBackends, type TestDatabase } from './test-support/test-backends.js';

/** The query API's graph reads on both engines: node search, one node, neighbours both ways and across links. */
for (const backend of testBackends()) {
  const title = backend.skipReason ? `Graph reads on ${backend.name} (skipped: ${backend.skipReason})` : `Graph reads on ${backend.name}`;
  describe.skipIf(backend.skipReason !== undefined)(title, () => {
    let db: TestDatabase;
    let store: KyselyStore;
    let shop: string;
    let idp: string;

    beforeEach(async () => {
      db = await backend.create();
      store = db.store;
      shop = await pushed('application', shopPayload());
      idp = await pushed('identity_provider', validIdpPayload());
    });
    afterEach(async () => {
      await db.dispose();
    });

    const pushed = (template: CustomTemplate, payload: unknown) => pushPayload(store, template, payload);

    const search = (params: Parameters<typeof readNodeSearch>[0]): NodeSearch => {
      const checked = readNodeSearch(params);
      if (!checked.ok) throw new Error(checked.issues[0]!.message);
      return checked.value;
    };

    it('searches every data source in (data source id, node key) order, with SQL and JavaScript conditions together', async () => {
      const all = await store.searchNodes({ search: search({}), pageSize: 1000, total: true });
      expect(all.total).toBe(all.items.length);
      const order = all.items.map((n) => n.data_source_id);
      expect(order).toEqual([...order].sort());
      const users = await store.searchNodes({ search: search({ type: 'idp_user', key_contains: 'U', filter: 'email co corp' }), pageSize: 10 });
      expect(users.items.map((n) => n.key)).toEqual(['u1', 'u2']);
      const tagged = await store.searchNodes({ search: search({ tag: 'env=prod', name: 'CORP.EXAMPLE' }), pageSize: 10 });
      expect(tagged.items.map((n) => `${n.type} ${n.data_source_id === idp}`)).toEqual(['idp_domain true']);
      const first = await store.searchNodes({ search: search({ type: 'idp_user' }), pageSize: 1 });
      const rest = await store.searchNodes({ search: search({ type: 'idp_user' }), pageSize: 10, after: first.nextAfter! });
      expect([...first.items, ...rest.items].map((n) => n.key)).toEqual(['cy', 'u1', 'u2']);
    });

    it('reads a node with its neighbours out, in (through the edge target index) and across identity links', async () => {
      const [admins] = (await store.searchNodes({ search: search({ type: 'idp_group', key: 'admins' }), pageSize: 1 })).items;
      const detail = await store.getNode(admins!.id);
      expect(detail).toMatchObject({ key: 'admins', template: 'identity_provider', data_source_id: idp });
      expect(detail!.neighbours).toEqual([
        { edge: 'contains', direction: 'in', count: 1 },
        { edge: 'linked', direction: 'in', count: 1 },
        { edge: 'member_of', direction: 'in', count: 2 },
        { edge: 'member_of', direction: 'out', count: 1 },
      ]);
      const page = await store.listNeighbours(admins!.id, { pageSize: 10 });
      expect(page!.items.map((n) => `${n.direction} ${n.edge} ${n.node.key} ${n.node.data_source_id === shop ? 'shop' : 'idp'}`)).toEqual([
        'in contains corp.example idp',
        'in linked clerks shop',
        'in member_of ops idp',
        'in member_of u2 idp',
        'out member_of staff idp',
      ]);
      // Two at a time: the same neighbours, each once.
      const paged: string[] = [];
      let after: Parameters<typeof store.listNeighbours>[1]['after'];
      do {
        const next = await store.listNeighbours(admins!.id, { pageSize: 2, ...(after ? { after } : {}) });
        paged.push(...next!.items.map((n) => n.node.id));
        after = next!.nextAfter;
      } while (after);
      expect(paged).toEqual(page!.items.map((n) => n.node.id));
      expect(await store.getNode('x')).toBeUndefined();
    });

    it("pages an IdP user's access over several data sources at every page size, each row once, in (data source, target) order", async () => {
      await pushed('application', shopPayload());
      await pushed('application', shopPayload());
      const [bob] = (await store.searchNodes({ search: search({ type: 'idp_user', key: 'u2' }), pageSize: 1 })).items;
      const all = (await store.listPrincipalAccess(bob!.id, { pageSize: 1000 }))!.items;
      const keys = all.map((r) => `${r.target.data_source_id} ${r.target.key}`);
      expect(new Set(all.map((r) => r.target.data_source_id)).size).toBe(3);
      expect(keys).toEqual([...keys].sort());
      for (let pageSize = 1; pageSize <= all.length + 1; pageSize++) {
        const paged: typeof all = [];
        let after: KeysetValue[] | undefined;
        do {
          const page = (await store.listPrincipalAccess(bob!.id, { pageSize, ...(after ? { after } : {}) }))!;
          expect(page.items.length).toBeLessThanOrEqual(pageSize);
          paged.push(...page.items);
          after = page.nextAfter;
        } while (after);
        expect(paged, `page size ${pageSize}`).toEqual(all);
      }
    });

    it("answers an IdP user's access across applications through its account and its nested groups' links", async () => {
      // bob (u2) is in admins, in staff: bob-local (mapping) holds view, clerks (to admins) the role editor, the idp identity staff the role viewer.
      const [bob] = (await store.searchNodes({ search: search({ type: 'idp_user', key: 'u2' }), pageSize: 1 })).items;
      const page = await store.listPrincipalAccess(bob!.id, { pageSize: 10 });
      expect(page!.items.map((r) => [r.target.key, r.target.data_source_id, r.permissions, r.paths.map((p) => p.linked?.key).sort()])).toEqual([
        ['Shop', shop, ['edit', 'view'], ['bob-local', 'clerks', 'staff']],
      ]);
      const writes = await store.listPrincipalAccess(bob!.id, { pageSize: 10, canonicalType: 'datawrite' });
      expect(writes!.items.map((r) => r.permissions)).toEqual([['edit']]);
      expect(await store.listPrincipalAccess('x', { pageSize: 10 })).toBeUndefined();
    });

    it('answers from the graph a re-push of the data source left (PostgreSQL re-plans its prepared statements on the new partitions)', async () => {
      const target = await pushPayloadCommitted(store, 'application', shopPayload());
      const [bob] = (await store.searchNodes({ search: search({ type: 'idp_user', key: 'u2' }), pageSize: 1 })).items;
      const access = async () => (await store.listPrincipalAccess(bob!.id, { pageSize: 10, dataSourceId: target.dataSourceId }))!.items.map((r) => [r.permissions, r.paths.map((p) => p.linked?.key).sort()]);
      expect(await access()).toEqual([[['edit', 'view'], ['bob-local', 'clerks', 'staff']]]);
      // The same application without the clerks' editor role: bob keeps view, through his account and the staff binding.
      const payload = shopPayload();
      payload.identity_to_permissions = payload.identity_to_permissions!.filter((entry) => entry.identity !== 'clerks');
      await commitPayload(store, target, 'application', payload);
      expect(await access()).toEqual([[['view'], ['bob-local', 'staff']]]);
    });

    it('answers who reaches an application, with the IdP principals behind each', async () => {
      const [app] = (await store.searchNodes({ search: search({ type: 'application', data_source_id: shop }), pageSize: 1 })).items;
      const page = await store.listEntityAccess(app!.id, { pageSize: 10 });
      expect(page!.items.map((r) => `${r.principal.key} ${r.permissions.join(',')} ${r.identities.map((i) => i.identity.key).join(',')}`).sort()).toEqual([
        'ann-local view u1',
        'bob-local view u2',
        'clerks edit admins',
        'ghost@corp.example view ',
        'staff view staff',
        'zed view ',
      ]);
      const two = await store.listEntityAccess(app!.id, { pageSize: 2 });
      const rest = await store.listEntityAccess(app!.id, { pageSize: 10, after: two!.nextAfter! });
      expect([...two!.items, ...rest!.items].map((r) => r.principal.key)).toEqual(page!.items.map((r) => r.principal.key));
    });

    it('refuses a node of a kind the request does not name, answering the others as without kinds', async () => {
      const [app] = (await store.searchNodes({ search: search({ type: 'application', data_source_id: shop }), pageSize: 1 })).items;
      const [bob] = (await store.searchNodes({ search: search({ type: 'idp_user', key: 'u2' }), pageSize: 1 })).items;
      await expect(store.listPrincipalAccess(app!.id, { pageSize: 10, kinds: ['idp_user'] })).rejects.toMatchObject({ name: 'NodeKindError', kind: 'application' });
      await expect(store.listEntityAccess(bob!.id, { pageSize: 10, kinds: ['application'] })).rejects.toMatchObject({ name: 'NodeKindError', kind: 'idp_user' });
      expect(await store.listPrincipalAccess(bob!.id, { pageSize: 10, kinds: ['idp_user'] })).toEqual(await store.listPrincipalAccess(bob!.id, { pageSize: 10 }));
      expect(await store.listEntityAccess(app!.id, { pageSize: 10, kinds: ['application'] })).toEqual(await store.listEntityAccess(app!.id, { pageSize: 10 }));
      expect(await store.listPrincipalAccess('x', { pageSize: 10, kinds: ['idp_user'] })).toBeUndefined();
    });
  });
}
