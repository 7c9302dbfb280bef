import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EffectivePermission, NodeDetail, PushRecord } from '@accessgraph/contract';
import { encodeNodeId } from '@accessgraph/core';
import { dataSourceUrl } from '../test-support/fixtures.js';
import { expectError, expectValue, expectValues, violationsOf } from '../test-support/http-expect.js';
import { allEffective, payloadFixture, push, pushTarget } from '../test-support/push.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

/**
 * Incremental pushes (spec §11) over HTTP: every operation of every template, checked on the
 * stored graph (nodes, properties, tags) and on the effective permissions derived afterwards,
 * and each one's error case. The expected access is worked out by hand from `ledger()`:
 * - u1 (Ann) holds role Reader on Books; Reader grants read, which applies to sub-resources:
 *   read on Books and Books.2024.
 * - u2 (Ben) is in group Clerks, which has write on Books (no sub-resources): write on Books.
 * - the group Clerks itself: write on Books.
 */

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

type Json = Record<string, unknown>;

function ledger(): Json {
  return {
    applications: [
      {
        name: 'Ledger',
        application_type: 'ledger',
        description: 'books of account',
        local_users: [
          { name: 'Ann', id: 'u1', identities: ['ann@corp.example'], email: 'ann@corp.example', tags: [{ key: 'team', value: 'finance' }] },
          { name: 'Ben', id: 'u2', groups: ['Clerks'], is_active: true },
        ],
        local_groups: [{ name: 'Clerks' }],
        local_roles: [
          { name: 'Reader', permissions: ['read'] },
          { name: 'Writer', permissions: ['read', 'write'] },
        ],
        resources: [{ name: 'Books', resource_type: 'book', sub_resources: [{ name: '2024', resource_type: 'year' }] }],
        tags: [{ key: 'env', value: 'prod' }],
      },
    ],
    permissions: [
      { name: 'read', permission_type: ['DataRead'], apply_to_sub_resources: true },
      { name: 'write', permission_type: ['DataWrite'] },
    ],
    identity_to_permissions: [
      { identity: 'u1', identity_type: 'local_user', role_assignments: [{ application: 'Ledger', role: 'Reader', resources: ['Books'] }] },
      { identity: 'Clerks', identity_type: 'local_group', application_permissions: [{ application: 'Ledger', permission: 'write', resources: ['Books'] }] },
    ],
  };
}

/** An incremental payload. */
const change = (body: Json): Json => ({ incremental_change: true, ...body });

/** The data source's access as `principal-key -> target-key: permissions` lines, sorted. */
function accessLines(rows: EffectivePermission[]): string[] {
  return sorted(rows.map((r) => `${r.principal.key} -> ${r.target.key}: ${r.permissions.join(',')}`));
}

const sorted = (lines: string[]) => [...lines].sort();

/** Spies on the ways a push is stored: by difference, whole, and the stored payload read to apply a change to. */
function storeSpies() {
  return { byDifference: vi.spyOn(t.store, 'commitLeafDelta'), wholeState: vi.spyOn(t.store, 'commitPush'), state: vi.spyOn(t.store, 'getDataSourceState') };
}

const BASE_ACCESS = sorted(['Clerks -> Books: write', 'u1 -> Books: read', 'u1 -> Books.2024: read', 'u2 -> Books: write']);

async function ledgerTarget() {
  const target = await pushTarget(t, 'application');
  expect((await push(t, target.url, ledger())).statusCode).toBe(200);
  const access = async () => accessLines(await allEffective(t, target.provider.id, target.dataSource.id));
  const node = async (key: string) => {
    const res = await t.call({ url: `/api/v1/graph/nodes/${encodeNodeId(target.dataSource.id, key)}` });
    return res.statusCode === 404 ? undefined : expectValue<NodeDetail>(res);
  };
  const apply = async (body: Json) => {
    const res = await push(t, target.url, change(body));
    expect(res.statusCode, res.body).toBe(200);
    return res;
  };
  const refuse = async (body: Json) => {
    const before = await access();
    const res = await push(t, target.url, change(body));
    expectError(res, { status: 400, code: 'InvalidArgument', reason: 'INVALID_PAYLOAD' });
    // A refused change changes nothing.
    expect(await access()).toEqual(before);
    return violationsOf(res);
  };
  return { ...target, access, node, apply, refuse };
}

describe('incremental pushes of the application template', () => {
  it('checks the base access the tests below change', async () => {
    const { access } = await ledgerTarget();
    expect(await access()).toEqual(BASE_ACCESS);
  });

  it('add: a local user and its bindings join, the rest stays as stored', async () => {
    const { access, node, apply, provider, dataSource } = await ledgerTarget();
    await apply({
      applications: [{ name: 'Ledger', local_users: [{ operation: 'add', name: 'Cy', id: 'u3', email: 'cy@corp.example' }] }],
      identity_to_permissions: [
        { identity: 'u3', identity_type: 'local_user', operation: 'add', role_assignments: [{ application: 'Ledger', role: 'Writer', resources: ['Books.2024'] }] },
      ],
    });
    expect(await access()).toEqual([...BASE_ACCESS, 'u3 -> Books.2024: read,write'].sort());
    expect((await node('app:ledger/user:u3'))?.properties).toMatchObject({ email: 'cy@corp.example' });
    const [record] = expectValues<PushRecord>(await t.call({ url: `${dataSourceUrl(provider.id, dataSource.id)}/pushes` })).values;
    expect(record).toMatchObject({ outcome: 'SUCCESS', incremental: true, counts: { local_users: 3 } });
  });

  it('add: refused for an entity that exists, naming it and its path', async () => {
    const { refuse } = await ledgerTarget();
    const violations = await refuse({ applications: [{ name: 'Ledger', local_users: [{ operation: 'add', name: 'Ann again', id: 'U1' }] }] });
    expect(violations).toEqual([{ field: 'applications[0].local_users[0]', description: expect.stringMatching(/local user "U1" already exists.*modify/) }]);
  });

  it('modify: fields sent replace the stored ones, custom properties one by one, fields not sent stay', async () => {
    const { access, node, apply } = await ledgerTarget();
    await apply({
      custom_property_definition: { applications: [{ application_type: 'ledger', local_user_properties: { desk: 'STRING', floor: 'NUMBER' } }] },
      applications: [{ name: 'Ledger', local_users: [{ operation: 'modify', name: 'Ann', id: 'u1', email: 'ann@new.example', custom_properties: { desk: 'A1', floor: 3 } }] }],
    });
    await apply({ applications: [{ name: 'Ledger', local_users: [{ operation: 'modify', name: 'Ann', id: 'u1', custom_properties: { floor: 4 } }] }] });
    const ann = await node('app:ledger/user:u1');
    expect(ann?.properties).toMatchObject({ email: 'ann@new.example', customprop_desk: 'A1', customprop_floor: 4 });
    // The role assignment was not in the change, and still holds.
    expect(await access()).toEqual(BASE_ACCESS);
  });

  it('modify: refused for a missing entity and for tags in a modify', async () => {
    const { refuse } = await ledgerTarget();
    expect(await refuse({ applications: [{ name: 'Ledger', local_users: [{ operation: 'modify', name: 'Nobody', id: 'u9' }] }] })).toEqual([
      { field: 'applications[0].local_users[0]', description: expect.stringMatching(/local user "u9" does not exist.*"add"/) },
    ]);
    expect(await refuse({ applications: [{ name: 'Ledger', local_users: [{ operation: 'modify', name: 'Ann', id: 'u1', tags: [{ key: 'a', value: 'b' }] }] }] })).toEqual([
      { field: 'applications[0].local_users[0].tags', description: expect.stringContaining('add_tag') },
    ]);
  });

  it('delete: a user goes with its bindings; a group goes with its memberships', async () => {
    const { access, node, apply } = await ledgerTarget();
    await apply({ applications: [{ name: 'Ledger', local_users: [{ operation: 'delete', id: 'u1', name: 'Ann' }] }] });
    expect(await node('app:ledger/user:u1')).toBeUndefined();
    expect(await access()).toEqual(sorted(['Clerks -> Books: write', 'u2 -> Books: write']));
    await apply({ applications: [{ name: 'Ledger', local_groups: [{ operation: 'delete', name: 'clerks' }] }] });
    expect(await node('app:ledger/group:clerks')).toBeUndefined();
    expect((await node('app:ledger/user:u2'))?.properties).toMatchObject({ is_active: true });
    expect(await access()).toEqual([]);
  });

  it('delete: a role goes with its assignments; a permission a role still names is refused as dangling', async () => {
    const { access, apply, refuse } = await ledgerTarget();
    const violations = await refuse({ permissions: [{ operation: 'delete', name: 'read' }] });
    expect(violations.length).toBeGreaterThan(0);
    expect(violations[0]!.field).toMatch(/^applications\[0\]\.local_roles\[\d\]\.permissions\[0\]$/);
    expect(violations[0]!.description).toMatch(/state after this change.*"read"/);
    await apply({ applications: [{ name: 'Ledger', local_roles: [{ operation: 'delete', name: 'Reader' }] }] });
    expect(await access()).toEqual(sorted(['Clerks -> Books: write', 'u2 -> Books: write']));
  });

  it('delete: refused for a resource a binding still names', async () => {
    const { refuse } = await ledgerTarget();
    const violations = await refuse({ applications: [{ name: 'Ledger', resources: [{ operation: 'delete', name: 'Books', resource_type: 'book' }] }] });
    expect(violations.some((v) => v.field.startsWith('identity_to_permissions[') && /Books/i.test(v.description))).toBe(true);
  });

  it('add_tag and delete_tag (and its alias remove_tag): the node gains and loses exactly those tags', async () => {
    const { node, apply } = await ledgerTarget();
    await apply({ applications: [{ name: 'Ledger', local_users: [{ operation: 'add_tag', id: 'u1', tags: [{ key: 'tier', value: 'gold' }] }] }] });
    expect((await node('app:ledger/user:u1'))?.tags).toEqual(expect.arrayContaining([{ key: 'team', value: 'finance' }, { key: 'tier', value: 'gold' }]));
    // The tag pushed with the full payload goes too: tags are otherwise additive across pushes.
    await apply({ applications: [{ name: 'Ledger', local_users: [{ operation: 'delete_tag', id: 'u1', tags: [{ key: 'team', value: 'finance' }] }] }] });
    expect((await node('app:ledger/user:u1'))?.tags).toEqual([{ key: 'tier', value: 'gold' }]);
    await apply({ applications: [{ name: 'Ledger', operation: 'remove_tag', tags: [{ key: 'env', value: 'prod' }] }] });
    expect((await node('app:ledger'))?.tags).toEqual([]);
    await apply({ applications: [{ name: 'Ledger', resources: [{ name: 'Books', sub_resources: [{ name: '2024', operation: 'add_tag', tags: [{ key: 'closed', value: 'yes' }] }] }] }] });
    expect((await node('app:ledger/resource:books.2024'))?.tags).toEqual([{ key: 'closed', value: 'yes' }]);
  });

  it('add_tag: refused with other fields, and on entities that carry no tags', async () => {
    const { refuse } = await ledgerTarget();
    expect(await refuse({ applications: [{ name: 'Ledger', local_users: [{ operation: 'add_tag', id: 'u1', email: 'x@y.z', tags: [{ key: 'a', value: 'b' }] }] }] })).toEqual([
      { field: 'applications[0].local_users[0].email', description: expect.stringContaining('separate "modify"') },
    ]);
    expect(await refuse({ identity_to_permissions: [{ identity: 'u1', operation: 'add_tag' }] })).toEqual([
      { field: 'identity_to_permissions[0].operation', description: expect.stringContaining('carry no tags') },
    ]);
  });

  it('add_resource and delete_resource edit a binding\'s resources', async () => {
    const { access, apply } = await ledgerTarget();
    await apply({
      identity_to_permissions: [
        { identity: 'Clerks', application_permissions: [{ application: 'Ledger', permission: 'write', operation: 'add_resource', resources: ['Books.2024'] }] },
      ],
    });
    expect(await access()).toEqual(sorted(['Clerks -> Books: write', 'Clerks -> Books.2024: write', 'u1 -> Books: read', 'u1 -> Books.2024: read', 'u2 -> Books: write', 'u2 -> Books.2024: write']));
    await apply({
      identity_to_permissions: [
        { identity: 'Clerks', application_permissions: [{ application: 'Ledger', permission: 'write', operation: 'delete_resource', resources: ['books'] }] },
      ],
    });
    expect(await access()).toEqual(sorted(['Clerks -> Books.2024: write', 'u1 -> Books: read', 'u1 -> Books.2024: read', 'u2 -> Books.2024: write']));
  });

  it('delete_resource: refused when it would widen the binding to the whole application, or names a resource not there', async () => {
    const { refuse } = await ledgerTarget();
    expect(
      await refuse({ identity_to_permissions: [{ identity: 'u1', role_assignments: [{ application: 'Ledger', role: 'Reader', operation: 'delete_resource', resources: ['Books'] }] }] }),
    ).toEqual([{ field: 'identity_to_permissions[0].role_assignments[0].resources', description: expect.stringContaining('whole application') }]);
    expect(
      await refuse({ identity_to_permissions: [{ identity: 'u1', role_assignments: [{ application: 'Ledger', role: 'Reader', operation: 'delete_resource', resources: ['Nope'] }] }] }),
    ).toEqual([{ field: 'identity_to_permissions[0].role_assignments[0].resources[0]', description: expect.stringContaining('"Nope" is not among') }]);
  });

  it('modify of a role and a permission changes the access they grant', async () => {
    const { access, apply } = await ledgerTarget();
    await apply({
      applications: [{ name: 'Ledger', local_roles: [{ operation: 'modify', name: 'Reader', permissions: ['write'] }] }],
      permissions: [{ operation: 'modify', name: 'write', apply_to_sub_resources: true }],
    });
    expect(await access()).toEqual(sorted([
      'Clerks -> Books: write',
      'Clerks -> Books.2024: write',
      'u1 -> Books: write',
      'u1 -> Books.2024: write',
      'u2 -> Books: write',
      'u2 -> Books.2024: write',
    ]));
  });

  it('applications: add a second one, modify one, delete one with its bindings', async () => {
    const { access, node, apply } = await ledgerTarget();
    await apply({
      applications: [
        { operation: 'add', name: 'Vault', application_type: 'ledger', local_users: [{ name: 'Dee', id: 'd1' }], resources: [{ name: 'Safe', resource_type: 'box' }] },
        { operation: 'modify', name: 'Ledger', description: 'the general ledger' },
      ],
      identity_to_permissions: [{ identity: 'd1', operation: 'add', identity_type: 'local_user', application_permissions: [{ application: 'Vault', permission: 'read', resources: ['Safe'] }] }],
    });
    expect((await node('app:ledger'))?.properties).toMatchObject({ description: 'the general ledger' });
    expect(await access()).toEqual([...BASE_ACCESS, 'd1 -> Safe: read'].sort());
    await apply({ applications: [{ operation: 'delete', name: 'vault' }] });
    expect(await node('app:vault')).toBeUndefined();
    expect(await access()).toEqual(BASE_ACCESS);
  });

  it('a resource container without an operation reaches its sub-resources; a sub-resource is added under it', async () => {
    const { access, node, apply } = await ledgerTarget();
    await apply({ applications: [{ name: 'Ledger', resources: [{ name: 'Books', sub_resources: [{ operation: 'add', name: '2025', resource_type: 'year' }] }] }] });
    expect(await node('app:ledger/resource:books.2025')).toBeDefined();
    // read applies to sub-resources: the new year is readable by Ann at once.
    expect(await access()).toContain('u1 -> Books.2025: read');
  });

  it('access credentials: added, then deleted with the users that held them', async () => {
    const { node, apply } = await ledgerTarget();
    await apply({
      applications: [
        {
          name: 'Ledger',
          local_access_creds: [{ operation: 'add', id: 'k1', name: 'deploy key' }],
          local_users: [{ operation: 'modify', id: 'u2', name: 'Ben', access_creds: ['k1'] }],
        },
      ],
    });
    expect(await node('app:ledger/cred:k1')).toBeDefined();
    await apply({ applications: [{ name: 'Ledger', local_access_creds: [{ operation: 'delete', id: 'k1' }] }] });
    expect(await node('app:ledger/cred:k1')).toBeUndefined();
    expect((await node('app:ledger/user:u2'))?.neighbours.filter((n) => n.edge === 'holds_cred')).toEqual([]);
  });

  it('refuses a leaf without an operation, a container with fields but no operation, and an unknown container', async () => {
    const { refuse, url } = await ledgerTarget();
    expect(await refuse({ applications: [{ name: 'Ledger', local_users: [{ id: 'u1', name: 'Ann', email: 'a@b.c' }] }] })).toEqual([
      { field: 'applications[0].local_users[0].operation', description: expect.stringContaining('has no operation') },
    ]);
    // The same value as stored is no change: connectors repeat an application's type in its container.
    expect((await push(t, url, change({ applications: [{ name: 'Ledger', application_type: 'ledger', local_users: [{ operation: 'delete', id: 'u2' }] }] }))).statusCode).toBe(200);
    expect(await refuse({ applications: [{ name: 'Ledger', description: 'x' }] })).toEqual([
      { field: 'applications[0].description', description: expect.stringContaining('operation "modify"') },
    ]);
    expect(await refuse({ applications: [{ name: 'Nowhere', local_users: [{ operation: 'add', id: 'u9', name: 'N' }] }] })).toEqual([
      { field: 'applications[0]', description: expect.stringContaining('application "Nowhere" does not exist') },
    ]);
  });

  it('refuses a change that breaks a rule of the resulting state, naming the path in the change', async () => {
    const { refuse } = await ledgerTarget();
    const violations = await refuse({ applications: [{ name: 'Ledger', local_users: [{ operation: 'add', name: 'Eve', id: 'u5', groups: ['Nobody'] }] }] });
    expect(violations).toEqual([{ field: 'applications[0].local_users[0].groups[0]', description: 'local group "nobody" is not defined in application "Ledger"' }]);
  });

  it('refuses a change of the wrong type with its path, before reading the stored state', async () => {
    const { refuse } = await ledgerTarget();
    expect(await refuse({ applications: [{ name: 'Ledger', local_users: [{ operation: 'modify', id: 'u1', is_active: 'yes' }] }] })).toEqual([
      { field: 'applications[0].local_users[0].is_active', description: expect.stringContaining('boolean') },
    ]);
  });

  it('a first push cannot be incremental', async () => {
    const { url, provider, dataSource } = await pushTarget(t, 'application');
    const res = await push(t, url, change({ applications: [{ name: 'Ledger', operation: 'add', application_type: 'ledger' }] }));
    expectError(res, { status: 400, code: 'FailedPrecondition', reason: 'INCREMENTAL_NEEDS_FULL_PUSH' });
    expect(violationsOf(res)).toEqual([{ field: 'incremental_change', description: expect.stringContaining('full payload') }]);
    const [record] = expectValues<PushRecord>(await t.call({ url: `${dataSourceUrl(provider.id, dataSource.id)}/pushes` })).values;
    expect(record).toMatchObject({ outcome: 'REJECTED', incremental: true });
  });

  it('changes accumulate: each incremental push applies to what the last one left, a full push replaces it all', async () => {
    const { access, apply, url } = await ledgerTarget();
    await apply({ applications: [{ name: 'Ledger', local_users: [{ operation: 'add', id: 'u3', name: 'Cy', groups: ['Clerks'] }] }] });
    await apply({ applications: [{ name: 'Ledger', local_users: [{ operation: 'delete', id: 'u2' }] }] });
    expect(await access()).toEqual(sorted(['Clerks -> Books: write', 'u1 -> Books: read', 'u1 -> Books.2024: read', 'u3 -> Books: write']));
    expect((await push(t, url, ledger())).statusCode).toBe(200);
    expect(await access()).toEqual(BASE_ACCESS);
  });
});

/** The ledger application and an identity provider whose user i1 (ann) is linked to Ann's local account by email. */
async function idpTarget() {
  const app = await ledgerTarget();
  const idp = await pushTarget(t, 'identity_provider');
  const base = {
    name: 'Corp',
    idp_type: 'corp_idp',
    domains: [{ name: 'corp.example', tags: [{ key: 'env', value: 'prod' }] }],
    users: [
      { name: 'ann', identity: 'i1', email: 'ann@corp.example', groups: ['staff'], app_assignments: [{ id: 'as1', name: 'portal', app_id: 'a1' }] },
      { name: 'zed', identity: 'i9', email: 'zed@corp.example', manager_id: 'i1' },
    ],
    groups: [{ name: 'staff', identity: 'staff' }],
    apps: [{ id: 'a1', name: 'Portal' }],
  };
  expect((await push(t, idp.url, base)).statusCode).toBe(200);
  const idpNode = async (key: string) => {
    const res = await t.call({ url: `/api/v1/graph/nodes/${encodeNodeId(idp.dataSource.id, key)}` });
    return res.statusCode === 404 ? undefined : expectValue<NodeDetail>(res);
  };
  /** The application's access of IdP principals (through linked local accounts). */
  const idpAccess = async () => accessLines(await allEffective(t, app.provider.id, app.dataSource.id, '&principal=i1'));
  const apply = async (body: Json) => {
    const res = await push(t, idp.url, change(body));
    expect(res.statusCode, res.body).toBe(200);
  };
  return { app, idp, idpNode, idpAccess, apply };
}


describe('changes of local users, made by difference', () => {
  it('read no stored payload; a structural change then applies to the payload with them replayed', async () => {
    const { access, apply } = await ledgerTarget();
    const state = vi.spyOn(t.store, 'getDataSourceState');
    await apply({
      applications: [{ name: 'Ledger', local_users: [{ operation: 'add', name: 'Cy', id: 'u3' }, { operation: 'modify', name: 'Ben', id: 'u2', groups: [] }] }],
      identity_to_permissions: [{ identity: 'u3', identity_type: 'local_user', operation: 'add', role_assignments: [{ application: 'Ledger', role: 'Reader', resources: ['Books'] }] }],
    });
    expect(state).not.toHaveBeenCalled();
    const afterUsers = sorted(['Clerks -> Books: write', 'u1 -> Books: read', 'u1 -> Books.2024: read', 'u3 -> Books: read', 'u3 -> Books.2024: read']);
    expect(await access()).toEqual(afterUsers);
    // An application added: the whole state, with the change above replayed on the stored payload.
    await apply({ applications: [{ name: 'Ledger', local_groups: [{ operation: 'add', name: 'Auditors' }] }, { operation: 'add', name: 'Vault', application_type: 'ledger' }] });
    expect(state).toHaveBeenCalledTimes(1);
    expect(await access()).toEqual(afterUsers);
    // And the next change of local users applies by difference to what that left.
    await apply({ applications: [{ name: 'Ledger', local_users: [{ operation: 'modify', name: 'Ben', id: 'u2', groups: ['Clerks', 'Auditors'] }] }] });
    expect(state).toHaveBeenCalledTimes(1);
    expect(await access()).toEqual(sorted([...afterUsers, 'u2 -> Books: write']));
  });

  it('move and delete groups without reading the stored payload; the members below reach anew', async () => {
    const { access, apply, refuse, provider, dataSource } = await ledgerTarget();
    const state = vi.spyOn(t.store, 'getDataSourceState');
    await apply({ applications: [{ name: 'Ledger', local_groups: [{ operation: 'add', name: 'Seniors', groups: ['Clerks'] }], local_users: [{ operation: 'modify', name: 'Ben', id: 'u2', groups: ['Seniors'] }] }] });
    // Seniors, and Ben in it, reach Clerks' write.
    expect(await access()).toEqual(sorted([...BASE_ACCESS, 'Seniors -> Books: write']));
    await apply({ applications: [{ name: 'Ledger', local_groups: [{ operation: 'modify', name: 'Seniors', groups: [] }] }] });
    expect(await access()).toEqual(sorted(['Clerks -> Books: write', 'u1 -> Books: read', 'u1 -> Books.2024: read']));
    await apply({ applications: [{ name: 'Ledger', local_groups: [{ operation: 'delete', name: 'Clerks' }] }] });
    expect(await access()).toEqual(sorted(['u1 -> Books: read', 'u1 -> Books.2024: read']));
    expect(await refuse({ applications: [{ name: 'Ledger', local_groups: [{ operation: 'delete', name: 'Clerks' }] }] })).toEqual([
      { field: 'applications[0].local_groups[0]', description: expect.stringMatching(/local group "clerks" does not exist/i) },
    ]);
    expect(state).not.toHaveBeenCalled();
    // The refusal is recorded first; before it, Seniors added and Clerks deleted with its one binding and grant.
    const [refused, record] = expectValues<PushRecord>(await t.call({ url: `${dataSourceUrl(provider.id, dataSource.id)}/pushes` })).values;
    expect(refused).toMatchObject({ outcome: 'REJECTED' });
    expect(record).toMatchObject({ outcome: 'SUCCESS', incremental: true, counts: { local_groups: 1, bindings: 1, grants: 1 } });
  });

  it("change a group's entry by difference; its members reach what it grants now", async () => {
    const { access, apply } = await ledgerTarget();
    const byDifference = vi.spyOn(t.store, 'commitLeafDelta');
    await apply({ identity_to_permissions: [{ identity: 'Clerks', identity_type: 'local_group', role_assignments: [{ operation: 'add', application: 'Ledger', role: 'Reader', resources: ['Books.2024'] }] }] });
    expect(byDifference).toHaveBeenCalledTimes(1);
    // Clerks, and Ben in it, read Books.2024 besides writing Books.
    expect(await access()).toEqual(sorted([...BASE_ACCESS, 'Clerks -> Books.2024: read', 'u2 -> Books.2024: read']));
  });

  it('redefine and delete a role by difference; its holders, and those of the roles including it, hold what it grants now', async () => {
    const { access, apply } = await ledgerTarget();
    // Lead includes Reader; Ben holds Lead on Books.2024 (his first entry).
    await apply({
      applications: [{ name: 'Ledger', local_roles: [{ operation: 'add', name: 'Lead', permissions: [], roles: ['Reader'] }] }],
      identity_to_permissions: [{ identity: 'u2', identity_type: 'local_user', operation: 'add', role_assignments: [{ application: 'Ledger', role: 'Lead', resources: ['Books.2024'] }] }],
    });
    expect(await access()).toEqual(sorted([...BASE_ACCESS, 'u2 -> Books.2024: read']));
    // (The stored payload is read once the changes logged after it outgrow it, to fold them in: not to apply a change.)
    const { byDifference, wholeState } = storeSpies();
    // Reader grants write instead of read (write does not apply to sub-resources): Ann writes Books, Ben Books.2024 through Lead.
    await apply({ applications: [{ name: 'Ledger', local_roles: [{ operation: 'modify', name: 'Reader', permissions: ['write'] }] }] });
    expect(await access()).toEqual(sorted(['Clerks -> Books: write', 'u1 -> Books: write', 'u2 -> Books: write', 'u2 -> Books.2024: write']));
    // Reader goes with Ann's assignment and from Lead, which then grants nothing.
    await apply({ applications: [{ name: 'Ledger', local_roles: [{ operation: 'delete', name: 'Reader' }] }] });
    expect(await access()).toEqual(sorted(['Clerks -> Books: write', 'u2 -> Books: write']));
    expect(byDifference).toHaveBeenCalledTimes(2);
    expect(wholeState).not.toHaveBeenCalled();
  });

  it('change leaves and roles by difference where roles hold grants of their own; a permission a role holds itself goes the whole-state way', async () => {
    const target = await pushTarget(t, 'application');
    // Writer holds write on Books.2024 itself: whoever holds Writer reaches it.
    const payload = ledger();
    (payload.identity_to_permissions as Json[]).push({ identity: 'Writer', identity_type: 'local_role', application_permissions: [{ application: 'Ledger', permission: 'write', resources: ['Books.2024'] }] });
    expect((await push(t, target.url, payload)).statusCode).toBe(200);
    const access = async () => accessLines(await allEffective(t, target.provider.id, target.dataSource.id));
    const apply = async (body: Json) => expect((await push(t, target.url, change(body))).statusCode).toBe(200);
    const { byDifference, wholeState } = storeSpies();
    // Ben (in Clerks) is given Writer on Books: its read and write there (read reaches Books.2024), and Writer's own write on Books.2024.
    await apply({ identity_to_permissions: [{ identity: 'u2', identity_type: 'local_user', operation: 'add', role_assignments: [{ application: 'Ledger', role: 'Writer', resources: ['Books'] }] }] });
    expect(await access()).toEqual(sorted(['Clerks -> Books: write', 'u1 -> Books: read', 'u1 -> Books.2024: read', 'u2 -> Books: read,write', 'u2 -> Books.2024: read,write']));
    // Ben leaves Clerks: he keeps what Writer gives him.
    await apply({ applications: [{ name: 'Ledger', local_users: [{ operation: 'modify', id: 'u2', name: 'Ben', groups: [] }] }] });
    expect(await access()).toEqual(sorted(['Clerks -> Books: write', 'u1 -> Books: read', 'u1 -> Books.2024: read', 'u2 -> Books: read,write', 'u2 -> Books.2024: read,write']));
    expect(byDifference).toHaveBeenCalledTimes(2);
    expect(wholeState).not.toHaveBeenCalled();
    // Writer now includes Reader: Ben reaches it through Writer (he holds both's permissions already).
    await apply({ applications: [{ name: 'Ledger', local_roles: [{ operation: 'modify', name: 'Writer', permissions: ['write'], roles: ['Reader'] }] }] });
    expect(byDifference).toHaveBeenCalledTimes(3);
    expect(await access()).toEqual(sorted(['Clerks -> Books: write', 'u1 -> Books: read', 'u1 -> Books.2024: read', 'u2 -> Books: read,write', 'u2 -> Books.2024: read,write']));
    // write, which Writer holds in its own entry, changed: the whole-state way (a role's own entry is not read back).
    await apply({ permissions: [{ operation: 'modify', name: 'write', permission_type: ['DataWrite'] }] });
    expect(wholeState).toHaveBeenCalledTimes(1);
    expect(await access()).toEqual(sorted(['Clerks -> Books: write', 'u1 -> Books: read', 'u1 -> Books.2024: read', 'u2 -> Books: read,write', 'u2 -> Books.2024: read,write']));
  });

  it('change top-level permissions by difference; their holders hold what they grant now; a deletion of one still named is refused', async () => {
    const { access, apply, node, refuse } = await ledgerTarget();
    const { state, byDifference } = storeSpies();
    // read (Reader's, which Ann holds on Books) no longer reaches Books.2024 below it.
    await apply({ permissions: [{ operation: 'modify', name: 'read', apply_to_sub_resources: false }] });
    expect(await access()).toEqual(BASE_ACCESS.filter((line) => line !== 'u1 -> Books.2024: read'));
    await apply({ permissions: [{ operation: 'add', name: 'audit', permission_type: ['MetadataRead'], apply_to_sub_resources: false, resource_types: [] }] });
    expect(await node('app:ledger/permission:audit')).toMatchObject({ properties: { permission_type: ['MetadataRead'] } });
    expect(byDifference).toHaveBeenCalledTimes(2);
    expect(state).not.toHaveBeenCalled();
    // Reader and Writer still grant read: the state after the change would break a rule, in stored
    // data, which the whole-state way names.
    const dangling = { field: expect.stringMatching(/^applications\[0\]\.local_roles\[\d\]\.permissions\[0\]$/), description: expect.stringMatching(/permission "read" is not defined/) };
    expect(await refuse({ permissions: [{ operation: 'delete', name: 'read' }] })).toEqual([dangling, dangling]);
    expect(await access()).toEqual(BASE_ACCESS.filter((line) => line !== 'u1 -> Books.2024: read'));
  });

  it("give an IdP identity its first entry, change it and take its last binding by difference; its node comes and goes with them", async () => {
    const { access, apply, node } = await ledgerTarget();
    const { byDifference, wholeState } = storeSpies();
    await apply({ identity_to_permissions: [{ operation: 'add', identity: 'Dee@corp.example', identity_type: 'idp', role_assignments: [{ application: 'Ledger', role: 'Reader', resources: ['Books.2024'] }] }] });
    expect(await node('idp:dee@corp.example')).toMatchObject({ name: 'Dee@corp.example' });
    // Located as the stored entry is keyed, by its identity alone (any case).
    await apply({ identity_to_permissions: [{ identity: 'dee@corp.example', application_permissions: [{ operation: 'add', application: 'Ledger', permission: 'write', resources: ['Books'] }] }] });
    expect(await access()).toEqual(sorted([...BASE_ACCESS, 'Dee@corp.example -> Books.2024: read', 'Dee@corp.example -> Books: write']));
    await apply({ identity_to_permissions: [{ identity: 'dee@corp.example', identity_type: 'idp', role_assignments: [{ operation: 'delete', application: 'Ledger', role: 'Reader' }], application_permissions: [{ operation: 'delete', application: 'Ledger', permission: 'write' }] }] });
    expect(await node('idp:dee@corp.example')).toBeUndefined();
    expect(await access()).toEqual(BASE_ACCESS);
    expect(byDifference).toHaveBeenCalledTimes(3);
    expect(wholeState).not.toHaveBeenCalled();
  });

  it('modify and re-tag the application itself by difference; another type goes the whole-state way', async () => {
    const { access, apply, node, refuse } = await ledgerTarget();
    const { state, byDifference } = storeSpies();
    await apply({ applications: [{ operation: 'modify', name: 'Ledger', description: 'the general ledger' }] });
    await apply({ applications: [{ operation: 'add_tag', name: 'ledger', tags: [{ key: 'owner', value: 'finance' }] }] });
    await apply({ applications: [{ operation: 'remove_tag', name: 'Ledger', tags: [{ key: 'env', value: 'prod' }] }] });
    expect(byDifference).toHaveBeenCalledTimes(3);
    expect(state).not.toHaveBeenCalled();
    expect(await node('app:ledger')).toMatchObject({ properties: { description: 'the general ledger' }, tags: [{ key: 'owner', value: 'finance' }] });
    expect(await access()).toEqual(BASE_ACCESS);
    // A modify carries no tags.
    expect(await refuse({ applications: [{ operation: 'modify', name: 'Ledger', tags: [{ key: 'env', value: 'dev' }] }] })).toEqual([
      { field: 'applications[0].tags', description: expect.stringMatching(/modify does not change tags/) },
    ]);
    // Another type re-types every node the application holds: the whole state.
    state.mockClear();
    await apply({ applications: [{ operation: 'modify', name: 'Ledger', application_type: 'books' }] });
    expect(state).toHaveBeenCalledTimes(1);
    expect(byDifference).toHaveBeenCalledTimes(3);
    expect(await node('app:ledger')).toMatchObject({ properties: { application_type: 'books', description: 'the general ledger' } });
    expect(await access()).toEqual(BASE_ACCESS);
  });

  it("add bindings to an existing user's entry without reading the stored payload; one it holds already is refused", async () => {
    const { access, apply, refuse } = await ledgerTarget();
    const state = vi.spyOn(t.store, 'getDataSourceState');
    await apply({ identity_to_permissions: [{ identity: 'u1', role_assignments: [{ operation: 'add', application: 'Ledger', role: 'Writer', resources: ['Books'] }] }] });
    expect(state).not.toHaveBeenCalled();
    // Writer: read (inherited by Books.2024) and write (not inherited) on Books, beside Reader's read.
    expect(await access()).toEqual(sorted(['Clerks -> Books: write', 'u1 -> Books: read,write', 'u1 -> Books.2024: read', 'u2 -> Books: write']));
    expect(await refuse({ identity_to_permissions: [{ identity: 'u1', role_assignments: [{ operation: 'add', application: 'Ledger', role: 'reader', resources: ['Books.2024'] }] }] })).toEqual([
      { field: 'identity_to_permissions[0].role_assignments[0]', description: expect.stringMatching(/already exists/) },
    ]);
    expect(state).not.toHaveBeenCalled();
  });

  it('add, modify and delete resources without reading the stored payload; access follows their ancestry', async () => {
    const { access, apply, node } = await ledgerTarget();
    const state = vi.spyOn(t.store, 'getDataSourceState');
    await apply({
      applications: [
        {
          name: 'Ledger',
          resources: [
            { operation: 'modify', name: 'Books', description: 'all of them' },
            { name: 'Books', sub_resources: [{ operation: 'add', name: '2025', resource_type: 'year' }, { operation: 'delete', name: '2024' }] },
          ],
        },
      ],
    });
    expect(state).not.toHaveBeenCalled();
    expect((await node('app:ledger/resource:books'))?.properties).toMatchObject({ description: 'all of them' });
    // Reader's read on Books is inherited by the new year, as it was by the deleted one.
    expect(await access()).toEqual(sorted(['Clerks -> Books: write', 'u1 -> Books: read', 'u1 -> Books.2025: read', 'u2 -> Books: write']));
    expect(await node('app:ledger/resource:books.2024')).toBeUndefined();
  });

  it('fold the changes they log into the stored payload once those outgrow it; the state stays what they made it', async () => {
    const { access, apply, dataSource } = await ledgerTarget();
    for (const i of [3, 4, 5, 6, 7, 8]) {
      await apply({ applications: [{ name: 'Ledger', local_users: [{ operation: 'add', name: `User ${i}`, id: `u${i}`, email: `user${i}@corp.example` }] }] });
    }
    const state = (await t.store.getDataSourceState(dataSource.id))!;
    // The ledger's gzipped payload is a few hundred bytes, each change about a hundred and fifty: folded at least once.
    expect(state.changes.length).toBeLessThan(6);
    const stored = JSON.parse(gunzipSync(state.payload).toString('utf8')) as { applications: Array<{ local_users: Array<{ id: string }> }> };
    expect(stored.applications[0]!.local_users.map((u) => u.id)).toEqual(expect.arrayContaining(['u1', 'u2', 'u3', 'u4']));
    // A change that goes the whole-state way (an application added) replays the rest and keeps every user.
    await apply({ applications: [{ operation: 'add', name: 'Vault', application_type: 'ledger' }] });
    const whole = (await t.store.getDataSourceState(dataSource.id))!;
    expect(whole.changes).toEqual([]);
    expect((JSON.parse(gunzipSync(whole.payload).toString('utf8')) as typeof stored).applications[0]!.local_users).toHaveLength(8);
    expect(await access()).toEqual(BASE_ACCESS);
  });

  it('refuse what the whole state would refuse, by the path in the change, and change nothing', async () => {
    const { refuse } = await ledgerTarget();
    expect(
      await refuse({
        applications: [{ name: 'Ledger', local_users: [{ operation: 'add', name: 'Cy', id: 'u3', groups: ['Nobody'], created_at: 'yesterday' }] }],
        identity_to_permissions: [{ identity: 'u3', identity_type: 'local_user', operation: 'add', role_assignments: [{ application: 'Ledger', role: 'Boss', resources: ['Books'] }] }],
      }),
    ).toEqual([
      { field: 'applications[0].local_users[0].created_at', description: expect.stringMatching(/RFC 3339|timestamp/i) },
      { field: 'applications[0].local_users[0].groups[0]', description: expect.stringMatching(/nobody/i) },
      { field: 'identity_to_permissions[0].role_assignments[0].role', description: expect.stringMatching(/Boss/) },
    ]);
  });

  it("warn about the change's own identity strings that link to nothing", async () => {
    const { apply } = await ledgerTarget();
    const res = await apply({ applications: [{ name: 'Ledger', local_users: [{ operation: 'add', name: 'Cy', id: 'u3', identities: ['cy@nowhere.example'] }] }] });
    expect((JSON.parse(res.body) as { warnings: Array<{ message: string }> }).warnings.map((w) => w.message)).toEqual([expect.stringContaining('"cy@nowhere.example"')]);
  });
});

describe("the README's incremental example", () => {
  it("tags a user of the seeds' sample payload", async () => {
    const { url, dataSource } = await pushTarget(t, 'application');
    expect((await push(t, url, payloadFixture('seed-app-simple.json'))).statusCode).toBe(200);
    const jsonData = '{"incremental_change": true, "applications": [{"name": "Sample App", "local_users": [{"operation": "add_tag", "id": "0000000001", "tags": [{"key": "reviewed", "value": "2026"}]}]}]}';
    const res = await t.call({ method: 'POST', url, payload: { json_data: jsonData } });
    expect(res.statusCode, res.body).toBe(200);
    const user = expectValue<NodeDetail>(await t.call({ url: `/api/v1/graph/nodes/${encodeNodeId(dataSource.id, 'app:sample app/user:0000000001')}` }));
    expect(user.tags).toContainEqual({ key: 'reviewed', value: '2026' });
  });
});

describe('incremental pushes of the identity provider template', () => {
  it('changes of users, groups and apps read no stored payload; one of the description does, with them replayed', async () => {
    const { idp, idpNode, idpAccess, apply } = await idpTarget();
    const state = vi.spyOn(t.store, 'getDataSourceState');
    const byDifference = vi.spyOn(t.store, 'commitLeafDelta');
    await apply({ users: [{ operation: 'modify', identity: 'i1', name: 'ann', email: 'ann@other.example' }, { operation: 'add', name: 'ben', identity: 'i2', groups: ['staff'], manager_id: 'i1' }] });
    expect(state).not.toHaveBeenCalled();
    await apply({ groups: [{ operation: 'add', name: 'ops', identity: 'ops', groups: ['staff'] }] });
    // Both by difference (this tiny payload's log of changes has then outgrown it, and is folded into it: one read after the commit).
    expect(byDifference).toHaveBeenCalledTimes(2);
    expect(state).toHaveBeenCalledTimes(1);
    expect(await idpAccess()).toEqual([]);
    expect((await idpNode('group:ops'))?.neighbours).toEqual(expect.arrayContaining([{ edge: 'member_of', direction: 'out', count: 1 }, { edge: 'contains', direction: 'in', count: 1 }]));
    // An app by difference; a new description of the identity provider the whole-state way, with the changes above folded into the stored payload.
    await apply({ apps: [{ operation: 'add', id: 'a2', name: 'Wiki', tags: [{ key: 'kind', value: 'docs' }] }] });
    expect(byDifference).toHaveBeenCalledTimes(3);
    expect(await idpNode('app:a2')).toMatchObject({ name: 'Wiki', tags: [{ key: 'kind', value: 'docs' }] });
    state.mockClear();
    await apply({ idp_description: 'the corporate directory', apps: [{ operation: 'modify', id: 'a2', name: 'Wiki', description: 'pages' }] });
    expect(byDifference).toHaveBeenCalledTimes(3);
    expect(state).toHaveBeenCalledTimes(1);
    expect((await idpNode('user:i2'))?.neighbours).toEqual(expect.arrayContaining([{ edge: 'member_of', direction: 'out', count: 1 }, { edge: 'manages', direction: 'in', count: 1 }]));
    // Refused by the path in the change, reading no stored payload, changing nothing.
    const res = await push(t, idp.url, change({ users: [{ operation: 'add', name: 'cy', identity: 'i3', groups: ['nowhere'] }] }));
    expectError(res, { status: 400, code: 'InvalidArgument', reason: 'INVALID_PAYLOAD' });
    expect(violationsOf(res)).toEqual([{ field: 'users[0].groups[0]', description: expect.stringMatching(/"nowhere" is not defined in groups/) }]);
    expect(state).toHaveBeenCalledTimes(1);
    expect(await idpNode('user:i3')).toBeUndefined();
  });

  it('add, modify and delete users: the access through their linked local accounts follows', async () => {
    const { idpNode, idpAccess, apply } = await idpTarget();
    const annAccess = sorted(['i1 -> Books: read', 'i1 -> Books.2024: read']);
    expect(await idpAccess()).toEqual(annAccess);
    // Ann's local account asks for ann@corp.example, which the IdP user no longer offers: the link and the access go.
    await apply({ users: [{ operation: 'modify', identity: 'i1', name: 'ann', email: 'ann@other.example' }] });
    expect((await idpNode('user:i1'))?.properties).toMatchObject({ email: 'ann@other.example' });
    expect(await idpAccess()).toEqual([]);
    await apply({ users: [{ operation: 'add', name: 'ben', identity: 'u2-person', email: 'ben@corp.example' }] });
    expect(await idpNode('user:u2-person')).toBeDefined();
    await apply({ users: [{ operation: 'modify', identity: 'i1', name: 'ann', email: 'ann@corp.example' }] });
    expect(await idpAccess()).toEqual(annAccess);
    await apply({ users: [{ operation: 'delete', identity: 'i9' }, { operation: 'delete', identity: 'i1' }] });
    expect(await idpNode('user:i1')).toBeUndefined();
    expect(await idpAccess()).toEqual([]);
  });

  it('delete of a user another user names as manager: the dangling manager_id is the warning a full push gives', async () => {
    const { idp } = await idpTarget();
    const res = await push(t, idp.url, change({ users: [{ operation: 'delete', identity: 'i1' }] }));
    expect(res.statusCode, res.body).toBe(200);
    // zed is stored data the change did not send: the warning says so, with zed's path in the resulting state.
    expect(res.json<{ warnings: Array<{ path?: string; message: string }> }>().warnings).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'users[0].manager_id', message: expect.stringMatching(/state after this change.*i1/) })]),
    );
  });

  it('groups: an IdP group deleted takes its members\' access through it', async () => {
    const { app, idpAccess, apply } = await idpTarget();
    // The application grants the IdP group staff write on Books (an idp binding), added incrementally.
    await app.apply({
      identity_to_permissions: [{ operation: 'add', identity: 'staff', identity_type: 'idp', application_permissions: [{ application: 'Ledger', permission: 'write', resources: ['Books'] }] }],
    });
    expect(await idpAccess()).toEqual(sorted(['i1 -> Books: read,write', 'i1 -> Books.2024: read']));
    await apply({ groups: [{ operation: 'delete', identity: 'staff' }] });
    expect(await idpAccess()).toEqual(sorted(['i1 -> Books: read', 'i1 -> Books.2024: read']));
  });

  it('groups: delete takes the memberships; apps: delete takes the assignments', async () => {
    const { idpNode, apply } = await idpTarget();
    await apply({ groups: [{ operation: 'delete', identity: 'staff' }], apps: [{ operation: 'delete', id: 'a1' }] });
    expect(await idpNode('group:staff')).toBeUndefined();
    expect(await idpNode('app:a1')).toBeUndefined();
    const ann = await idpNode('user:i1');
    expect(ann?.neighbours.filter((n) => n.edge === 'member_of' || n.edge === 'assigned_app')).toEqual([]);
    await apply({ groups: [{ operation: 'add', name: 'admins', identity: 'admins' }], users: [{ operation: 'modify', identity: 'i1', name: 'ann', groups: ['admins'] }] });
    expect((await idpNode('user:i1'))?.neighbours.filter((n) => n.edge === 'member_of')).toEqual([expect.objectContaining({ direction: 'out', count: 1 })]);
  });

  it('domain: add_tag and remove_tag', async () => {
    const { idpNode, apply } = await idpTarget();
    await apply({ domains: [{ name: 'corp.example', operation: 'add_tag', tags: [{ key: 'owner', value: 'it' }] }] });
    await apply({ domains: [{ name: 'corp.example', operation: 'remove_tag', tags: [{ key: 'env', value: 'prod' }] }] });
    expect((await idpNode('domain:corp.example'))?.tags).toEqual([{ key: 'owner', value: 'it' }]);
  });

  it("identity_mapping_configuration: the 004 seed's modify replaces the rules; other entities stay", async () => {
    const { idp, idpNode } = await idpTarget();
    const res = await push(t, idp.url, payloadFixture('seed-idp-mapping-incremental.json'));
    expect(res.statusCode, res.body).toBe(200);
    const domain = await idpNode('domain:corp.example');
    expect(JSON.stringify(domain?.properties)).toContain('GITHUB_USERS');
    expect(await idpNode('user:i1')).toBeDefined();
  });

  it('refuses delete of a missing user and an operation on the mapping rules it does not take', async () => {
    const { idp } = await idpTarget();
    const res = await push(t, idp.url, change({ users: [{ operation: 'delete', identity: 'ghost' }], identity_mapping_configuration: { operation: 'add_tag', mappings: [] } }));
    expect(res.statusCode).toBe(400);
    expect(violationsOf(res)).toEqual([
      { field: 'identity_mapping_configuration.operation', description: expect.stringContaining('does not apply') },
      { field: 'users[0]', description: expect.stringContaining('user "ghost" does not exist') },
    ]);
  });
});

describe('incremental pushes of the HRIS template', () => {
  async function hrisTarget() {
    const target = await pushTarget(t, 'hris');
    expect((await push(t, target.url, payloadFixture('seed-hris-bamboo.json'))).statusCode).toBe(200);
    const node = async (key: string) => {
      const res = await t.call({ url: `/api/v1/graph/nodes/${encodeNodeId(target.dataSource.id, key)}` });
      return res.statusCode === 404 ? undefined : expectValue<NodeDetail>(res);
    };
    return { ...target, node };
  }

  it('add, modify and delete employees and groups; a deleted manager leaves the managers lists', async () => {
    const { url, node } = await hrisTarget();
    let res = await push(
      t,
      url,
      change({
        groups: [{ operation: 'add', id: 'eng', name: 'Engineering', group_type: 'Department' }],
        employees: [
          { operation: 'add', id: '20', name: 'Dana Diaz', employee_number: '20', email: 'dana@efficientoffice.com', groups: [{ id: 'eng' }], managers: [{ id: '1' }] },
          { operation: 'modify', id: '10', job_title: 'CEO', termination_date: '2026-01-31T00:00:00Z', is_active: false },
        ],
      }),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect((await node('employee:10'))?.properties).toMatchObject({ job_title: 'CEO', is_active: false, email: 'cbarnet@efficientoffice.com' });
    expect((await node('employee:20'))?.neighbours).toEqual(expect.arrayContaining([expect.objectContaining({ edge: 'member_of', direction: 'out', count: 1 })]));
    res = await push(t, url, change({ employees: [{ operation: 'delete', id: '1' }], groups: [{ operation: 'delete', id: 'eng' }] }));
    expect(res.statusCode, res.body).toBe(200);
    expect(await node('employee:1')).toBeUndefined();
    expect(await node('group:eng')).toBeUndefined();
    expect((await node('employee:20'))?.neighbours.filter((n) => n.edge === 'manages' || n.edge === 'member_of')).toEqual([]);
  });

  it("an employee added incrementally has its IdP user's access; deleted, it is gone", async () => {
    await idpTarget();
    const hris = await pushTarget(t, 'hris');
    const base = { name: 'People', hris_type: 'people', system: { id: 'people', name: 'People' }, employees: [{ id: 'e0', name: 'Zoe', email: 'zoe@corp.example' }] };
    expect((await push(t, hris.url, base)).statusCode).toBe(200);
    let res = await push(t, hris.url, change({ employees: [{ operation: 'add', id: 'e1', name: 'Ann Employee', email: 'ann@corp.example' }] }));
    expect(res.statusCode, res.body).toBe(200);
    const employee = encodeNodeId(hris.dataSource.id, 'employee:e1');
    const access = expectValues<EffectivePermission>(await t.call({ url: `/api/v1/graph/nodes/${employee}/access` }));
    expect(accessLines(access.values)).toEqual(sorted(['i1 -> Books: read', 'i1 -> Books.2024: read']).map((line) => line.replace('i1', 'e1')));
    res = await push(t, hris.url, change({ employees: [{ operation: 'delete', id: 'E1' }] }));
    expect(res.statusCode, res.body).toBe(200);
    expect((await t.call({ url: `/api/v1/graph/nodes/${employee}/access` })).statusCode).toBe(404);
  });

  it('changes of employees, groups and the system read no stored payload, in either spelling of the template; one of the identity providers employees link to does', async () => {
    const { url, node } = await hrisTarget();
    const state = vi.spyOn(t.store, 'getDataSourceState');
    let res = await push(t, url, change({ employees: [{ operation: 'add', id: '20', name: 'Dana Diaz', email: 'dana@efficientoffice.com', managers: [{ id: '1' }], custom_properties: { division: 'EMEA' } }] }));
    expect(res.statusCode, res.body).toBe(200);
    // The seeds' Title-Case spelling, bare string references included, normalised before anything else.
    res = await push(t, url, change({ Employees: [{ Operation: 'modify', ID: '10', 'Job Title': 'CEO', Managers: ['20'] }] }));
    expect(res.statusCode, res.body).toBe(200);
    expect(state).not.toHaveBeenCalled();
    expect((await node('employee:10'))?.properties).toMatchObject({ job_title: 'CEO', email: 'cbarnet@efficientoffice.com' });
    expect((await node('employee:20'))?.neighbours).toEqual(expect.arrayContaining([{ edge: 'manages', direction: 'in', count: 1 }, { edge: 'manages', direction: 'out', count: 1 }]));
    const byDifference = vi.spyOn(t.store, 'commitLeafDelta');
    res = await push(t, url, change({ groups: [{ operation: 'add', id: 'eng', name: 'Engineering' }], system: { url: 'https://hr.example' } }));
    expect(res.statusCode, res.body).toBe(200);
    expect(byDifference).toHaveBeenCalledTimes(1);
    expect(await node('group:eng')).toMatchObject({ name: 'Engineering' });
    // Another list of identity providers decides every employee's links: the whole state.
    state.mockClear();
    res = await push(t, url, change({ system: { idp_providers: ['okta', 'azure_ad'] } }));
    expect(res.statusCode, res.body).toBe(200);
    expect(byDifference).toHaveBeenCalledTimes(1);
    expect(state).toHaveBeenCalledTimes(1);
    expect((await node('employee:20'))?.properties).toMatchObject({ customprop_division: 'EMEA' });
  });

  it('refuses tag operations (HRIS entities carry no tags) and a modify of a missing employee', async () => {
    const { url } = await hrisTarget();
    const res = await push(t, url, change({ employees: [{ operation: 'add_tag', id: '1' }, { operation: 'modify', id: '99', job_title: 'x' }] }));
    expect(res.statusCode).toBe(400);
    expect(violationsOf(res)).toEqual([
      { field: 'employees[0].operation', description: expect.stringContaining('carry no tags') },
      { field: 'employees[1]', description: expect.stringContaining('employee "99" does not exist') },
    ]);
  });
});
