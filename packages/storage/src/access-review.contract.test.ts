import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessReviewRow, CustomTemplate } from '@accessgraph/contract';
import type { readNodeSearch } from '@accessgraph/core';
import { validIdpPayload } from '../../core/src/idp/test-support/idp-payloads.js';
import { shopPayload } from '../../core/src/linking/test-support/shop-payload.js';
import type { AccessReviewRequest, AccessReviewScope } from './access-review.js';
import type { KyselyStore } from './kysely-store.js';
import { firstNodeId, pushPayload } from './test-support/push-payload.js';
import { testBackends, type TestDatabase } from './test-support/test-backends.js';

/**
 * The access review read on both engines, on `shopPayload` (application Shop, one resource
 * shelf1 that view reaches from the application) and two pushes of the core tests' identity
 * provider, so that the linked accounts each stand for two people.
 */
for (const backend of testBackends()) {
  const title = backend.skipReason ? `Access review on ${backend.name} (skipped: ${backend.skipReason})` : `Access review on ${backend.name}`;
  describe.skipIf(backend.skipReason !== undefined)(title, () => {
    let db: TestDatabase;
    let store: KyselyStore;
    let shop: string;

    beforeEach(async () => {
      db = await backend.create();
      store = db.store;
      const payload = shopPayload();
      payload.applications![0]!.resources = [{ name: 'shelf1', resource_type: 'shelf' }];
      payload.permissions![0]!.apply_to_sub_resources = true;
      shop = await pushed('application', payload);
      await pushed('identity_provider', validIdpPayload());
      await pushed('identity_provider', validIdpPayload());
    });
    afterEach(async () => {
      await db.dispose();
    });

    const pushed = (template: CustomTemplate, payload: unknown) => pushPayload(store, template, payload);

    const nodeId = (params: Parameters<typeof readNodeSearch>[0]) => firstNodeId(store, params);

    async function all(scope: AccessReviewScope, request: Omit<AccessReviewRequest, 'pageSize'>, pageSize: number): Promise<AccessReviewRow[]> {
      const rows: AccessReviewRow[] = [];
      let after: AccessReviewRequest['after'];
      do {
        const page = await store.listAccessReview(scope, { ...request, pageSize, ...(after ? { after } : {}) });
        expect(page!.items.length).toBeLessThanOrEqual(pageSize);
        rows.push(...page!.items);
        after = page!.nextAfter;
      } while (after);
      return rows;
    }

    const brief = (r: AccessReviewRow) => `${r.principal} ${r.resource ?? r.application} ${r.identity_type} ${r.identity}`;

    it('answers a row per account, target and person, in key order, paged exactly even inside one account', async () => {
      const rows = await all({ dataSourceId: shop }, {}, 1000);
      // Worked out by hand: clerks (to admins) edits Shop; ann-local (u1), bob-local (u2), zed,
      // ghost@corp.example and staff (to the IdP group staff) view Shop and shelf1; a linked
      // account has one row per identity provider.
      expect(rows.map(brief)).toEqual([
        ...['clerks Shop idp_group admins'].flatMap((r) => [r, r]),
        ...['ann-local Shop idp_user u1', 'ann-local shelf1 idp_user u1', 'bob-local Shop idp_user u2', 'bob-local shelf1 idp_user u2'].flatMap((r) => [r, r]).sort(),
        'zed Shop local_user zed',
        'zed shelf1 local_user zed',
        'ghost@corp.example Shop idp_identity ghost@corp.example',
        'ghost@corp.example shelf1 idp_identity ghost@corp.example',
        ...['staff Shop idp_group staff', 'staff shelf1 idp_group staff'].flatMap((r) => [r, r]).sort(),
      ]);
      for (const size of [1, 2, 3]) expect(await all({ dataSourceId: shop }, {}, size)).toEqual(rows);
      const app = await nodeId({ type: 'application', data_source_id: shop });
      expect(await all({ nodeId: app }, {}, 4)).toEqual(rows);
      const shelf = await nodeId({ type: 'resource', data_source_id: shop });
      expect(await all({ nodeId: shelf }, { permission: 'view' }, 1)).toEqual(rows.filter((r) => r.resource === 'shelf1'));
      expect(await store.listAccessReview({ nodeId: 'x' }, { pageSize: 10 })).toBeUndefined();
      await expect(store.listAccessReview({ dataSourceId: shop }, { pageSize: 10, after: ['a'] })).rejects.toMatchObject({ code: 'invalid_cursor' });
    });
  });
}
