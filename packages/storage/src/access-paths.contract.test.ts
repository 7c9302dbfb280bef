import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessPath, CustomTemplate } from '@accessgraph/contract';
import type { KeysetValue, readNodeSearch } from '@accessgraph/core';
import { validIdpPayload } from '../../core/src/idp/test-support/idp-payloads.js';
import { shopPayload } from '../../core/src/linking/test-support/shop-payload.js';
import type { AccessPathAnswer } from './access-paths.js';
import type { KyselyStore } from './kysely-store.js';
import { firstNodeId, pushPayload } from './test-support/push-payload.js';
import { testBackends, type TestDatabase } from './test-support/test-backends.js';

/**
 * Paths from a principal to an application on both engines, on `shopPayload` and the core tests'
 * identity provider. bob (u2) is in admins, which is in staff. Worked out by hand from the
 * fixtures' comments: bob-local is linked to bob by the IdP's mapping rule and holds view directly
 * (2 edges); clerks is linked to admins and holds the role editor (4); the `idp` identity staff is
 * bound to the IdP group staff and holds the role viewer (5).
 */
const BOB_TO_SHOP = [
  'view: u2 -linked:mapping-> bob-local -grants-> Shop',
  'edit: u2 -member_of-> admins -linked:identities-> clerks -has_role-> editor -grants-> Shop',
  'view: u2 -member_of-> admins -member_of-> staff -linked:idp_binding-> staff -has_role-> viewer -grants-> Shop',
];

for (const backend of testBackends()) {
  const title = backend.skipReason ? `Access paths on ${backend.name} (skipped: ${backend.skipReason})` : `Access paths on ${backend.name}`;
  describe.skipIf(backend.skipReason !== undefined)(title, () => {
    let db: TestDatabase;
    let store: KyselyStore;
    let shop: string;

    beforeEach(async () => {
      db = await backend.create();
      store = db.store;
      shop = await pushed('application', shopPayload());
      await pushed('identity_provider', validIdpPayload());
    });
    afterEach(async () => {
      await db.dispose();
    });

    const pushed = (template: CustomTemplate, payload: unknown) => pushPayload(store, template, payload);

    const nodeOf = (params: Parameters<typeof readNodeSearch>[0]) => firstNodeId(store, params);

    const pageOf = (answer: AccessPathAnswer | undefined) => {
      if (answer === undefined || !('page' in answer)) throw new Error(`expected a page, got ${JSON.stringify(answer)}`);
      return answer.page;
    };
    const brief = (path: AccessPath) => `${path.permission}: ${path.steps.map((s) => `${s.node.key}${s.edge === null ? '' : ` -${s.edge}-> `}`).join('')}`;

    it("lists an IdP user's chains to an application through its account, its nested groups' links and roles, shortest first", async () => {
      const bob = await nodeOf({ type: 'idp_user', key: 'u2' });
      const app = await nodeOf({ type: 'application', data_source_id: shop });
      const page = pageOf(await store.listAccessPaths(bob, { target: app, pageSize: 10 }));
      expect(page.items.map(brief)).toEqual(BOB_TO_SHOP);
      expect(page.nextAfter).toBeUndefined();
      expect(pageOf(await store.listAccessPaths(bob, { target: app, pageSize: 10, permission: 'view' })).items.map(brief)).toEqual([BOB_TO_SHOP[0], BOB_TO_SHOP[2]]);
      expect(pageOf(await store.listAccessPaths(bob, { target: app, pageSize: 10, canonicalType: 'datawrite' })).items.map(brief)).toEqual([BOB_TO_SHOP[1]]);
    });

    it('pages one path at a time, each once, and answers undefined for an unknown node', async () => {
      const bob = await nodeOf({ type: 'idp_user', key: 'u2' });
      const app = await nodeOf({ type: 'application', data_source_id: shop });
      const paged: AccessPath[] = [];
      let after: KeysetValue[] | undefined;
      do {
        const page = pageOf(await store.listAccessPaths(bob, { target: app, pageSize: 1, ...(after ? { after } : {}) }));
        paged.push(...page.items);
        after = page.nextAfter;
      } while (after !== undefined && paged.length < 10);
      expect(paged.map(brief)).toEqual(BOB_TO_SHOP);
      expect(await store.listAccessPaths('x', { target: app, pageSize: 1 })).toBeUndefined();
      expect(await store.listAccessPaths(bob, { target: 'x', pageSize: 1 })).toBeUndefined();
      await expect(store.listAccessPaths(bob, { target: app, pageSize: 1, after: ['x'] })).rejects.toMatchObject({ code: 'invalid_cursor' });
    });
  });
}
