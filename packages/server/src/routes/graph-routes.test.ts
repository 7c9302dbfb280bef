import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Neighbour, NodeDetail, NodeSummary } from '@accessgraph/contract';
import { validHrisPayload } from '../../../core/src/hris/test-support/hris-payloads.js';
import { validIdpPayload } from '../../../core/src/idp/test-support/idp-payloads.js';
import { shopPayload } from '../../../core/src/linking/test-support/shop-payload.js';
import { dataSourceUrl } from '../test-support/fixtures.js';
import { expectError, expectValues } from '../test-support/http-expect.js';
import { payloadFixture, push, pushTarget } from '../test-support/push.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

/**
 * The query API's entity reads over HTTP, on the core tests' identity provider (users ann u1,
 * bob u2, cy; groups staff, admins in staff, ops in admins), `shopPayload` (application Shop) and
 * the ledger fixture (application Ledger, with tags and custom properties).
 */

let t: TestApp;
let shop: Awaited<ReturnType<typeof pushTarget>>;
let ledger: Awaited<ReturnType<typeof pushTarget>>;
let idp: Awaited<ReturnType<typeof pushTarget>>;
beforeEach(async () => {
  t = await createTestApp();
  shop = await pushTarget(t);
  ledger = await pushTarget(t);
  idp = await pushTarget(t, 'identity_provider');
  for (const [target, payload] of [
    [shop, shopPayload()],
    [ledger, payloadFixture('app-ledger.json')],
    [idp, validIdpPayload()],
  ] as const) {
    const res = await push(t, `${dataSourceUrl(target.provider.id, target.dataSource.id)}:push`, payload);
    expect(res.statusCode).toBe(200);
  }
});
afterEach(async () => {
  await t.close();
});

async function search(query: string): Promise<NodeSummary[]> {
  const res = await t.call({ url: `/api/v1/graph/nodes?${query}`, key: t.keys.reader });
  return expectValues<NodeSummary>(res).values;
}

/** Every page of a search, with the page size given. */
async function searchAll(query: string, pageSize: number): Promise<NodeSummary[]> {
  const rows: NodeSummary[] = [];
  let token = '';
  do {
    const page = expectValues<NodeSummary>(await t.call({ url: `/api/v1/graph/nodes?${query}&page_size=${pageSize}${token ? `&page_token=${token}` : ''}`, key: t.keys.reader }));
    expect(page.values.length).toBeLessThanOrEqual(pageSize);
    rows.push(...page.values);
    token = page.next_page_token;
  } while (token);
  return rows;
}

const keys = (nodes: NodeSummary[]) => nodes.map((n) => `${n.type} ${n.key}`).sort();

describe('node search', () => {
  it('finds nodes by type across data sources, each with its data source, provider and application', async () => {
    const users = await search('type=local_user&page_size=1000');
    expect(users.filter((u) => u.data_source_id === shop.dataSource.id).map((u) => u.key).sort()).toEqual(['ann-local', 'bob-local', 'zed']);
    expect(users.every((u) => u.application !== null && u.provider_id.length > 0)).toBe(true);
    expect(keys(await search('type=idp_user'))).toEqual(['idp_user cy', 'idp_user u1', 'idp_user u2']);
  });

  it('filters by data source, provider, node type, name and key (exact and contains, any case)', async () => {
    expect(keys(await search(`data_source_id=${shop.dataSource.id}&type=local_group`))).toEqual(['local_group clerks']);
    expect(keys(await search(`provider_id=${idp.provider.id}&name=ANN`))).toEqual(['idp_user u1']);
    expect(keys(await search('type=idp_group&name_contains=MIN'))).toEqual(['idp_group admins']);
    expect(keys(await search('key=U2'))).toEqual(['idp_user u2']);
    expect(keys(await search(`key_contains=-LOCAL&data_source_id=${shop.dataSource.id}`))).toEqual(['local_user ann-local', 'local_user bob-local']);
    const nodeType = (await search('key=u1'))[0]!.node_type;
    expect(keys(await search(`node_type=${nodeType.toUpperCase()}`))).toEqual(['idp_user cy', 'idp_user u1', 'idp_user u2']);
  });

  it('filters by tags and by built-in and custom properties', async () => {
    expect(keys(await search('tag=env=prod&type=idp_domain'))).toEqual(['idp_domain corp.example']);
    expect(keys(await search('tag=env=test&type=idp_domain'))).toEqual([]);
    expect(keys(await search(`type=idp_group&filter=${encodeURIComponent('cost_center eq CC1')}`))).toEqual(['idp_group staff']);
    expect(keys(await search(`type=idp_user&filter=${encodeURIComponent('email co corp and not_there ne x')}`))).toEqual(['idp_user cy', 'idp_user u1', 'idp_user u2']);
    expect(keys(await search(`type=idp_user&filter=${encodeURIComponent('email sw bob or email sw cy')}`))).toEqual(['idp_user cy', 'idp_user u2']);
  });

  it('pages through every match once, with a total on request', async () => {
    const all = await search('page_size=1000');
    expect(all.length).toBeGreaterThan(20);
    const paged = await searchAll('', 7);
    expect(paged.map((n) => n.id)).toEqual(all.map((n) => n.id));
    expect(new Set(paged.map((n) => n.id)).size).toBe(paged.length);
    const res = await t.call({ url: '/api/v1/graph/nodes?type=idp_user&total=true&page_size=1', key: t.keys.reader });
    expect(res.json()).toMatchObject({ total_count: 3, has_more: true });
  });

  it('pages through every node that exists throughout exactly once while other data sources are pushed', async () => {
    const before = await search('type=local_user&page_size=1000');
    const rows: NodeSummary[] = [];
    let token = '';
    let pushes = 0;
    do {
      const page = expectValues<NodeSummary>(await t.call({ url: `/api/v1/graph/nodes?type=local_user&page_size=2${token ? `&page_token=${token}` : ''}`, key: t.keys.reader }));
      rows.push(...page.values);
      token = page.next_page_token;
      // Between pages: a new data source, and the ledger again without one of its users.
      if (pushes === 0) {
        const extra = await pushTarget(t);
        expect((await push(t, `${dataSourceUrl(extra.provider.id, extra.dataSource.id)}:push`, shopPayload())).statusCode).toBe(200);
        const fewer = payloadFixture('app-ledger.json') as { applications: Array<{ local_users: Array<{ name: string }> }> };
        fewer.applications[0]!.local_users = fewer.applications[0]!.local_users.filter((u) => u.name !== 'bot');
        expect((await push(t, `${dataSourceUrl(ledger.provider.id, ledger.dataSource.id)}:push`, fewer)).statusCode).toBe(200);
        pushes++;
      }
    } while (token);
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Every node that existed before and after is there; bot, removed meanwhile, is not required.
    const kept = before.filter((n) => n.key !== 'bot');
    for (const node of kept) expect(ids).toContain(node.id);
  });

  it('refuses a bad filter, tag or page token naming the parameter', async () => {
    const bad = await t.call({ url: `/api/v1/graph/nodes?filter=${encodeURIComponent('badge between 1')}`, key: t.keys.reader });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/filter/);
    expect((bad.json() as { message: string }).message).toMatch(/filter: unknown operator "between" .* at position 7/);
    const tag = await t.call({ url: '/api/v1/graph/nodes?tag==x', key: t.keys.reader });
    expect(tag.statusCode).toBe(400);
    expect(tag.body).toMatch(/tag/);
    const type = await t.call({ url: '/api/v1/graph/nodes?type=person', key: t.keys.reader });
    expectError(type, { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'querystring.type', description: /must be one of "application", .*"local_user"/ });
    const first = expectValues<NodeSummary>(await t.call({ url: '/api/v1/graph/nodes?type=idp_user&page_size=1', key: t.keys.reader }));
    const other = await t.call({ url: `/api/v1/graph/nodes?type=idp_group&page_token=${first.next_page_token}`, key: t.keys.reader });
    expect(other.statusCode).toBe(400);
    expect(other.body).toMatch(/INVALID_PAGE_TOKEN/);
  });
});

describe('a node', () => {
  it('has its data source, properties, tags and neighbour counts, under an id that survives a re-push', async () => {
    const [ann] = await search('type=idp_user&key=u1');
    const res = await t.call({ url: `/api/v1/graph/nodes/${ann!.id}`, key: t.keys.reader });
    expect(res.statusCode).toBe(200);
    const node = (res.json() as { value: NodeDetail }).value;
    expect(node).toMatchObject({ key: 'u1', name: 'ann', type: 'idp_user', template: 'identity_provider', data_source_id: idp.dataSource.id });
    expect(node.properties).toMatchObject({ email: 'ann@corp.example' });
    // In: the domain contains ann, bob manages her, two accounts link to her (Shop's ann-local and
    // Ledger's ann by their identities). Out: her app assignment, the AWS role she may assume, her
    // manager link to bob, her group staff, the entity she owns.
    expect(node.neighbours).toEqual([
      { edge: 'contains', direction: 'in', count: 1 },
      { edge: 'linked', direction: 'in', count: 2 },
      { edge: 'manages', direction: 'in', count: 1 },
      { edge: 'assigned_app', direction: 'out', count: 1 },
      { edge: 'can_assume', direction: 'out', count: 1 },
      { edge: 'linked', direction: 'out', count: 1 },
      { edge: 'member_of', direction: 'out', count: 1 },
      { edge: 'owns', direction: 'out', count: 1 },
    ]);
    // The same payload again, users in another order: the id still names ann.
    const reordered = validIdpPayload();
    reordered.users!.reverse();
    expect((await push(t, `${dataSourceUrl(idp.provider.id, idp.dataSource.id)}:push`, reordered)).statusCode).toBe(200);
    expect(((await t.call({ url: `/api/v1/graph/nodes/${ann!.id}`, key: t.keys.reader })).json() as { value: NodeDetail }).value.name).toBe('ann');
  });

  it('lists its neighbours by edge and direction, identity links included, a page at a time', async () => {
    const [staff] = await search('type=idp_group&key=staff');
    const all: Neighbour[] = [];
    let token = '';
    do {
      const page = expectValues<Neighbour>(await t.call({ url: `/api/v1/graph/nodes/${staff!.id}/neighbours?page_size=1${token ? `&page_token=${token}` : ''}`, key: t.keys.reader }));
      all.push(...page.values);
      token = page.next_page_token;
    } while (token);
    // In: the domain contains it, the idp binding staff of Shop links to it, admins and ann are its members. Out: nothing.
    expect(all.map((n) => `${n.direction} ${n.edge} ${n.node.type} ${n.node.key}`)).toEqual([
      'in contains idp_domain corp.example',
      'in linked idp_identity staff',
      'in member_of idp_group admins',
      'in member_of idp_user u1',
    ]);
    expect(all[1]!.properties).toMatchObject({ rule: 'idp_binding', matched: 'identity' });
    const members = expectValues<Neighbour>(await t.call({ url: `/api/v1/graph/nodes/${staff!.id}/neighbours?edge=member_of&direction=in`, key: t.keys.reader }));
    expect(members.values.map((n) => n.node.key)).toEqual(['admins', 'u1']);
  });

  it('is a 404 for an unknown or malformed id, and for a node of a deleted data source', async () => {
    for (const id of ['nope', Buffer.from(`${shop.dataSource.id}\nuser:nobody`).toString('base64url')]) {
      const res = await t.call({ url: `/api/v1/graph/nodes/${id}`, key: t.keys.reader });
      expect(res.statusCode).toBe(404);
      expect((await t.call({ url: `/api/v1/graph/nodes/${id}/neighbours`, key: t.keys.reader })).statusCode).toBe(404);
    }
    const [zed] = await search('key=zed');
    expect((await t.call({ method: 'DELETE', url: dataSourceUrl(shop.provider.id, shop.dataSource.id), key: t.keys.writer })).statusCode).toBe(200);
    expect((await t.call({ url: `/api/v1/graph/nodes/${zed!.id}`, key: t.keys.reader })).statusCode).toBe(404);
  });
});

describe('access of a principal', () => {
  /**
   * Golden answers worked out by hand from `shopPayload` and the core tests' identity provider.
   * Shop: ann-local (linked to ann u1 by its identities entry) and zed hold the role viewer (view:
   * DataRead) on the application; bob-local (linked to bob u2 by the mapping rule) holds view
   * directly; clerks (linked to the IdP group admins) holds the role editor (edit: DataWrite); the
   * `idp` identity staff (linked to the IdP group staff) holds viewer. In the identity provider, ann
   * is in staff; bob in admins, which is in staff; cy in nothing.
   */
  type Row = { target: { key: string; data_source_id?: string }; permissions: string[]; canonical_types: string[]; paths: Array<{ permission: string; linked: { key: string } | null; through: { key: string } | null; role: { key: string } | null }> };

  async function access(nodeId: string, query = ''): Promise<Row[]> {
    const res = await t.call({ url: `/api/v1/graph/nodes/${nodeId}/access?page_size=1000${query}`, key: t.keys.reader });
    return expectValues<Row>(res).values;
  }
  const nodeOf = async (query: string) => (await search(query))[0]!.id;
  const brief = (rows: Row[]) =>
    rows.map((r) => `${r.target.key}: ${r.permissions.join(',')} [${r.canonical_types.join(',')}] via ${r.paths.map((p) => `${p.permission}<${p.linked?.key ?? '-'}/${p.through?.key ?? '-'}/${p.role?.key ?? '-'}`).join(' ')}`);

  it('of an IdP user: through its linked account and the binding of its group', async () => {
    const ann = await nodeOf('type=idp_user&key=u1');
    expect(brief(await access(ann, `&data_source_id=${shop.dataSource.id}`))).toEqual(['Shop: view [DataRead] via view<ann-local/-/viewer view<staff/-/viewer']);
    // Ledger's ann links to her too: her access spans both applications, Shop's rows under Shop's data source.
    const all = await access(ann);
    expect(new Set(all.map((r) => r.target.data_source_id))).toEqual(new Set([shop.dataSource.id, ledger.dataSource.id]));
  });

  it('of an IdP user in nested groups, and of an IdP group: through the mapping rule and both groups', async () => {
    const bob = await nodeOf('type=idp_user&key=u2');
    expect(brief(await access(bob))).toEqual(['Shop: edit,view [DataRead,DataWrite] via edit<clerks/-/editor view<bob-local/-/- view<staff/-/viewer']);
    const admins = await nodeOf('type=idp_group&key=admins');
    expect(brief(await access(admins))).toEqual(['Shop: edit,view [DataRead,DataWrite] via edit<clerks/-/editor view<staff/-/viewer']);
    const cy = await nodeOf('type=idp_user&key=cy');
    expect(await access(cy)).toEqual([]);
  });

  it("of an HRIS employee: its IdP user's", async () => {
    const hris = await pushTarget(t, 'hris');
    expect((await push(t, `${dataSourceUrl(hris.provider.id, hris.dataSource.id)}:push`, validHrisPayload())).statusCode).toBe(200);
    // e1 links to ann (u1) by its idp_id.
    const e1 = await nodeOf(`data_source_id=${hris.dataSource.id}&key=e1`);
    const ann = await nodeOf('type=idp_user&key=u1');
    expect(brief(await access(e1))).toEqual(brief(await access(ann)));
  });

  it('of a local user: its own data source, paths without a linked account', async () => {
    const zed = await nodeOf(`data_source_id=${shop.dataSource.id}&key=zed`);
    expect(brief(await access(zed))).toEqual(['Shop: view [DataRead] via view<-/-/viewer']);
  });

  it('of a role: every target a grant of it reaches, through each principal that holds it', async () => {
    // Shop's viewer is held by ann-local, zed, and the idp identities staff and ghost, all on the application; editor by clerks.
    const viewer = await nodeOf(`type=local_role&data_source_id=${shop.dataSource.id}&key=viewer`);
    expect(brief(await access(viewer))).toEqual(['Shop: view [DataRead] via view<-/ann-local/viewer view<-/ghost@corp.example/viewer view<-/staff/viewer view<-/zed/viewer']);
    const editor = await nodeOf(`type=local_role&data_source_id=${shop.dataSource.id}&key=editor`);
    expect(brief(await access(editor))).toEqual(['Shop: edit [DataWrite] via edit<-/clerks/editor']);
    expect(await access(editor, '&permission=view')).toEqual([]);
  });

  it("of a role: each grant once, a grant held by a role, and only its own application's role of that name", async () => {
    // test/fixtures/app-two-viewers.json: one data source of two applications, each with a role
    // viewer. In Alpha, the group tellers and its member ann both hold viewer on the application, and
    // so does the role deputy (in an entry of its own: identity_type local_role), which kim holds.
    // The idp identity staff holds the viewer of each application on it. Worked out by hand:
    // Alpha's viewer reaches Alpha by four grants, each once (ann's own, tellers' — which ann
    // reaches too — deputy's and staff's), and nothing in Beta, which staff reaches by Beta's viewer.
    const two = await pushTarget(t);
    expect((await push(t, two.url, payloadFixture('app-two-viewers.json'))).statusCode).toBe(200);
    const roles = await search(`type=local_role&data_source_id=${two.dataSource.id}&key=viewer`);
    const [alphaViewer, betaViewer] = ['Alpha', 'Beta'].map((app) => roles.find((r) => r.application === app)!.id);
    expect(brief(await access(alphaViewer!))).toEqual(['Alpha: view [DataRead] via view<-/ann/viewer view<-/deputy/viewer view<-/staff/viewer view<-/tellers/viewer']);
    expect(brief(await access(betaViewer!))).toEqual(['Beta: view [DataRead] via view<-/staff/viewer']);
  });

  it('filters by data source, application, permission and canonical type', async () => {
    const bob = await nodeOf('type=idp_user&key=u2');
    expect(brief(await access(bob, '&canonical_type=DATA_WRITE'))).toEqual(['Shop: edit [DataWrite] via edit<clerks/-/editor']);
    expect(brief(await access(bob, '&permission=VIEW'))).toEqual(['Shop: view [DataRead] via view<bob-local/-/- view<staff/-/viewer']);
    expect(await access(bob, '&application=shop')).toHaveLength(1);
    expect(await access(bob, '&application=ledger')).toEqual([]);
    expect(await access(bob, `&data_source_id=${ledger.dataSource.id}`)).toEqual([]);
    expect(await access(bob, '&resource_type=book')).toEqual([]);
  });

  it('pages through every row once, at every page size (pages that end inside a data source and across several)', async () => {
    const ann = await nodeOf('type=idp_user&key=u1');
    const all = await access(ann);
    expect(all.length).toBeGreaterThan(2);
    expect(new Set(all.map((r) => r.target.data_source_id)).size).toBeGreaterThan(1);
    for (let size = 1; size <= all.length + 1; size++) {
      const paged: Row[] = [];
      let token = '';
      do {
        const page = expectValues<Row>(await t.call({ url: `/api/v1/graph/nodes/${ann}/access?page_size=${size}${token ? `&page_token=${token}` : ''}`, key: t.keys.reader }));
        expect(page.values.length).toBeLessThanOrEqual(size);
        paged.push(...page.values);
        token = page.next_page_token;
      } while (token);
      expect(paged, `page size ${size}`).toEqual(all);
    }
    // A total on request counts every row; a filter counts only its rows.
    const counted = await t.call({ url: `/api/v1/graph/nodes/${ann}/access?page_size=1&total=true`, key: t.keys.reader });
    expect(counted.json()).toMatchObject({ total_count: all.length, has_more: true });
    const shopOnly = all.filter((r) => r.target.data_source_id === shop.dataSource.id).length;
    expect((await t.call({ url: `/api/v1/graph/nodes/${ann}/access?total=true&data_source_id=${shop.dataSource.id}`, key: t.keys.reader })).json()).toMatchObject({ total_count: shopOnly });
    expect('total_count' in (await t.call({ url: `/api/v1/graph/nodes/${ann}/access`, key: t.keys.reader })).json()).toBe(false);
  });

  it('continues a question from its page token whatever order the query parameters come in, and no other question', async () => {
    const ann = await nodeOf('type=idp_user&key=u1');
    const filters = `data_source_id=${ledger.dataSource.id}&application=ledger`;
    const all = await access(ann, `&${filters}`);
    expect(all.length).toBeGreaterThan(1);
    const first = expectValues<Row>(await t.call({ url: `/api/v1/graph/nodes/${ann}/access?page_size=1&${filters}`, key: t.keys.reader }));
    const token = encodeURIComponent(first.next_page_token);
    // The same filters, written the other way round and around the token: the same question.
    const rest = await t.call({ url: `/api/v1/graph/nodes/${ann}/access?application=ledger&page_token=${token}&page_size=1000&data_source_id=${ledger.dataSource.id}`, key: t.keys.reader });
    expect([...first.values, ...expectValues<Row>(rest).values]).toEqual(all);
    const other = await t.call({ url: `/api/v1/graph/nodes/${ann}/access?application=shop&page_token=${token}&data_source_id=${ledger.dataSource.id}`, key: t.keys.reader });
    expect(other.statusCode).toBe(400);
  });

  it('pages through every row that exists throughout exactly once while data sources are pushed', async () => {
    const ann = await nodeOf('type=idp_user&key=u1');
    const before = await access(ann);
    const rows: Row[] = [];
    let token = '';
    let pushes = 0;
    do {
      const page = expectValues<Row>(await t.call({ url: `/api/v1/graph/nodes/${ann}/access?page_size=1${token ? `&page_token=${token}` : ''}`, key: t.keys.reader }));
      rows.push(...page.values);
      token = page.next_page_token;
      // After the first page: a new application where ann has an account (its rows may or may not show), and the IdP and Ledger again.
      if (pushes === 0) {
        const extra = await pushTarget(t);
        expect((await push(t, `${dataSourceUrl(extra.provider.id, extra.dataSource.id)}:push`, shopPayload())).statusCode).toBe(200);
        expect((await push(t, `${dataSourceUrl(idp.provider.id, idp.dataSource.id)}:push`, validIdpPayload())).statusCode).toBe(200);
        expect((await push(t, `${dataSourceUrl(ledger.provider.id, ledger.dataSource.id)}:push`, payloadFixture('app-ledger.json'))).statusCode).toBe(200);
        pushes++;
      }
    } while (token);
    const keyOf = (r: Row) => `${r.target.data_source_id} ${r.target.key}`;
    const keys = rows.map(keyOf);
    expect(new Set(keys).size).toBe(keys.length);
    for (const row of before) expect(keys).toContain(keyOf(row));
    expect(before.length).toBeGreaterThan(1);
  });

  it('keeps every path of a target when a round of reads ends inside its principals and a filter drops rows', async () => {
    // Vault: ann-local (linked to ann by email) views t1, t2 and t3; the idp binding staff (ann's IdP group) edits t2 and t3.
    // Pairs in target order: (t1 ann-local), (t2 ann-local), (t2 staff), (t3 ann-local), (t3 staff). Worked out by hand:
    // with page_size 1 a round reads 2 x 2 = 4 pairs and ends between t3's two principals; t1 has no edit.
    const vault = await pushTarget(t);
    const payload = {
      applications: [{ name: 'Vault', application_type: 'vault', local_users: [{ name: 'ann-local', identities: ['ann@corp.example'] }], resources: ['t1', 't2', 't3'].map((name) => ({ name, resource_type: 'doc' })) }],
      permissions: [
        { name: 'view', permission_type: ['DataRead'] },
        { name: 'edit', permission_type: ['DataWrite'] },
      ],
      identity_to_permissions: [
        { identity: 'ann-local', identity_type: 'local_user', application_permissions: [{ application: 'Vault', resources: ['t1', 't2', 't3'], permission: 'view' }] },
        { identity: 'staff', identity_type: 'idp', application_permissions: [{ application: 'Vault', resources: ['t2', 't3'], permission: 'edit' }] },
      ],
    };
    expect((await push(t, `${dataSourceUrl(vault.provider.id, vault.dataSource.id)}:push`, payload)).statusCode).toBe(200);
    const ann = await nodeOf('type=idp_user&key=u1');
    const pages: Row[] = [];
    let token = '';
    do {
      const page = expectValues<Row>(await t.call({ url: `/api/v1/graph/nodes/${ann}/access?page_size=1&permission=edit&data_source_id=${vault.dataSource.id}${token ? `&page_token=${token}` : ''}`, key: t.keys.reader }));
      pages.push(...page.values);
      token = page.next_page_token;
    } while (token);
    expect(brief(pages)).toEqual(['t2: edit [DataWrite] via edit<staff/-/-', 't3: edit [DataWrite] via edit<staff/-/-']);
    // Unfiltered, one row at a time: both principals' paths on every target.
    expect(brief(await access(ann, `&data_source_id=${vault.dataSource.id}`))).toEqual([
      't1: view [DataRead] via view<ann-local/-/-',
      't2: edit,view [DataRead,DataWrite] via edit<staff/-/- view<ann-local/-/-',
      't3: edit,view [DataRead,DataWrite] via edit<staff/-/- view<ann-local/-/-',
    ]);
  });

  it('is a 400 naming node_id for a node that holds no access, and a 404 for an unknown one', async () => {
    const app = await nodeOf(`type=application&data_source_id=${shop.dataSource.id}`);
    const res = await t.call({ url: `/api/v1/graph/nodes/${app}/access`, key: t.keys.reader });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { message: string }).message).toMatch(/node_id: application nodes hold no access/);
    expect((await t.call({ url: '/api/v1/graph/nodes/nope/access', key: t.keys.reader })).statusCode).toBe(404);
    // The node is judged before the page token, as when the service read it first.
    expect((await t.call({ url: '/api/v1/graph/nodes/nope/access?page_token=bad', key: t.keys.reader })).statusCode).toBe(404);
    expect((await t.call({ url: `/api/v1/graph/nodes/${app}/access?page_token=bad`, key: t.keys.reader })).json()).toMatchObject({ message: expect.stringMatching(/node_id: application nodes hold no access/) as unknown });
  });
});

describe('access to an entity', () => {
  type Row = {
    principal: { key: string };
    permissions: string[];
    identities: Array<{ identity: { key: string; type: string }; active: boolean | null; employees: Array<{ employee: { key: string }; employment_status: string | null; terminated: boolean }> }>;
    inactive: boolean;
    terminated: boolean;
  };
  const brief = (r: Row) =>
    `${r.principal.key}: ${r.permissions.join(',')} | ${r.identities
      .map((i) => `${i.identity.type} ${i.identity.key} (${i.active}) [${i.employees.map((e) => `${e.employee.key} ${e.employment_status}${e.terminated ? ' terminated' : ''}`).join(', ')}]`)
      .join('; ')}${r.inactive ? ' INACTIVE' : ''}${r.terminated ? ' TERMINATED' : ''}`;

  async function accessors(nodeId: string, query = ''): Promise<Row[]> {
    return expectValues<Row>(await t.call({ url: `/api/v1/graph/nodes/${nodeId}/accessors?page_size=1000${query}`, key: t.keys.reader })).values;
  }

  it('lists every principal that reaches it, with the people behind each, flagging an inactive user and a terminated employee', async () => {
    // ann becomes inactive in the identity provider; bob's employee record (e2) says Terminated.
    const idpPayload = validIdpPayload();
    idpPayload.users![0]!.is_active = false;
    expect((await push(t, `${dataSourceUrl(idp.provider.id, idp.dataSource.id)}:push`, idpPayload)).statusCode).toBe(200);
    const hris = await pushTarget(t, 'hris');
    const hrisPayload = validHrisPayload();
    hrisPayload.employees![1]!.employment_status = 'Terminated';
    expect((await push(t, `${dataSourceUrl(hris.provider.id, hris.dataSource.id)}:push`, hrisPayload)).statusCode).toBe(200);

    const [app] = await search(`type=application&data_source_id=${shop.dataSource.id}`);
    // Shop's grants (shopPayload): ann-local and zed viewer (view), bob-local view directly, clerks editor (edit), the idp identities staff and ghost viewer.
    // Links: ann-local -> ann (u1, e1), bob-local -> bob (u2, e2), clerks -> the IdP group admins, the identity staff -> the IdP group staff.
    expect((await accessors(app!.id)).map(brief).sort()).toEqual([
      'ann-local: view | idp_user u1 (false) [e1 ACTIVE] INACTIVE',
      'bob-local: view | idp_user u2 (null) [e2 Terminated terminated] TERMINATED',
      'clerks: edit | idp_group admins (null) []',
      'ghost@corp.example: view | ',
      'staff: view | idp_group staff (null) []',
      'zed: view | ',
    ]);
    expect((await accessors(app!.id, '&principal_type=local_group')).map((r) => r.principal.key)).toEqual(['clerks']);
    expect((await accessors(app!.id, '&canonical_type=data_write')).map((r) => r.principal.key)).toEqual(['clerks']);
    expect((await accessors(app!.id, '&permission=VIEW')).length).toBe(5);
  });

  it('pages through every principal that exists throughout exactly once while its data source is pushed again', async () => {
    const [app] = await search(`type=application&data_source_id=${shop.dataSource.id}`);
    const before = await accessors(app!.id);
    const rows: Row[] = [];
    let token = '';
    let pushes = 0;
    do {
      const page = expectValues<Row>(await t.call({ url: `/api/v1/graph/nodes/${app!.id}/accessors?page_size=2${token ? `&page_token=${token}` : ''}`, key: t.keys.reader }));
      rows.push(...page.values);
      token = page.next_page_token;
      // After the first page: Shop again, with one more viewer (aaa-new sorts first: it may or may not show), and the IdP again.
      if (pushes === 0) {
        const more = shopPayload();
        more.applications![0]!.local_users!.push({ name: 'aaa-new', identities: [] });
        more.identity_to_permissions!.push({ identity: 'aaa-new', identity_type: 'local_user', role_assignments: [{ application: 'Shop', role: 'viewer', apply_to_application: true }] });
        expect((await push(t, `${dataSourceUrl(shop.provider.id, shop.dataSource.id)}:push`, more)).statusCode).toBe(200);
        expect((await push(t, `${dataSourceUrl(idp.provider.id, idp.dataSource.id)}:push`, validIdpPayload())).statusCode).toBe(200);
        pushes++;
      }
    } while (token);
    const keys = rows.map((r) => r.principal.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const row of before) expect(keys).toContain(row.principal.key);
    expect(before.length).toBeGreaterThan(2);
  });

  it('pages through every principal once, and refuses a node that grants do not reach', async () => {
    const [app] = await search(`type=application&data_source_id=${shop.dataSource.id}`);
    const all = await accessors(app!.id);
    const paged: Row[] = [];
    let token = '';
    do {
      const page = expectValues<Row>(await t.call({ url: `/api/v1/graph/nodes/${app!.id}/accessors?page_size=2${token ? `&page_token=${token}` : ''}`, key: t.keys.reader }));
      paged.push(...page.values);
      token = page.next_page_token;
    } while (token);
    expect(paged).toEqual(all);
    expect((await t.call({ url: `/api/v1/graph/nodes/${app!.id}/accessors?page_size=2&total=true`, key: t.keys.reader })).json()).toMatchObject({ total_count: all.length });
    expect((await t.call({ url: `/api/v1/graph/nodes/${app!.id}/accessors?total=true&principal_type=local_group`, key: t.keys.reader })).json()).toMatchObject({ total_count: 1 });
    const [ann] = await search('type=idp_user&key=u1');
    const res = await t.call({ url: `/api/v1/graph/nodes/${ann!.id}/accessors`, key: t.keys.reader });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { message: string }).message).toMatch(/node_id: idp user nodes are not reached by grants/);
    // The node is judged before the page token, as when the service read it first.
    expect((await t.call({ url: '/api/v1/graph/nodes/nope/accessors?page_token=bad', key: t.keys.reader })).statusCode).toBe(404);
    expect((await t.call({ url: `/api/v1/graph/nodes/${ann!.id}/accessors?page_token=bad`, key: t.keys.reader })).json()).toMatchObject({ message: expect.stringMatching(/node_id: idp user nodes are not reached by grants/) as unknown });
  });
});
