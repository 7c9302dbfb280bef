import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessPath, ApplicationPayload, NodeSummary } from '@accessgraph/contract';
import { validHrisPayload } from '../../../core/src/hris/test-support/hris-payloads.js';
import { validIdpPayload } from '../../../core/src/idp/test-support/idp-payloads.js';
import { MAX_PATH_SEARCH_STEPS } from '@accessgraph/storage';
import { buildApp } from '../app.js';
import { storeWith } from '../test-support/failing-store.js';
import { expectError, expectValues } from '../test-support/http-expect.js';
import { push, pushTarget } from '../test-support/push.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

/**
 * Application Vault, built to give the IdP user bob (u2, in admins, which is in staff: the core
 * tests' identity provider) several routes to the sub-resource safe.drawer:
 * - bob-vault is bob's local account (its identities entry is bob's email) and a member of
 *   tellers, which is in branch; branch holds `read` (inherited by sub-resources) on safe;
 *   bob-vault itself holds `write` (not inherited) on safe.drawer.
 * - auditors is linked to the IdP group staff (identities entry `staff`) and holds the role reader
 *   (`read`) on safe.
 */
function vaultPayload(): ApplicationPayload {
  return {
    applications: [
      {
        name: 'Vault',
        application_type: 'vault',
        local_users: [{ name: 'bob-vault', identities: ['bob@corp.example'], groups: ['tellers'] }],
        local_groups: [{ name: 'tellers', groups: ['branch'] }, { name: 'branch' }, { name: 'auditors', identities: ['staff'] }],
        local_roles: [{ name: 'reader', permissions: ['read'] }],
        resources: [{ name: 'safe', resource_type: 'box', sub_resources: [{ name: 'drawer', resource_type: 'box' }] }],
      },
    ],
    permissions: [
      { name: 'read', permission_type: ['DataRead'], apply_to_sub_resources: true },
      { name: 'write', permission_type: ['DataWrite'], apply_to_sub_resources: false },
    ],
    identity_to_permissions: [
      { identity: 'branch', identity_type: 'local_group', application_permissions: [{ application: 'Vault', permission: 'read', resources: ['safe'] }] },
      { identity: 'auditors', identity_type: 'local_group', role_assignments: [{ application: 'Vault', role: 'reader', resources: ['safe'] }] },
      { identity: 'bob-vault', identity_type: 'local_user', application_permissions: [{ application: 'Vault', permission: 'write', resources: ['safe.drawer'] }] },
    ],
  };
}

/**
 * bob's paths to safe.drawer, worked out by hand from the payloads above, shortest first:
 * 1. the write bob-vault holds on the drawer itself (2 edges);
 * 2. read through his account's groups tellers and branch, granted on safe, inherited (5 edges);
 * 3. read through his IdP groups admins and staff, staff's link to auditors, auditors' role, safe's
 *    drawer (6 edges: u2-admins, admins-staff, staff-auditors, auditors-reader, reader-safe, safe-drawer).
 */
const BOB_TO_DRAWER = [
  'write: u2 -linked:identities-> bob-vault -grants-> safe.drawer',
  'read: u2 -linked:identities-> bob-vault -member_of-> tellers -member_of-> branch -grants-> safe -contains-> safe.drawer',
  'read: u2 -member_of-> admins -member_of-> staff -linked:identities-> auditors -has_role-> reader -grants-> safe -contains-> safe.drawer',
];

let t: TestApp;
let vault: Awaited<ReturnType<typeof pushTarget>>;
beforeEach(async () => {
  t = await createTestApp();
  const idp = await pushTarget(t, 'identity_provider');
  vault = await pushTarget(t);
  expect((await push(t, idp.url, validIdpPayload())).statusCode).toBe(200);
  expect((await push(t, vault.url, vaultPayload())).statusCode).toBe(200);
});
afterEach(async () => {
  await t.close();
});

async function nodeOf(query: string): Promise<string> {
  const [node] = expectValues<NodeSummary>(await t.call({ url: `/api/v1/graph/nodes?${query}`, key: t.keys.reader })).values;
  return node!.id;
}

const pathsUrl = (nodeId: string, query: string) => `/api/v1/graph/nodes/${nodeId}/paths?${query}`;

async function paths(nodeId: string, target: string, query = ''): Promise<AccessPath[]> {
  return expectValues<AccessPath>(await t.call({ url: pathsUrl(nodeId, `target=${target}&page_size=1000${query}`), key: t.keys.reader })).values;
}

const brief = (path: AccessPath) => `${path.permission}: ${path.steps.map((s) => `${s.node.key}${s.edge === null ? '' : ` -${s.edge}-> `}`).join('')}`;

describe('paths from a principal to an application or resource', () => {
  it("of an IdP user: every chain through its linked account and its groups' links, shortest first", async () => {
    const bob = await nodeOf('type=idp_user&key=u2');
    const drawer = await nodeOf(`data_source_id=${vault.dataSource.id}&key=safe.drawer`);
    const found = await paths(bob, drawer);
    expect(found.map(brief)).toEqual(BOB_TO_DRAWER);
    expect(found.map((p) => [p.length, p.canonical_types])).toEqual([
      [2, ['DataWrite']],
      [5, ['DataRead']],
      [6, ['DataRead']],
    ]);
    // Each step names its node in full, with an id to ask about it; the last has no edge.
    const [first] = found;
    expect(first!.steps[0]!.node).toMatchObject({ id: bob, type: 'idp_user', name: 'bob' });
    expect(first!.steps[1]!.node).toMatchObject({ type: 'local_user', application: 'Vault', data_source_id: vault.dataSource.id });
    expect(first!.steps[2]).toEqual({ node: expect.objectContaining({ id: drawer, type: 'resource' }), edge: null });
  });

  it('filter by permission and canonical type, dropping the other chains', async () => {
    const bob = await nodeOf('type=idp_user&key=u2');
    const drawer = await nodeOf(`data_source_id=${vault.dataSource.id}&key=safe.drawer`);
    expect((await paths(bob, drawer, '&permission=READ')).map(brief)).toEqual(BOB_TO_DRAWER.slice(1));
    expect((await paths(bob, drawer, '&permission=write')).map(brief)).toEqual(BOB_TO_DRAWER.slice(0, 1));
    expect((await paths(bob, drawer, '&canonical_type=data_write')).map(brief)).toEqual(BOB_TO_DRAWER.slice(0, 1));
    expect(await paths(bob, drawer, '&permission=admin')).toEqual([]);
  });

  it('of a local account, an HRIS employee, and to the parent resource', async () => {
    const bobVault = await nodeOf(`data_source_id=${vault.dataSource.id}&key=bob-vault`);
    const drawer = await nodeOf(`data_source_id=${vault.dataSource.id}&key=safe.drawer`);
    // The account's own chains: bob's first two without the link.
    expect((await paths(bobVault, drawer)).map(brief)).toEqual(['write: bob-vault -grants-> safe.drawer', 'read: bob-vault -member_of-> tellers -member_of-> branch -grants-> safe -contains-> safe.drawer']);
    // safe: write is not granted there and not inherited upwards; read is granted on it, so no contains step.
    const safe = await nodeOf(`data_source_id=${vault.dataSource.id}&key=safe`);
    expect((await paths(bobVault, safe)).map(brief)).toEqual(['read: bob-vault -member_of-> tellers -member_of-> branch -grants-> safe']);
    // The HRIS employee e2 links to bob (its idp_id): bob's chains, each one step longer.
    const hris = await pushTarget(t, 'hris');
    expect((await push(t, hris.url, validHrisPayload())).statusCode).toBe(200);
    const e2 = await nodeOf(`data_source_id=${hris.dataSource.id}&key=e2`);
    expect((await paths(e2, drawer)).map(brief)).toEqual(BOB_TO_DRAWER.map((p) => p.replace(': u2', ': e2 -linked:hris-> u2')));
  });

  it('show a role included in the role a binding gives as a step of its own, and which role names each permission', async () => {
    // kim holds head on vault; head names read itself and includes teller, which names write and
    // includes reader, which names read. The binding gives kim all three permissions on vault.
    const bank = await pushTarget(t);
    const payload: ApplicationPayload = {
      applications: [
        {
          name: 'Bank',
          application_type: 'bank',
          local_users: [{ name: 'kim' }],
          local_roles: [
            { name: 'reader', permissions: ['read'] },
            { name: 'teller', permissions: ['write'], roles: ['reader'] },
            { name: 'head', permissions: ['read'], roles: ['teller'] },
          ],
          resources: [{ name: 'vault', resource_type: 'box', sub_resources: [{ name: 'till', resource_type: 'box' }] }],
        },
      ],
      permissions: [
        { name: 'read', permission_type: ['DataRead'], apply_to_sub_resources: true },
        { name: 'write', permission_type: ['DataWrite'], apply_to_sub_resources: false },
      ],
      identity_to_permissions: [{ identity: 'kim', identity_type: 'local_user', role_assignments: [{ application: 'Bank', role: 'head', resources: ['vault'] }] }],
    };
    expect((await push(t, bank.url, payload)).statusCode).toBe(200);
    const kim = await nodeOf(`data_source_id=${bank.dataSource.id}&key=kim`);
    const vaultNode = await nodeOf(`data_source_id=${bank.dataSource.id}&key=vault`);
    const till = await nodeOf(`data_source_id=${bank.dataSource.id}&key=vault.till`);
    // Worked out by hand: read from head itself, and again from reader two roles down; write from teller.
    expect((await paths(kim, vaultNode)).map(brief)).toEqual([
      'read: kim -has_role-> head -grants-> vault',
      'write: kim -has_role-> head -includes_role-> teller -grants-> vault',
      'read: kim -has_role-> head -includes_role-> teller -includes_role-> reader -grants-> vault',
    ]);
    // write is not inherited: only read reaches the till, by both routes.
    expect((await paths(kim, till)).map(brief)).toEqual([
      'read: kim -has_role-> head -grants-> vault -contains-> vault.till',
      'read: kim -has_role-> head -includes_role-> teller -includes_role-> reader -grants-> vault -contains-> vault.till',
    ]);
    // Asked of the role itself: its grants, from it, the same way.
    const head = await nodeOf(`data_source_id=${bank.dataSource.id}&type=local_role&key=head`);
    expect((await paths(head, vaultNode)).map(brief)).toEqual([
      'read: head -grants-> vault',
      'write: head -includes_role-> teller -grants-> vault',
      'read: head -includes_role-> teller -includes_role-> reader -grants-> vault',
    ]);
    expect((await paths(kim, vaultNode, '&permission=write')).map(brief)).toEqual(['write: kim -has_role-> head -includes_role-> teller -grants-> vault']);
  });

  it('page one path at a time, each once, in the same order', async () => {
    const bob = await nodeOf('type=idp_user&key=u2');
    const drawer = await nodeOf(`data_source_id=${vault.dataSource.id}&key=safe.drawer`);
    const paged: AccessPath[] = [];
    let token = '';
    for (let page = 0; page < 10; page++) {
      const body = expectValues<AccessPath>(await t.call({ url: pathsUrl(bob, `target=${drawer}&page_size=1${token ? `&page_token=${encodeURIComponent(token)}` : ''}`), key: t.keys.reader }));
      expect(body.values).toHaveLength(1);
      paged.push(...body.values);
      if (!body.has_more) break;
      token = body.next_page_token;
    }
    expect(paged.map(brief)).toEqual(BOB_TO_DRAWER);
    // A total on request counts every path, on any page; without it there is none.
    const counted = await t.call({ url: pathsUrl(bob, `target=${drawer}&page_size=1&total=true`), key: t.keys.reader });
    expect((counted.json() as { total_count?: number }).total_count).toBe(BOB_TO_DRAWER.length);
    expect((counted.json() as { values: unknown[] }).values).toHaveLength(1);
    expect((await t.call({ url: pathsUrl(bob, `target=${drawer}&permission=read&total=true`), key: t.keys.reader })).json()).toMatchObject({ total_count: BOB_TO_DRAWER.filter((p) => p.startsWith('read')).length });
    expect('total_count' in (await t.call({ url: pathsUrl(bob, `target=${drawer}&page_size=1`), key: t.keys.reader })).json()).toBe(false);
    // A token continues only the question it came from.
    const first = expectValues<AccessPath>(await t.call({ url: pathsUrl(bob, `target=${drawer}&page_size=1`), key: t.keys.reader }));
    const other = await t.call({ url: pathsUrl(bob, `target=${drawer}&permission=read&page_token=${encodeURIComponent(first.next_page_token)}`), key: t.keys.reader });
    expectError(other, { status: 400, code: 'InvalidArgument', reason: 'INVALID_PAGE_TOKEN', field: 'page_token' });
  });

  it('refuse a missing target, a target or a node of the wrong kind, and unknown ids', async () => {
    const bob = await nodeOf('type=idp_user&key=u2');
    const drawer = await nodeOf(`data_source_id=${vault.dataSource.id}&key=safe.drawer`);
    expectError(await t.call({ url: pathsUrl(bob, ''), key: t.keys.reader }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'querystring.target' });
    // An IdP group is not reached by grants: it cannot be a target.
    const admins = await nodeOf('type=idp_group&key=admins');
    expectError(await t.call({ url: pathsUrl(bob, `target=${admins}`), key: t.keys.reader }), {
      status: 400,
      code: 'InvalidArgument',
      reason: 'INVALID_ARGUMENTS',
      field: 'target',
      description: /idp group nodes are not reached by grants/,
    });
    // A resource holds no access: it cannot be where paths start.
    expectError(await t.call({ url: pathsUrl(drawer, `target=${drawer}`), key: t.keys.reader }), {
      status: 400,
      code: 'InvalidArgument',
      reason: 'INVALID_ARGUMENTS',
      field: 'node_id',
      description: /resource nodes hold no access/,
    });
    expectError(await t.call({ url: pathsUrl('nope', `target=${drawer}`), key: t.keys.reader }), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
    expectError(await t.call({ url: pathsUrl(bob, 'target=nope'), key: t.keys.reader }), { status: 404, code: 'NotFound', reason: 'NOT_FOUND' });
    expectError(await t.call({ url: pathsUrl(bob, `target=${drawer}&page_size=-1`), key: t.keys.reader }), { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'querystring.page_size' });
  });

  it('name the limit in a 400 rather than answer fewer paths when the search would exceed it', async () => {
    const bob = await nodeOf('type=idp_user&key=u2');
    const drawer = await nodeOf(`data_source_id=${vault.dataSource.id}&key=safe.drawer`);
    // The store's answer for a question too large to order within the bound (the bound itself is core's test).
    const store = storeWith(t.store, { listAccessPaths: () => Promise.resolve({ exceeded: { limit: 'max_path_search_steps', max: MAX_PATH_SEARCH_STEPS } }) });
    const app = await buildApp({ store });
    try {
      const res = await app.inject({ url: pathsUrl(bob, `target=${drawer}`), headers: { authorization: `Bearer ${t.keys.reader}` } });
      expectError(res, { status: 400, code: 'InvalidArgument', reason: 'INVALID_ARGUMENTS', field: 'target', description: /more than 1000000 search steps to order \(limit max_path_search_steps\)/ });
    } finally {
      await app.close();
    }
  });
});
