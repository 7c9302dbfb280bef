import { describe, expect, it } from 'vitest';
import { planLeafDelta, withEveryApplication } from './leaf-delta-plan.js';

type Json = Record<string, unknown>;
const change = (body: Json): Json => ({ incremental_change: true, ...body });
const users = (items: Json[]) => change({ applications: [{ name: 'Shop', local_users: items }] });
const resources = (items: Json[]) => change({ applications: [{ name: 'Shop', resources: items }] });

describe('planLeafDelta: which changes are made by difference', () => {
  it('plans users with their operations, what they name, and the entries of the users it adds', () => {
    const plan = planLeafDelta({
      ...users([
        { operation: 'add', id: 'U3', name: 'cy', groups: ['Staff'], access_creds: ['c1'] },
        { operation: 'remove_tag', id: 'u2', name: 'bob', tags: [{ key: 'a' }] },
      ]),
      identity_to_permissions: [{ operation: 'add', identity: 'u3', identity_type: 'local_user', role_assignments: [{ application: 'SHOP', role: 'R1', resources: ['S1.Box'] }] }],
    });
    expect(plan?.apps).toEqual([
      expect.objectContaining({
        key: 'shop',
        users: [
          { key: 'u3', operation: 'add' },
          { key: 'u2', operation: 'delete_tag' },
        ],
        groups: ['staff'],
        creds: ['c1'],
        roles: ['r1'],
        resources: ['s1.box'],
        bindingIdentities: ['u3'],
        entryIdentities: [],
      }),
    ]);
  });

  it('plans bindings added to the entry of a user it does not otherwise name, in an application it does not list', () => {
    const plan = planLeafDelta(change({ identity_to_permissions: [{ identity: 'U1', application_permissions: [{ operation: 'add', application: 'Shop', permission: 'view', apply_to_application: true }] }] }));
    expect(plan?.apps).toEqual([expect.objectContaining({ key: 'shop', users: [], permissions: ['view'], entryIdentities: ['u1'], additiveIdentities: ['u1'] })]);
  });

  it("plans any change to an existing user's entry: its bindings changed, or the entry added or deleted", () => {
    const plan = planLeafDelta(
      change({
        applications: [{ name: 'Shop' }],
        identity_to_permissions: [
          { identity: 'u1', role_assignments: [{ operation: 'delete', application: 'Shop', role: 'r1' }, { operation: 'delete_resource', application: 'Shop', role: 'r2', resources: ['s1'] }] },
          { operation: 'add', identity: 'u2', identity_type: 'local_user', application_permissions: [{ application: 'Shop', permission: 'view', apply_to_application: true }] },
          { operation: 'delete', identity: 'u5', identity_type: 'local_user' },
        ],
      }),
    );
    // None of them only adds bindings to a located entry: each is read back whole.
    expect(plan?.apps).toEqual([expect.objectContaining({ key: 'shop', roles: ['r1', 'r2'], permissions: ['view'], resources: ['s1'], entryIdentities: ['u1', 'u2', 'u5'], additiveIdentities: [] })]);
  });

  it('plans groups, roles and credentials added, or modified and re-tagged without what they name', () => {
    const plan = planLeafDelta(
      change({
        applications: [
          {
            name: 'Shop',
            local_groups: [{ operation: 'add', name: 'Interns', groups: ['Staff'] }, { operation: 'modify', name: 'staff', custom_properties: { cost_center: 'x' } }],
            local_roles: [{ operation: 'add', id: 'R5', name: 'auditor', permissions: ['View'], roles: ['r1'] }, { operation: 'add_tag', id: 'r1', tags: [{ key: 'k' }] }],
            local_access_creds: [{ operation: 'add', id: 'C2', name: 'key' }],
          },
        ],
      }),
    );
    expect(plan?.apps[0]).toMatchObject({
      changedEntities: [
        { segment: 'group', key: 'interns', operation: 'add', withId: false },
        { segment: 'group', key: 'staff', operation: 'modify', withId: false },
        { segment: 'role', key: 'r5', operation: 'add', withId: true },
        { segment: 'role', key: 'r1', operation: 'add_tag', withId: true },
        { segment: 'cred', key: 'c2', operation: 'add', withId: true },
      ],
      groups: ['staff'],
      roles: ['r1'],
      permissions: ['view'],
    });
  });

  it('plans groups moved or deleted and credentials deleted, with the new parents to read', () => {
    const plan = planLeafDelta(
      change({
        applications: [
          {
            name: 'Shop',
            local_groups: [{ operation: 'modify', name: 'Interns', groups: ['Staff', 'all'] }, { operation: 'delete', name: 'old' }, { operation: 'modify', name: 'loners', groups: [] }],
            local_access_creds: [{ operation: 'delete', id: 'C1' }],
          },
        ],
      }),
    );
    expect(plan?.apps[0]).toMatchObject({
      changedEntities: [
        { segment: 'group', key: 'interns', operation: 'modify', withId: false, parents: ['staff', 'all'] },
        { segment: 'group', key: 'old', operation: 'delete', withId: false },
        { segment: 'group', key: 'loners', operation: 'modify', withId: false, parents: [] },
        { segment: 'cred', key: 'c1', operation: 'delete', withId: true },
      ],
      groups: ['staff', 'all'],
    });
    expect(plan?.apps[0]?.changedEntities[1]).not.toHaveProperty('parents');
  });

  it("plans changes to groups' and credentials' entries, with whether they only add", () => {
    const plan = planLeafDelta(
      change({
        identity_to_permissions: [
          { identity: 'Staff', identity_type: 'local_group', role_assignments: [{ operation: 'add', application: 'Shop', role: 'r1', resources: ['s1'] }] },
          { identity: 'c1', identity_type: 'local_access_creds', application_permissions: [{ operation: 'delete_resource', application: 'Shop', permission: 'view', resources: ['s1'] }] },
          { operation: 'delete', identity: 'ops', identity_type: 'local_group', role_assignments: [{ application: 'Shop', role: 'r2' }] },
          { identity: 'c2', identity_type: 'local_access_creds', application_permissions: [{ operation: 'add_resource', application: 'Shop', permission: 'view', resources: ['s2'] }] },
          // Two entries of one group: one adds, one edits; together they are not additive.
          { identity: 'floor', identity_type: 'local_group', role_assignments: [{ operation: 'add', application: 'Shop', role: 'r1', resources: ['s1'] }] },
          { identity: 'floor', identity_type: 'local_group', role_assignments: [{ operation: 'modify', application: 'Shop', role: 'r2', custom_properties: {} }] },
        ],
      }),
    );
    expect(plan?.apps[0]).toMatchObject({
      key: 'shop',
      entryEntities: [
        { segment: 'group', key: 'staff', onlyAdds: true, additive: true },
        { segment: 'cred', key: 'c1', onlyAdds: false, additive: false },
        { segment: 'group', key: 'ops', onlyAdds: false, additive: false },
        { segment: 'cred', key: 'c2', onlyAdds: true, additive: false },
        { segment: 'group', key: 'floor', onlyAdds: false, additive: false },
      ],
      entryIdentities: [],
      roles: ['r1', 'r2'],
      permissions: ['view'],
      resources: ['s1', 's2'],
    });
  });

  it('plans resources at any depth: containers locate, an added one brings its type and its parent', () => {
    const plan = planLeafDelta(
      resources([
        { id: 's1', name: 'shelf', sub_resources: [{ operation: 'add', name: 'Lid', resource_type: 'Box', sub_resources: [{ name: 'hinge', id: 'h1', resource_type: 'part' }] }] },
        { operation: 'delete', id: 's2', name: 'old' },
      ]),
    );
    expect(plan?.apps[0]).toMatchObject({
      changedResources: [
        { path: 's1.lid', operation: 'add' },
        { path: 's2', operation: 'delete' },
      ],
      resources: ['s1', 's2'],
      addedResourceTypes: [
        { type: 'box', withId: false },
        { type: 'part', withId: true },
      ],
    });
  });

  it('plans roles redefined or deleted, with the permissions and roles they name now to read', () => {
    const plan = planLeafDelta(
      change({
        applications: [
          {
            name: 'Shop',
            local_roles: [
              { operation: 'modify', id: 'R1', name: 'clerk', permissions: ['Edit'] },
              { operation: 'modify', id: 'r2', name: 'boss', roles: ['R3'] },
              { operation: 'modify', id: 'r4', name: 'kept', custom_properties: { level: 1 } },
              { operation: 'delete', id: 'r5', name: 'gone' },
            ],
          },
        ],
      }),
    );
    expect(plan?.apps[0]).toMatchObject({
      changedEntities: [
        { segment: 'role', key: 'r1', operation: 'modify', withId: true, redefined: true },
        { segment: 'role', key: 'r2', operation: 'modify', withId: true, redefined: true },
        { segment: 'role', key: 'r4', operation: 'modify', withId: true },
        { segment: 'role', key: 'r5', operation: 'delete', withId: true },
      ],
      permissions: ['edit'],
      roles: ['r3'],
    });
    expect(plan?.apps[0]?.changedEntities[2]).not.toHaveProperty('redefined');
  });

  it('plans top-level permissions with their operations, each to read in the applications it names and, in storage, in every other', () => {
    const plan = planLeafDelta(change({ permissions: [{ operation: 'modify', name: 'View', apply_to_sub_resources: true }, { operation: 'add_resource', name: 'edit', resource_types: ['box'] }] }))!;
    expect(plan).toEqual({ apps: [], changedPermissions: [{ key: 'view', operation: 'modify' }, { key: 'edit', operation: 'add_resource' }] });
    const withUsers = planLeafDelta(change({ permissions: [{ operation: 'add', name: 'stock' }], applications: [{ name: 'Shop', local_users: [{ operation: 'delete', id: 'u1', name: 'a' }] }] }))!;
    expect(withUsers.apps[0]?.permissions).toEqual(['stock']);
    const every = withEveryApplication(withUsers, ['shop', 'depot']);
    expect(every.apps.map((app) => [app.key, app.permissions])).toEqual([['shop', ['stock']], ['depot', ['stock']]]);
    expect(withEveryApplication(planLeafDelta(users([{ operation: 'delete', id: 'u1', name: 'a' }]))!, ['shop', 'depot']).apps).toHaveLength(1);
  });

  it('plans the application modified or re-tagged, with the type a modify gives, beside what it holds', () => {
    const modify = planLeafDelta(change({ applications: [{ name: 'Shop', operation: 'modify', application_type: 'shop', description: 'x', custom_properties: { region: 'eu' }, local_users: [{ operation: 'delete', id: 'u1', name: 'a' }] }] }));
    expect(modify?.apps[0]).toMatchObject({ key: 'shop', own: { operation: 'modify', type: 'shop' }, users: [{ key: 'u1', operation: 'delete' }] });
    expect(planLeafDelta(change({ applications: [{ name: 'Shop', operation: 'remove_tag', tags: [{ key: 'k' }] }] }))?.apps[0]?.own).toEqual({ operation: 'delete_tag' });
    // Unlike entities inside it, a container named without an operation is no change of its own.
    expect(planLeafDelta(users([{ operation: 'delete', id: 'u1', name: 'a' }]))?.apps[0]).not.toHaveProperty('own');
  });

  it.each([
    ["a group's parents that are not a list", change({ applications: [{ name: 'Shop', local_groups: [{ operation: 'modify', name: 'g', groups: null }] }] })],
    ["a role's permissions that are not a list", change({ applications: [{ name: 'Shop', local_roles: [{ operation: 'modify', id: 'r1', name: 'r', permissions: 'edit' }] }] })],
    ['an application added', change({ applications: [{ name: 'Till', operation: 'add', application_type: 'shop' }] })],
    ['an application deleted', change({ applications: [{ name: 'Shop', operation: 'delete' }] })],
    ["an application's Okta id", change({ applications: [{ name: 'Shop', operation: 'modify', okta_app_id: '0oa1' }] })],
    ["an application's deprecated dynamic properties", change({ applications: [{ name: 'Shop', operation: 'modify', dynamic_properties: {} }] })],
    ['a top-level permission without an operation', change({ permissions: [{ name: 'p', permission_type: ['DataRead'] }] })],
    ['a top-level permission re-tagged', change({ permissions: [{ operation: 'add_tag', name: 'p', tags: [] }] })],
    ['a top-level permission named twice', change({ permissions: [{ operation: 'modify', name: 'p' }, { operation: 'delete', name: 'P' }] })],
    ['a resource type', resources([{ operation: 'modify', id: 's1', name: 's', resource_type: 'crate' }])],
    ['a modify reaching into sub-resources', resources([{ operation: 'modify', id: 's1', name: 's', sub_resources: [{ operation: 'delete', name: 'box' }] }])],
    ['a resource named twice', resources([{ operation: 'add_tag', id: 's1', name: 's', tags: [] }, { operation: 'delete', id: 's1', name: 's' }])],
    ['a user named twice', users([{ operation: 'modify', id: 'u1', name: 'a' }, { operation: 'delete', id: 'U1', name: 'a' }])],
    ['an unknown operation', users([{ operation: 'rename', id: 'u1', name: 'a' }])],
    ['an entry deleted whole in an application it does not name', change({ identity_to_permissions: [{ operation: 'delete', identity: 'u1', identity_type: 'local_user' }] })],
    ['a binding with an operation inside an added entry', change({ identity_to_permissions: [{ operation: 'add', identity: 'u1', identity_type: 'local_user', role_assignments: [{ operation: 'add', application: 'Shop', role: 'r1' }] }] })],
    ['an entry modified', change({ identity_to_permissions: [{ operation: 'modify', identity: 'u1', identity_type: 'local_user' }] })],
    ['an entry of a group the change also modifies', change({ applications: [{ name: 'Shop', local_groups: [{ operation: 'modify', name: 'g', custom_properties: {} }] }], identity_to_permissions: [{ identity: 'g', identity_type: 'local_group', role_assignments: [{ operation: 'add', application: 'Shop', role: 'r1' }] }] })],
    ['an entry of a local role', change({ identity_to_permissions: [{ identity: 'r1', identity_type: 'local_role', role_assignments: [{ operation: 'add', application: 'Shop', role: 'r2' }] }] })],
    ['an added entry of an IdP identity', change({ identity_to_permissions: [{ operation: 'add', identity: 'x@corp.example', role_assignments: [{ application: 'Shop', role: 'r1' }] }] })],
    [
      'bindings added to a user the change also names',
      change({
        applications: [{ name: 'Shop', local_users: [{ operation: 'modify', id: 'u1', name: 'a' }] }],
        identity_to_permissions: [{ identity: 'u1', role_assignments: [{ operation: 'add', application: 'Shop', role: 'r1' }] }],
      }),
    ],
  ])('leaves %s to the whole-state way', (_what, body) => {
    expect(planLeafDelta(body)).toBeUndefined();
  });
});
