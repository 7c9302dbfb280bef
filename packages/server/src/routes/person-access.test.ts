import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EffectivePermission } from '@accessgraph/contract';
import { validIdpPayload } from '../../../core/src/idp/test-support/idp-payloads.js';
import { shopPayload } from '../../../core/src/linking/test-support/shop-payload.js';
import { allEffective, push, pushTarget, triples } from '../test-support/push.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

/**
 * The effective permissions of an IdP user on an application (spec §13.3 rule 4), worked out by
 * hand from `shopPayload` and the core tests' identity provider:
 * - ann (u1) is in staff. ann-local links to her (identities), the `idp` identity staff to her
 *   group: she views Shop through both, each with the role viewer.
 * - bob (u2) is in admins, which is in staff. bob-local links to him (mapping rule), clerks to
 *   admins (identities), staff as before: he edits Shop through clerks (role editor), views it
 *   through bob-local (directly) and staff (role viewer).
 * - cy is linked to nothing and has no access.
 */

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

async function pushBoth() {
  const app = await pushTarget(t, 'application');
  const idp = await pushTarget(t, 'identity_provider');
  expect((await push(t, idp.url, validIdpPayload())).statusCode).toBe(200);
  expect((await push(t, app.url, shopPayload())).statusCode).toBe(200);
  return { app, idp };
}

/** Paths as `permission linked-key through-key role-key`. */
const pathsOf = (row: EffectivePermission) => row.paths.map((p) => [p.permission, p.linked?.key ?? null, p.through?.key ?? null, p.role?.key ?? null]);

describe('effective permissions of an IdP user on an application', () => {
  it('come through the local account linked to the user and the idp binding of its group', async () => {
    const { app, idp } = await pushBoth();
    const rows = await allEffective(t, app.provider.id, app.dataSource.id, '&principal=U1');
    expect(triples(rows)).toEqual([['u1', 'Shop', ['view']]]);
    const [ann] = rows;
    expect(ann!.principal).toEqual({ type: 'idp_user', node_type: 'OAA.corp_ldap.IDPUser', key: 'u1', name: 'ann', application: null, data_source_id: idp.dataSource.id });
    expect(ann!.canonical_types).toEqual(['DataRead']);
    expect(pathsOf(ann!)).toEqual([
      ['view', 'ann-local', null, 'viewer'],
      ['view', 'staff', null, 'viewer'],
    ]);
    expect(ann!.paths[0]!.linked).toMatchObject({ type: 'local_user', application: 'Shop' });
    expect(ann!.paths[1]!.linked).toMatchObject({ type: 'idp_identity' });
  });

  it('come through a mapping rule, a local group linked to a nested IdP group, and the outer group', async () => {
    const { app } = await pushBoth();
    const [bob, ...rest] = await allEffective(t, app.provider.id, app.dataSource.id, '&principal=u2');
    expect(rest).toEqual([]);
    expect(bob!.permissions).toEqual(['edit', 'view']);
    expect(bob!.canonical_types).toEqual(['DataRead', 'DataWrite']);
    expect(pathsOf(bob!)).toEqual([
      ['edit', 'clerks', null, 'editor'],
      ['view', 'bob-local', null, null],
      ['view', 'staff', null, 'viewer'],
    ]);
  });

  it('an IdP user linked to nothing has no rows; a local principal of the same key keeps its own', async () => {
    const { app } = await pushBoth();
    expect(await allEffective(t, app.provider.id, app.dataSource.id, '&principal=cy')).toEqual([]);
    const local = await allEffective(t, app.provider.id, app.dataSource.id, '&principal=bob-local');
    expect(triples(local)).toEqual([['bob-local', 'Shop', ['view']]]);
    expect(local[0]!.paths[0]!.linked).toBeNull();
  });

  it('follow the identity provider: a user removed from a group loses what the group brought', async () => {
    const { app, idp } = await pushBoth();
    const moved = validIdpPayload();
    moved.users![1]!.groups = [];
    expect((await push(t, idp.url, moved)).statusCode).toBe(200);
    const [bob] = await allEffective(t, app.provider.id, app.dataSource.id, '&principal=u2');
    expect(pathsOf(bob!)).toEqual([['view', 'bob-local', null, null]]);
  });

  it('a federated identity passes its access on to its source identity (spec §13.3 rule 5)', async () => {
    const { app } = await pushBoth();
    const partner = await pushTarget(t, 'identity_provider');
    // p1 of the partner IdP is federated from corp's u1; the local account zed links to p1.
    const federated = validIdpPayload();
    federated.idp_type = 'partner';
    federated.users = [{ name: 'ann-partner', identity: 'p1', email: 'zed@nowhere.example', source_identity: { identity: 'u1', provider_type: 'custom' } }];
    federated.groups = [];
    federated.apps = [];
    delete federated.identity_mapping_configuration;
    expect((await push(t, partner.url, federated)).statusCode).toBe(200);
    const [ann] = await allEffective(t, app.provider.id, app.dataSource.id, '&principal=u1');
    expect(pathsOf(ann!)).toEqual([
      // Paths in the order of their linked principals' keys: the local users, then the idp identity.
      ['view', 'ann-local', null, 'viewer'],
      ['view', 'zed', null, 'viewer'],
      ['view', 'staff', null, 'viewer'],
    ]);
    // p1 itself has what is linked to it, not what its source has.
    const [p1] = await allEffective(t, app.provider.id, app.dataSource.id, '&principal=p1');
    expect(pathsOf(p1!)).toEqual([['view', 'zed', null, 'viewer']]);
  });

  it('page through an IdP user on several applications and identity providers, each row once', async () => {
    const idps = [await pushTarget(t, 'identity_provider'), await pushTarget(t, 'identity_provider')];
    for (const idp of idps) await push(t, idp.url, validIdpPayload());
    const app = await pushTarget(t, 'application');
    const payload = shopPayload();
    // More targets: resources each bob-local may view (the permission is inherited from the application).
    payload.permissions![0]!.apply_to_sub_resources = true;
    payload.applications![0]!.resources = Array.from({ length: 9 }, (_, i) => ({ name: `r${i}`, resource_type: 'shelf' }));
    await push(t, app.url, payload);
    // page_size=7 in allEffective: the 2 identity providers x 10 targets span three pages.
    const rows = await allEffective(t, app.provider.id, app.dataSource.id, '&principal=u2');
    // One bob per identity provider, each on the application and its 9 resources, in target key order.
    expect(rows.map((r) => `${r.principal.data_source_id}|${r.target.key}`)).toEqual(
      idps.flatMap((idp) => ['Shop', ...Array.from({ length: 9 }, (_, i) => `r${i}`)].map((target) => `${idp.dataSource.id}|${target}`)),
    );
  });
});
