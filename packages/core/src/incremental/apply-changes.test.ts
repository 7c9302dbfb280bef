import { describe, expect, it } from 'vitest';
import { IssueCollector } from '../payload/issues.js';
import { applyIncremental } from './apply-changes.js';

/** The engine on its own: what each operation does to a stored payload, and what it refuses. */

type Json = Record<string, unknown>;

function stored(): Json {
  return {
    applications: [
      {
        name: 'Ledger',
        application_type: 'ledger',
        local_users: [
          { name: 'Ann', id: 'u1', groups: ['Clerks'], tags: [{ key: 'team', value: 'a' }] },
          { name: 'Ben', id: 'u2', access_creds: ['k1'] },
        ],
        local_groups: [{ name: 'Clerks', groups: ['Staff'] }, { name: 'Staff' }],
        local_roles: [{ name: 'Reader', permissions: ['read'] }, { name: 'Boss', permissions: ['read'], roles: ['Reader'] }],
        local_access_creds: [{ id: 'k1', name: 'key' }],
        resources: [{ name: 'Books', resource_type: 'book', sub_resources: [{ name: '2024', resource_type: 'year', tags: [{ key: 'closed', value: '' }] }] }],
      },
    ],
    permissions: [{ name: 'read', permission_type: ['DataRead'], resource_types: ['book', 'year'] }],
    identity_to_permissions: [
      { identity: 'u1', identity_type: 'local_user', role_assignments: [{ application: 'Ledger', role: 'Reader', resources: ['Books'] }] },
      { identity: 'Staff', identity_type: 'local_group', role_assignments: [{ application: 'Ledger', role: 'Boss' }] },
    ],
  };
}

function apply(change: Json, template: 'application' | 'identity_provider' | 'hris' = 'application', base: Json = stored()) {
  const issues = new IssueCollector();
  const result = applyIncremental(template, base, { incremental_change: true, ...change }, issues);
  return { ...result, errors: issues.errors.map((e) => `${e.path}: ${e.code}`) };
}

const app = (payload: Json) => (payload.applications as Json[])[0]!;

describe('applyIncremental', () => {
  it('deleting a role removes its nested-role entries and its assignments, and the entries left empty', () => {
    const { payload, errors, changed } = apply({ applications: [{ name: 'ledger', local_roles: [{ operation: 'delete', name: 'READER' }] }] });
    expect(errors).toEqual([]);
    expect(changed).toBe(1);
    expect(app(payload).local_roles).toEqual([{ name: 'Boss', permissions: ['read'], roles: [] }]);
    expect((payload.identity_to_permissions as Json[]).map((e) => e.identity)).toEqual(['Staff']);
    expect(payload.incremental_change).toBeUndefined();
  });

  it('deleting a group removes it from members and child groups; deleting a credential from its holders', () => {
    const { payload } = apply({ applications: [{ name: 'Ledger', local_groups: [{ operation: 'delete', name: 'staff' }], local_access_creds: [{ operation: 'delete', id: 'K1' }] }] });
    expect(app(payload).local_groups).toEqual([{ name: 'Clerks', groups: [] }]);
    expect((app(payload).local_users as Json[])[1]).toEqual({ name: 'Ben', id: 'u2', access_creds: [] });
    expect((payload.identity_to_permissions as Json[]).map((e) => e.identity)).toEqual(['u1']);
  });

  it('records tag removals by node key, a sub-resource by its dotted path, remove_tag as delete_tag', () => {
    const { tagRemovals, payload } = apply({
      applications: [
        {
          name: 'Ledger',
          local_users: [{ operation: 'remove_tag', id: 'U1', tags: [{ key: 'team', value: 'a' }] }],
          resources: [{ name: 'Books', sub_resources: [{ operation: 'delete_tag', name: '2024', tags: [{ key: 'closed' }] }] }],
        },
      ],
    });
    expect(tagRemovals).toEqual([
      { nodeKey: 'app:ledger/user:u1', key: 'team', value: 'a' },
      { nodeKey: 'app:ledger/resource:books.2024', key: 'closed', value: '' },
    ]);
    expect((app(payload).local_users as Json[])[0]!.tags).toEqual([]);
  });

  it('add_tag does not repeat a tag already there; add_resource does not repeat a resource (ignoring case)', () => {
    const { payload } = apply({
      applications: [{ name: 'Ledger', local_users: [{ operation: 'add_tag', id: 'u1', tags: [{ key: 'team', value: 'a' }, { key: 'x', value: '1' }, { key: 'x', value: '1' }] }] }],
      identity_to_permissions: [{ identity: 'u1', role_assignments: [{ application: 'Ledger', role: 'Reader', operation: 'add_resource', resources: ['books', 'Books.2024'] }] }],
      permissions: [{ name: 'read', operation: 'delete_resource', resource_types: ['YEAR'] }],
    });
    expect((app(payload).local_users as Json[])[0]!.tags).toEqual([{ key: 'team', value: 'a' }, { key: 'x', value: '1' }]);
    expect(((payload.identity_to_permissions as Json[])[0]!.role_assignments as Json[])[0]!.resources).toEqual(['Books', 'Books.2024']);
    expect((payload.permissions as Json[])[0]!.resource_types).toEqual(['book']);
  });

  it('refuses, each with its path: no key, an unknown operation, a non-add inside an added entity, a resource operation on a user', () => {
    const { errors } = apply({
      applications: [
        {
          name: 'Ledger',
          local_users: [{ operation: 'modify' }, { operation: 'rename', id: 'u1' }, { operation: 'add_resource', id: 'u1', resources: ['Books'] }],
        },
        { operation: 'add', name: 'Vault', application_type: 'v', local_users: [{ operation: 'delete', id: 'x', name: 'x' }] },
      ],
    });
    expect(errors).toEqual([
      'applications[0].local_users[0]: key_required',
      'applications[0].local_users[1].operation: invalid_operation',
      'applications[0].local_users[2].operation: invalid_operation',
      'applications[1].local_users[0].operation: invalid_operation',
    ]);
  });

  it('merges custom property definitions by application type, and maps paths of the result back to the change', () => {
    const base = stored();
    base.custom_property_definition = { applications: [{ application_type: 'ledger', local_user_properties: { desk: 'STRING' } }] };
    const { payload, origins } = apply(
      {
        custom_property_definition: { applications: [{ application_type: 'LEDGER', local_user_properties: { floor: 'NUMBER' } }, { application_type: 'vault' }] },
        applications: [{ name: 'Ledger', local_users: [{ operation: 'add', id: 'u3', name: 'Cy' }, { operation: 'modify', id: 'u2', name: 'Ben B' }] }],
      },
      'application',
      base,
    );
    expect(payload.custom_property_definition).toEqual({
      applications: [{ application_type: 'LEDGER', local_user_properties: { desk: 'STRING', floor: 'NUMBER' } }, { application_type: 'vault' }],
    });
    // Cy was appended as the third user, Ben is the second: each maps to its place in the change.
    expect(origins.fromChange('applications[0].local_users[2].groups[0]')).toBe('applications[0].local_users[0].groups[0]');
    expect(origins.fromChange('applications[0].local_users[1]')).toBe('applications[0].local_users[1]');
    expect(origins.fromChange('applications[0].local_users[0].name')).toBeUndefined();
    expect(origins.fromChange('custom_property_definition.applications[1]')).toBe('custom_property_definition.applications[1]');
  });

  it('identity provider: users keyed by identity else name; a deleted app leaves its assignments', () => {
    const base: Json = {
      name: 'Corp',
      idp_type: 'corp',
      domains: [{ name: 'corp.example' }],
      users: [{ name: 'ann', identity: 'i1', app_assignments: [{ id: 'x', name: 'x', app_id: 'A1' }] }, { name: 'bob' }],
      groups: [],
      apps: [{ id: 'a1', name: 'Portal' }],
    };
    const { payload, errors } = apply({ users: [{ operation: 'modify', name: 'BOB', email: 'bob@corp.example' }], apps: [{ operation: 'delete', id: 'a1' }], idp_type: 'corp2' }, 'identity_provider', base);
    expect(errors).toEqual([]);
    expect(payload.users).toEqual([
      { name: 'ann', identity: 'i1', app_assignments: [] },
      { name: 'BOB', email: 'bob@corp.example' },
    ]);
    expect(payload.apps).toEqual([]);
    expect(payload.idp_type).toBe('corp2');
  });

  it('HRIS: the system merges field by field; employees are found by employee_number when they have no id', () => {
    const base: Json = { name: 'HR', system: { id: 's', name: 'HR', url: 'https://a' }, employees: [{ employee_number: 'E1', name: 'Ann' }], groups: [] };
    const { payload, errors } = apply({ system: { url: 'https://b' }, employees: [{ operation: 'modify', employee_number: 'e1', job_title: 'CFO' }] }, 'hris', base);
    expect(errors).toEqual([]);
    expect(payload.system).toEqual({ id: 's', name: 'HR', url: 'https://b' });
    expect(payload.employees).toEqual([{ employee_number: 'e1', name: 'Ann', job_title: 'CFO' }]);
  });
});
