import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IdentityLinkRow } from '@accessgraph/contract';
import { validHrisPayload } from '../../../core/src/hris/test-support/hris-payloads.js';
import { validIdpPayload } from '../../../core/src/idp/test-support/idp-payloads.js';
import { shopPayload } from '../../../core/src/linking/test-support/shop-payload.js';
import { dataSourceUrl } from '../test-support/fixtures.js';
import { expectValues } from '../test-support/http-expect.js';
import { push, pushTarget } from '../test-support/push.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

/**
 * Identity links over HTTP: the golden links of `shopPayload` and the core tests' identity
 * provider and HRIS, worked out by hand, whichever side is pushed first, after deletions and
 * re-pushes (spec §13.2, §7.3).
 */

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

type Target = Awaited<ReturnType<typeof pushTarget>>;

async function links(target: Target, query = ''): Promise<IdentityLinkRow[]> {
  const rows: IdentityLinkRow[] = [];
  let token = '';
  do {
    const res = await t.call({ url: `${dataSourceUrl(target.provider.id, target.dataSource.id)}/identity_links?page_size=2${query}${token ? `&page_token=${token}` : ''}`, key: t.keys.reader });
    const page = expectValues<IdentityLinkRow>(res);
    rows.push(...page.values);
    token = page.next_page_token;
  } while (token);
  return rows;
}

/** A link as `rule: from-key -> to-key`, ends by their keys as pushed. */
const brief = (l: IdentityLinkRow) => `${l.rule}: ${l.from.type} ${l.from.key} -> ${l.to?.type} ${l.to?.key}`;

const APP_LINKS = [
  'identities: local_user ann-local -> idp_user u1',
  'identities: local_group clerks -> idp_group admins',
  'idp_binding: idp_identity staff -> idp_group staff',
  'mapping: local_user bob-local -> idp_user u2',
];
const HRIS_LINKS = ['hris: hris_employee e1 -> idp_user u1', 'hris: hris_employee e2 -> idp_user u2'];
const HRIS_OWN_LINKS = ['manager: hris_employee e1 -> hris_employee e2'];
const IDP_OWN_LINKS = ['manager: idp_user u1 -> idp_user u2'];

describe('identity links', () => {
  it('are the same whichever side is pushed first, and both sides list them', async () => {
    const orders = [
      ['idp', 'app', 'hris'],
      ['app', 'hris', 'idp'],
    ] as const;
    const results: string[][] = [];
    for (const order of orders) {
      // A fresh server each time: the first round's identity provider would link the second round's application too.
      await t.close();
      t = await createTestApp();
      const targets = { app: await pushTarget(t, 'application'), idp: await pushTarget(t, 'identity_provider'), hris: await pushTarget(t, 'hris') };
      const payloads = { app: shopPayload(), idp: validIdpPayload(), hris: validHrisPayload() };
      for (const side of order) expect((await push(t, targets[side].url, payloads[side])).statusCode).toBe(200);
      const app = (await links(targets.app)).map(brief);
      expect(app.sort()).toEqual([...APP_LINKS].sort());
      expect((await links(targets.hris)).map(brief).sort()).toEqual([...HRIS_LINKS, ...HRIS_OWN_LINKS].sort());
      const idp = (await links(targets.idp)).map(brief).sort();
      expect(idp).toEqual([...APP_LINKS, ...HRIS_LINKS, ...IDP_OWN_LINKS].sort());
      results.push(idp);
    }
    expect(results[0]).toEqual(results[1]);
  });

  it('carry both ends with their data sources, the referring string and how it matched', async () => {
    const app = await pushTarget(t, 'application');
    const idp = await pushTarget(t, 'identity_provider');
    await push(t, idp.url, validIdpPayload());
    await push(t, app.url, shopPayload());
    const ann = (await links(app)).find((l) => l.from.key === 'ann-local')!;
    expect(ann).toEqual({
      from: { data_source_id: app.dataSource.id, type: 'local_user', node_type: 'OAA.shop.User', key: 'ann-local', name: 'ann-local' },
      to: { data_source_id: idp.dataSource.id, type: 'idp_user', node_type: 'OAA.corp_ldap.IDPUser', key: 'u1', name: 'ann' },
      rule: 'identities',
      via: 'ANN@corp.example',
      detail: { matched: 'email' },
    });
    const bob = (await links(app)).find((l) => l.rule === 'mapping')!;
    expect(bob.detail).toEqual({ mapping: 1, destination: 'CUSTOM_APPLICATION', transformations: ['IGNORE_DOMAIN'] });
    expect(bob.via).toBe('');
  });

  it('lists what links to nothing, and warns about it at the push', async () => {
    const app = await pushTarget(t, 'application');
    const idp = await pushTarget(t, 'identity_provider');
    await push(t, idp.url, validIdpPayload());
    const res = await push(t, app.url, shopPayload());
    expect(res.json<{ warnings: Array<{ message: string }> }>().warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/^Cannot find identity by names: "zed@nowhere.example"/),
      expect.stringMatching(/^Cannot find identity by names: "ghost@corp.example"/),
    ]);
    const unlinked = await links(app, '&unlinked=true');
    expect(unlinked.map((l) => [l.from.key, l.via, l.detail.kind, l.to, l.rule])).toEqual([
      ['zed', 'zed@nowhere.example', 'identities', null, null],
      ['ghost@corp.example', 'ghost@corp.example', 'idp_binding', null, null],
    ]);
    // The identity provider's own asks, by node then kind: the owned buckets and ann's source identity (no okta IdP here).
    expect((await links(idp, '&unlinked=true')).map((l) => `${l.from.key} ${l.detail.kind} ${l.via}`)).toEqual([
      'u1 owned arn:aws:s3:::reports',
      'u1 user_source_identity ann@okta.example',
      'cy owned arn:aws:s3:::logs',
    ]);
  });

  it('go with either side deleted, and come back when it is pushed again', async () => {
    const app = await pushTarget(t, 'application');
    let idp = await pushTarget(t, 'identity_provider');
    await push(t, app.url, shopPayload());
    await push(t, idp.url, validIdpPayload());
    expect(await links(app)).toHaveLength(APP_LINKS.length);
    expect((await t.call({ method: 'DELETE', url: dataSourceUrl(idp.provider.id, idp.dataSource.id) })).statusCode).toBe(200);
    expect(await links(app)).toEqual([]);
    expect((await links(app, '&unlinked=true')).map((l) => l.via)).toContain('ANN@corp.example');
    idp = await pushTarget(t, 'identity_provider');
    await push(t, idp.url, validIdpPayload());
    expect((await links(app)).map(brief).sort()).toEqual([...APP_LINKS].sort());
  });

  it('go with the application deleted, and come back when a new one is pushed', async () => {
    let app = await pushTarget(t, 'application');
    const idp = await pushTarget(t, 'identity_provider');
    await push(t, idp.url, validIdpPayload());
    await push(t, app.url, shopPayload());
    expect((await t.call({ method: 'DELETE', url: dataSourceUrl(app.provider.id, app.dataSource.id) })).statusCode).toBe(200);
    expect((await links(idp)).map(brief)).toEqual(IDP_OWN_LINKS);
    app = await pushTarget(t, 'application');
    await push(t, app.url, shopPayload());
    expect((await links(idp)).map(brief).sort()).toEqual([...APP_LINKS, ...IDP_OWN_LINKS].sort());
  });

  it('follow a re-push that changes an identity: the old link goes, the new one comes', async () => {
    const app = await pushTarget(t, 'application');
    const idp = await pushTarget(t, 'identity_provider');
    await push(t, app.url, shopPayload());
    await push(t, idp.url, validIdpPayload());
    const changed = validIdpPayload();
    changed.users![0]!.email = 'ann.archer@corp.example';
    await push(t, idp.url, changed);
    expect((await links(app)).map(brief)).not.toContain('identities: local_user ann-local -> idp_user u1');
    const fixed = shopPayload();
    fixed.applications![0]!.local_users![0]!.identities = ['ann.archer@corp.example'];
    await push(t, app.url, fixed);
    expect((await links(app)).map(brief)).toContain('identities: local_user ann-local -> idp_user u1');
  });

  it('links a source identity to another identity provider, and an owner to an entity of an application', async () => {
    const app = await pushTarget(t, 'application');
    const corp = await pushTarget(t, 'identity_provider');
    const partner = await pushTarget(t, 'identity_provider');
    await push(t, app.url, shopPayload());
    await push(t, corp.url, validIdpPayload());
    const federated = validIdpPayload();
    federated.idp_type = 'partner';
    federated.users = [
      {
        name: 'ann-partner',
        identity: 'p1',
        source_identity: { identity: 'u1', provider_type: 'any' },
        entities_owned: [{ node_type: 'OAA.shop.User', id: 'ZED' }],
      },
    ];
    federated.groups = [];
    federated.apps = [];
    delete federated.identity_mapping_configuration;
    expect((await push(t, partner.url, federated)).json()).toEqual({ warnings: [] });
    expect((await links(partner)).map(brief).sort()).toEqual(['owner: idp_user p1 -> local_user zed', 'source_identity: idp_user p1 -> idp_user u1']);
    expect((await links(app)).map(brief)).toContain('owner: idp_user p1 -> local_user zed');
  });
});
