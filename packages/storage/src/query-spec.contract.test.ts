import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CustomTemplate, QuerySpecNode } from '@accessgraph/contract';
import { parseQuerySpec, type KeysetValue, type QuerySpec } from '@accessgraph/core';
import { validIdpPayload } from '../../core/src/idp/test-support/idp-payloads.js';
import { shopPayload } from '../../core/src/linking/test-support/shop-payload.js';
import type { KyselyStore } from './kysely-store.js';
import { pushPayload } from './test-support/push-payload.js';
import { testBackends, type TestDatabase } from './test-support/test-backends.js';

/**
 * Query specs on both engines, over `shopPayload` and the core tests' identity provider (answers
 * worked out in the payloads' comments): Shop's users all view the application (ann-local and
 * zed by the role viewer, bob-local directly), clerks edit it; ann-local links to the IdP user
 * u1, bob-local to u2, zed to nobody; u2 edits Shop through clerks (linked to his group admins).
 */
for (const backend of testBackends()) {
  const title = backend.skipReason ? `Query specs on ${backend.name} (skipped: ${backend.skipReason})` : `Query specs on ${backend.name}`;
  describe.skipIf(backend.skipReason !== undefined)(title, () => {
    let db: TestDatabase;
    let store: KyselyStore;

    beforeEach(async () => {
      db = await backend.create();
      store = db.store;
      await pushed('application', shopPayload());
      await pushed('identity_provider', validIdpPayload());
    });
    afterEach(async () => {
      await db.dispose();
    });

    const pushed = (template: CustomTemplate, payload: unknown) => pushPayload(store, template, payload);

    const spec = (body: Record<string, unknown>): QuerySpec => {
      const checked = parseQuerySpec(body);
      if (!checked.ok) throw new Error(checked.issues[0]!.message);
      return checked.value;
    };

    /** Every result, `pageSize` at a time. */
    async function all(query: QuerySpec, pageSize: number): Promise<QuerySpecNode[]> {
      const rows: QuerySpecNode[] = [];
      let after: KeysetValue[] | undefined;
      do {
        const page = await store.evaluateQuerySpec({ spec: query, pageSize, ...(after ? { after } : {}) });
        rows.push(...page.items);
        after = page.nextAfter;
      } while (after);
      return rows;
    }
    const answered = (rows: QuerySpecNode[]) => rows.map((r) => `${r.node.key} ${r.destination_node_count} ${r.permissions.join(',')}`);

    it('answers sources by node type and condition, in (data source id, node key) order, page by page, and counts them', async () => {
      const users = spec({ source_node_types: { nodes: [{ node_type: 'User', condition_expression: { specs: [{ fn: 'NEQ', property: 'name', value: 'cy' }] } }] } });
      const rows = await all(users, 1000);
      // Shop's three users and the IdP's u1 and u2 (cy excluded), each data source's in key order.
      expect(rows.map((r) => r.node.key).sort()).toEqual(['ann-local', 'bob-local', 'u1', 'u2', 'zed']);
      const order = rows.map((r) => `${r.node.data_source_id} ${r.node.key}`);
      expect(order).toEqual([...order].sort());
      expect((await all(users, 2)).map((r) => r.id)).toEqual(rows.map((r) => r.id));
      expect(await store.countQuerySpec(users)).toBe(5);
    });

    it('answers relations: permissions on destinations across linked accounts, identity links, and their absence', async () => {
      const editors = spec({ source_node_types: { nodes: [{ node_type: 'User' }] }, destination_node_types: { nodes: [{ node_type: 'OAA.shop.Application' }] }, raw_permissions: { values: ['edit'] } });
      expect(answered(await all(editors, 10))).toEqual(['u2 1 edit,view']);
      const readers = spec({ source_node_types: { nodes: [{ node_type: 'OAA.shop.User' }] }, effective_permissions: { values: ['DATA_READ'] } });
      expect(answered(await all(readers, 10)).sort()).toEqual(['ann-local 1 view', 'bob-local 1 view', 'zed 1 view']);
      const unlinked = spec({ source_node_types: { nodes: [{ node_type: 'OAA.shop.User' }] }, destination_node_types: { nodes: [{ node_type: 'IdPUser' }] }, no_relation: true });
      expect(answered(await all(unlinked, 10))).toEqual(['zed 0 ']);
      expect(await store.countQuerySpec(unlinked)).toBe(1);
      // The same through relates_to_exp, with a second relation: zed views Shop.
      const viaExpression = spec({
        source_node_types: { nodes: [{ node_type: 'OAA.shop.User' }] },
        relates_to_exp: { specs: [{ node_types: { nodes: [{ node_type: 'IdPUser' }] }, no_relation: true }, { raw_permissions: { values: ['view'] } }] },
      });
      expect(answered(await all(viaExpression, 10))).toEqual(['zed 1 view']);
    });
  });
}
