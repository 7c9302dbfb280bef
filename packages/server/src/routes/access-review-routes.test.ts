import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'csv-parse/sync';
import type { AccessReviewRow, ApplicationPayload, NodeSummary } from '@accessgraph/contract';
import { ACCESS_REVIEW_COLUMNS } from '@accessgraph/contract';
import { validHrisPayload } from '../../../core/src/hris/test-support/hris-payloads.js';
import { validIdpPayload } from '../../../core/src/idp/test-support/idp-payloads.js';
import { shopPayload } from '../../../core/src/linking/test-support/shop-payload.js';
import { dataSourceUrl } from '../test-support/fixtures.js';
import { expectError, expectValues } from '../test-support/http-expect.js';
import { push, pushTarget } from '../test-support/push.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

/**
 * The access review export over HTTP. The fixture: the core tests' identity provider (ann u1,
 * full name "Ann Archer", inactive here, managed by bob u2; bob u2 with no full name and no
 * is_active; groups staff "All staff", admins), the core tests' HRIS (e1 ann -> u1 by idp_id, e2
 * bob -> u2 by email, here Terminated and managed by e1), and `shopPayload` with one resource,
 * shelf1, that the permission view reaches from the application (apply_to_sub_resources).
 */

let t: TestApp;
let shop: Awaited<ReturnType<typeof pushTarget>>;
let idp: Awaited<ReturnType<typeof pushTarget>>;
let hris: Awaited<ReturnType<typeof pushTarget>>;

function shopWithShelf(): ApplicationPayload {
  const payload = shopPayload();
  payload.applications![0]!.resources = [{ name: 'shelf1', resource_type: 'shelf' }];
  payload.permissions![0]!.apply_to_sub_resources = true;
  return payload;
}

async function pushOk(url: string, payload: unknown) {
  const res = await push(t, url, payload);
  expect(res.statusCode, res.body).toBe(200);
}

beforeEach(async () => {
  t = await createTestApp();
  idp = await pushTarget(t, 'identity_provider');
  hris = await pushTarget(t, 'hris');
  shop = await pushTarget(t, 'application');
  const people = validIdpPayload();
  people.users![0]!.is_active = false;
  await pushOk(idp.url, people);
  const staff = validHrisPayload();
  staff.employees![1]!.employment_status = 'Terminated';
  staff.employees![1]!.managers = [{ id: 'e1' }];
  await pushOk(hris.url, staff);
  await pushOk(shop.url, shopWithShelf());
});
afterEach(async () => {
  vi.restoreAllMocks();
  await t.close();
});

async function nodeOf(query: string): Promise<NodeSummary> {
  const found = expectValues<NodeSummary>(await t.call({ url: `/api/v1/graph/nodes?${query}`, key: t.keys.reader })).values;
  expect(found).toHaveLength(1);
  return found[0]!;
}

const nodeReview = (nodeId: string) => `/api/v1/graph/nodes/${nodeId}/access_review`;
const dsReview = (target: { provider: { id: string }; dataSource: { id: string } }) => `${dataSourceUrl(target.provider.id, target.dataSource.id)}/access_review`;

/** Every page of a JSON review, following next_page_token. */
async function allPages(url: string, query = '', pageSize = 1000): Promise<AccessReviewRow[]> {
  const rows: AccessReviewRow[] = [];
  let token = '';
  for (let n = 0; n < 1000; n++) {
    const page = expectValues<AccessReviewRow>(await t.call({ url: `${url}?page_size=${pageSize}${query}${token ? `&page_token=${encodeURIComponent(token)}` : ''}`, key: t.keys.reader }));
    expect(page.values.length).toBeLessThanOrEqual(pageSize);
    rows.push(...page.values);
    if (!page.has_more) return rows;
    token = page.next_page_token;
  }
  throw new Error('paging did not end');
}

/**
 * The golden rows, worked out by hand. Principals in node key order: app:shop/group:clerks,
 * app:shop/user:ann-local, app:shop/user:bob-local, app:shop/user:zed, then the idp identities
 * idp:ghost@corp.example and idp:staff; each on Shop, then on shelf1 (app:shop/resource:shelf1).
 * - clerks holds the role editor (edit, DataWrite) on Shop; edit does not reach sub-resources.
 *   It is linked to the IdP group admins (no full name, no email, no is_active).
 * - ann-local holds viewer (view, DataRead) on Shop and so on shelf1, inherited; linked to u1:
 *   "Ann Archer", inactive, managed by bob (u2) in the IdP; HRIS e1, ACTIVE.
 * - bob-local holds view directly; linked to u2 by the mapping rule: "bob", no is_active; no
 *   IdP manager, so the HRIS one: e2's manager e1 (ann); e2 Terminated.
 * - zed and ghost@corp.example hold viewer and are linked to nobody: the row is about the
 *   principal itself (zed's own email).
 * - the idp identity staff holds viewer; linked to the IdP group staff, full name "All staff".
 */
function golden(): AccessReviewRow[] {
  const idpId = idp.dataSource.id;
  const shopId = shop.dataSource.id;
  const none = { manager: null, manager_identity: null, hr_status: null, terminated: false, employee: null };
  // The shop's accounts report no sign-ins (the Okta test reads them in a review).
  const on = (resource: string | null) => ({ application: 'Shop', resource, data_source_id: shopId, last_login_at: null, sso_last_login_at: null });
  const view = { permissions: ['view'], canonical_types: ['DataRead'] };
  const ann = {
    identity: 'u1', display_name: 'Ann Archer', email: 'ann@corp.example', manager: 'bob', manager_identity: 'u2', hr_status: 'ACTIVE', terminated: false, active: false,
    ...view, principal: 'ann-local', principal_type: 'local_user', principal_name: 'ann-local', identity_type: 'idp_user', identity_data_source_id: idpId, employee: 'e1',
  };
  const bob = {
    identity: 'u2', display_name: 'bob', email: 'bob@corp.example', manager: 'ann', manager_identity: 'e1', hr_status: 'Terminated', terminated: true, active: null,
    ...view, principal: 'bob-local', principal_type: 'local_user', principal_name: 'bob-local', identity_type: 'idp_user', identity_data_source_id: idpId, employee: 'e2',
  };
  const zed = { identity: 'zed', display_name: 'zed', email: 'zed@shop.example', ...none, active: null, ...view, principal: 'zed', principal_type: 'local_user', principal_name: 'zed', identity_type: 'local_user', identity_data_source_id: shopId };
  const ghost = {
    identity: 'ghost@corp.example', display_name: 'ghost@corp.example', email: null, ...none, active: null, ...view,
    principal: 'ghost@corp.example', principal_type: 'idp_identity', principal_name: 'ghost@corp.example', identity_type: 'idp_identity', identity_data_source_id: shopId,
  };
  const staff = {
    identity: 'staff', display_name: 'All staff', email: null, ...none, active: null, ...view,
    principal: 'staff', principal_type: 'idp_identity', principal_name: 'staff', identity_type: 'idp_group', identity_data_source_id: idpId,
  };
  return [
    {
      identity: 'admins', display_name: 'admins', email: null, ...none, active: null, permissions: ['edit'], canonical_types: ['DataWrite'], ...on(null),
      via: ['edit: linked local group clerks, role editor'], principal: 'clerks', principal_type: 'local_group', principal_name: 'clerks', identity_type: 'idp_group', identity_data_source_id: idpId,
    },
    { ...ann, ...on(null), via: ['view: linked local account ann-local, role viewer'] },
    { ...ann, ...on('shelf1'), via: ['view: linked local account ann-local, role viewer, inherited from Shop'] },
    { ...bob, ...on(null), via: ['view: linked local account bob-local, direct'] },
    { ...bob, ...on('shelf1'), via: ['view: linked local account bob-local, inherited from Shop'] },
    { ...zed, ...on(null), via: ['view: role viewer'] },
    { ...zed, ...on('shelf1'), via: ['view: role viewer, inherited from Shop'] },
    { ...ghost, ...on(null), via: ['view: role viewer'] },
    { ...ghost, ...on('shelf1'), via: ['view: role viewer, inherited from Shop'] },
    { ...staff, ...on(null), via: ['view: linked idp binding staff, role viewer'] },
    { ...staff, ...on('shelf1'), via: ['view: linked idp binding staff, role viewer, inherited from Shop'] },
  ].map((row) => Object.fromEntries(ACCESS_REVIEW_COLUMNS.map((c) => [c, (row as Record<string, unknown>)[c]])) as AccessReviewRow);
}

/** A CSV answer's records, parsed back; asserts the headers of a download. */
async function csvOf(url: string, name: string): Promise<string[][]> {
  const res = await t.call({ url, key: t.keys.reader });
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  expect(res.headers['content-disposition']).toBe(`attachment; filename="${name}"`);
  return parse(res.body, { relax_column_count: false }) as string[][];
}

describe('access review of an application, a resource and a data source (JSON)', () => {
  it('answers the golden rows for the application and its resources, and the same for its data source', async () => {
    const app = await nodeOf(`type=application&data_source_id=${shop.dataSource.id}`);
    expect(await allPages(nodeReview(app.id))).toEqual(golden());
    expect(await allPages(dsReview(shop))).toEqual(golden());
  });

  it('answers a resource with its accessors only', async () => {
    const shelf = await nodeOf(`type=resource&data_source_id=${shop.dataSource.id}`);
    expect(await allPages(nodeReview(shelf.id))).toEqual(golden().filter((r) => r.resource === 'shelf1'));
  });

  it('filters by principal type, permission, canonical type, terminated and inactive people', async () => {
    const url = dsReview(shop);
    const who = (rows: AccessReviewRow[]) => rows.map((r) => `${r.principal} ${r.resource ?? 'Shop'}`);
    expect(who(await allPages(url, '&principal_type=local_group'))).toEqual(['clerks Shop']);
    expect(who(await allPages(url, '&permission=EDIT'))).toEqual(['clerks Shop']);
    expect((await allPages(url, '&canonical_type=data_read')).length).toBe(10);
    expect(who(await allPages(url, '&terminated_only=true'))).toEqual(['bob-local Shop', 'bob-local shelf1']);
    expect(who(await allPages(url, '&inactive_only=true'))).toEqual(['ann-local Shop', 'ann-local shelf1']);
    expect(who(await allPages(url, '&inactive_only=true&terminated_only=true'))).toEqual([]);
    expect(await allPages(url, '&terminated_only=false')).toEqual(golden());
  });

  it('counts an employee whose termination date has passed as terminated, whatever its status says; a coming one not yet', async () => {
    const staff = validHrisPayload();
    staff.employees![0]!.termination_date = '2020-01-31T00:00:00Z';
    staff.employees![1]!.employment_status = 'ACTIVE';
    staff.employees![1]!.termination_date = '2999-01-31T00:00:00Z';
    await pushOk(hris.url, staff);
    const rows = await allPages(dsReview(shop));
    const of = (identity: string) => rows.filter((r) => r.identity === identity).map((r) => [r.hr_status, r.terminated]);
    // ann (u1, e1) and bob (u2, e2), each on Shop and on shelf1.
    expect(of('u1')).toEqual([['ACTIVE', true], ['ACTIVE', true]]);
    expect(of('u2')).toEqual([['ACTIVE', false], ['ACTIVE', false]]);
  });

  it('pages through every row once, also when a page ends between the people behind one account', async () => {
    // A second identity provider with the same users: the linked accounts now stand for two people each.
    const other = await pushTarget(t, 'identity_provider');
    await pushOk(other.url, validIdpPayload());
    const all = await allPages(dsReview(shop));
    // clerks, ann-local, bob-local and staff: 2 people x their targets (1 + 2 + 2 + 2); zed and ghost: 2 targets each.
    expect(all).toHaveLength(2 * 7 + 4);
    const ann = all.filter((r) => r.principal === 'ann-local' && r.resource === null);
    expect(ann.map((r) => r.identity_data_source_id).sort()).toEqual([idp.dataSource.id, other.dataSource.id].sort());
    for (const size of [1, 2, 3, 5]) expect(await allPages(dsReview(shop), '', size)).toEqual(all);
    // A total on request counts every row, whatever the page size.
    expect((await t.call({ url: `${dsReview(shop)}?page_size=2&total=true`, key: t.keys.reader })).json()).toMatchObject({ total_count: all.length });
    const app = await nodeOf(`type=application&data_source_id=${shop.dataSource.id}`);
    expect(await allPages(nodeReview(app.id), '&permission=view', 3)).toEqual(all.filter((r) => r.permissions.includes('view')));
  });

  it('answers no rows for an application data source never pushed', async () => {
    const empty = await pushTarget(t, 'application');
    expect(await allPages(dsReview(empty))).toEqual([]);
  });
});

describe('access review as CSV', () => {
  it('streams a header and one line per row, lists joined with "; ", nulls empty, booleans true/false', async () => {
    const records = await csvOf(`${dsReview(shop)}?format=csv`, 'access-review-Prod.csv');
    expect(records[0]).toEqual(ACCESS_REVIEW_COLUMNS);
    const expected = golden().map((row) =>
      ACCESS_REVIEW_COLUMNS.map((c) => {
        const value = row[c];
        return value === null ? '' : Array.isArray(value) ? value.join('; ') : String(value);
      }),
    );
    expect(records.slice(1)).toEqual(expected);
    // By hand, one line: bob-local on shelf1.
    expect(records[5]!.slice(0, 12)).toEqual(['u2', 'bob', 'bob@corp.example', 'ann', 'e1', 'Terminated', 'true', '', '', '', 'Shop', 'shelf1']);
    const app = await nodeOf(`type=application&data_source_id=${shop.dataSource.id}`);
    expect(await csvOf(`${nodeReview(app.id)}?format=csv&terminated_only=true`, 'access-review-Shop.csv')).toEqual([records[0], records[4], records[5]]);
  });

  it('quotes commas, quotes and line breaks, and defuses cells a spreadsheet would run as formulas', async () => {
    const people = validIdpPayload();
    people.users![0]!.full_name = 'Archer, Ann "Annie"\nSr.';
    // A line break alone must be quoted too, not only with a comma or quote beside it.
    people.users![1]!.full_name = 'Bob\nBaker';
    await pushOk(idp.url, people);
    const payload = shopWithShelf();
    payload.applications![0]!.resources = [{ name: 'shelf, "top"', resource_type: 'shelf' }];
    payload.applications![0]!.local_users!.push({ name: '=1+2' });
    payload.identity_to_permissions!.push({ identity: '=1+2', identity_type: 'local_user', application_permissions: [{ application: 'Shop', permission: 'edit', apply_to_application: true }] });
    await pushOk(shop.url, payload);
    const res = await t.call({ url: `${dsReview(shop)}?format=csv`, key: t.keys.reader });
    expect(res.body).toContain('"Archer, Ann ""Annie""\nSr."');
    expect(res.body).toContain(',"Bob\nBaker",');
    expect(res.body.split('\r\n')[0]).toBe(ACCESS_REVIEW_COLUMNS.join(','));
    const records = parse(res.body) as string[][];
    const ann = records.filter((r) => r[0] === 'u1');
    const column = (name: string) => ACCESS_REVIEW_COLUMNS.indexOf(name as (typeof ACCESS_REVIEW_COLUMNS)[number]);
    expect(ann.map((r) => [r[1], r[column('resource')]])).toEqual([
      ['Archer, Ann "Annie"\nSr.', ''],
      ['Archer, Ann "Annie"\nSr.', 'shelf, "top"'],
    ]);
    expect(records.filter((r) => r[0] === 'u2').map((r) => r[1])).toEqual(['Bob\nBaker', 'Bob\nBaker']);
    // The account named =1+2 comes out with a leading quote, as text.
    expect(records.filter((r) => r[column('principal')] === "'=1+2").map((r) => [r[0], r[column('permissions')]])).toEqual([["'=1+2", 'edit']]);
  });

  it('streams a large data source page by page: several chunks, one line per row', async () => {
    // 5,000 users in one group that holds view: 5,000 user rows (through the group) and the group's own.
    const users = 5_000;
    const payload: ApplicationPayload = {
      applications: [
        {
          name: 'Big',
          application_type: 'big',
          local_users: Array.from({ length: users }, (_, i) => ({ name: `user-${String(i).padStart(5, '0')}`, groups: ['everyone'] })),
          local_groups: [{ name: 'everyone' }],
        },
      ],
      permissions: [{ name: 'view', permission_type: ['DataRead'] }],
      identity_to_permissions: [{ identity: 'everyone', identity_type: 'local_group', application_permissions: [{ application: 'Big', permission: 'view', apply_to_application: true }] }],
    };
    const big = await pushTarget(t, 'application');
    await pushOk(big.url, payload);
    const reads = vi.spyOn(t.store, 'listAccessReview');
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${address}${dsReview(big)}?format=csv`, { headers: { authorization: `Bearer ${t.keys.reader}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const decoder = new TextDecoder();
    let text = '';
    let chunks = 0;
    for await (const chunk of res.body!) {
      chunks++;
      text += decoder.decode(chunk as Uint8Array, { stream: true });
    }
    expect(chunks).toBeGreaterThan(1);
    const lines = text.split('\r\n');
    expect(lines.pop()).toBe('');
    // The header, the group, then every user in key order.
    expect(lines).toHaveLength(1 + 1 + users);
    expect(lines[1]!.startsWith('everyone,everyone,,')).toBe(true);
    expect(lines[2]!.startsWith('user-00000,user-00000,,')).toBe(true);
    expect(lines[lines.length - 1]!.startsWith(`user-0${users - 1},`)).toBe(true);
    expect(lines[2]).toContain(',view: group everyone,');
    // Read from storage a page at a time, each page continuing the one before.
    expect(reads.mock.calls.length).toBeGreaterThanOrEqual(10);
    for (const [, request] of reads.mock.calls) expect(request.pageSize).toBeLessThanOrEqual(500);
  });
});

describe('access review: bad requests', () => {
  it('answers 404 for an unknown node, data source or provider, as JSON also when CSV is asked', async () => {
    expectError(await t.call({ url: `${nodeReview('bm9wZQ')}`, key: t.keys.reader }), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
    expectError(await t.call({ url: `${nodeReview('bm9wZQ')}?format=csv`, key: t.keys.reader }), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
    const unknownDs = `${dataSourceUrl(shop.provider.id, '00000000-0000-4000-8000-000000000000')}/access_review`;
    expectError(await t.call({ url: unknownDs, key: t.keys.reader }), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
    const unknownProvider = `${dataSourceUrl('00000000-0000-4000-8000-000000000000', shop.dataSource.id)}/access_review?format=csv`;
    expectError(await t.call({ url: unknownProvider, key: t.keys.reader }), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
  });

  it('answers 400 naming node_id for a node grants do not reach, and data_source_id for an identity provider or HRIS', async () => {
    const user = await nodeOf('type=idp_user&key=u1');
    expectError(await t.call({ url: nodeReview(user.id), key: t.keys.reader }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'node_id', description: 'idp user nodes are not reached by grants' });
    const role = await nodeOf(`type=local_role&key=viewer&data_source_id=${shop.dataSource.id}`);
    expectError(await t.call({ url: `${nodeReview(role.id)}?format=csv`, key: t.keys.reader }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'node_id' });
    for (const other of [idp, hris]) {
      expectError(await t.call({ url: dsReview(other), key: t.keys.reader }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'data_source_id', description: 'grant nothing to review' });
    }
  });

  it('answers 400 naming each bad query parameter', async () => {
    const url = dsReview(shop);
    for (const [query, field] of [
      ['format=xml', 'querystring.format'],
      ['principal_type=idp_user', 'querystring.principal_type'],
      ['terminated_only=maybe', 'querystring.terminated_only'],
      ['inactive_only=2', 'querystring.inactive_only'],
      ['page_size=-1', 'querystring.page_size'],
      ['page_size=many', 'querystring.page_size'],
      ['color=red', 'querystring.color'],
    ] as const) {
      expectError(await t.call({ url: `${url}?${query}`, key: t.keys.reader }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field });
    }
    // A value outside a closed set is answered with the set.
    expectError(await t.call({ url: `${url}?format=xml`, key: t.keys.reader }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'querystring.format', description: 'must be one of "json", "csv"' });
    expectError(await t.call({ url: `${url}?page_token=garbage`, key: t.keys.reader }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_PAGE_TOKEN', field: 'page_token' });
    // A token continues only the review it came from: not another filter, not another data source's.
    const first = expectValues<AccessReviewRow>(await t.call({ url: `${url}?page_size=1`, key: t.keys.reader }));
    const token = encodeURIComponent(first.next_page_token);
    expectError(await t.call({ url: `${url}?page_size=1&permission=view&page_token=${token}`, key: t.keys.reader }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_PAGE_TOKEN', field: 'page_token' });
    const app = await nodeOf(`type=application&data_source_id=${shop.dataSource.id}`);
    expectError(await t.call({ url: `${nodeReview(app.id)}?page_size=1&page_token=${token}`, key: t.keys.reader }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_PAGE_TOKEN', field: 'page_token' });
    expectError(await t.call({ url: `${url}?format=csv&page_token=${token}`, key: t.keys.reader }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'page_token', description: 'a CSV export is the whole answer' });
  });

  it('needs a key', async () => {
    expectError(await t.call({ url: `${dsReview(shop)}?format=csv`, key: null }), { status: 401, code: 'Unauthenticated', reason: 'UNAUTHENTICATED' });
  });
});

describe('access review in the OpenAPI document', () => {
  it('is in the OpenAPI document with both media types', async () => {
    const doc = (await t.call({ url: '/api/openapi.json', key: null })).json<{ paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, unknown> }> } }> }>();
    for (const path of ['/api/v1/graph/nodes/{node_id}/access_review', '/api/v1/providers/custom/{id}/datasources/{data_source_id}/access_review']) {
      expect(Object.keys(doc.paths[path]?.get?.responses['200']?.content ?? {}).sort()).toEqual(['application/json', 'text/csv']);
    }
  });
});
