import { describe, expect, it } from 'vitest';
import type { ApplicationPayload } from '@accessgraph/contract';
import { check, expectOnlyError, expectValid } from './test-support/check.js';
import { otherApplication, validPayload } from './test-support/payloads.js';

/** Permission definitions and identity_to_permissions (spec §5.8, §5.9, §12). */

const AP = 'identity_to_permissions[0].application_permissions[0]';
const RA = 'identity_to_permissions[0].role_assignments[0]';

describe('permissions', () => {
  it('two names equal ignoring case are duplicates', () => {
    const payload = validPayload();
    payload.permissions!.push({ name: 'VIEW', permission_type: ['DataRead'] });
    expectOnlyError(payload, { path: 'permissions[2].name', code: 'duplicate_key', names: '"VIEW"' });
  });

  it('an empty permission_type is accepted with the warning no_permission_type', () => {
    const payload = validPayload();
    payload.permissions!.push({ name: 'nothing', permission_type: [] });
    expectValid(payload, [{ path: 'permissions[2].permission_type', code: 'no_permission_type', names: '"nothing"' }]);
  });

  it('application_type limiting it to another type: using it in a role of this app is an error', () => {
    const payload = validPayload();
    payload.permissions![0]!.application_type = 'depot';
    payload.identity_to_permissions![0]!.application_permissions = [];
    expectOnlyError(payload, { path: 'applications[0].local_roles[0].permissions[0]', code: 'permission_not_for_application', names: '"view"' });
  });

  it('application_type limiting it to another type: granting it directly in this app is an error', () => {
    const payload = validPayload();
    payload.permissions!.push({ name: 'depot_only', permission_type: ['DataRead'], application_type: ['depot'] });
    payload.identity_to_permissions![0]!.application_permissions![0]!.permission = 'depot_only';
    const { errors } = expectOnlyError(payload, { path: `${AP}.permission`, code: 'permission_not_for_application', names: '"depot_only"' });
    expect(errors[0]!.message).toContain('"shop"');
  });

  it('application_type naming this type (any case, string or list) is fine', () => {
    const payload = validPayload();
    payload.permissions![0]!.application_type = ['depot', 'SHOP'];
    payload.permissions![1]!.application_type = 'Shop';
    expectValid(payload);
  });
});

describe('identity_to_permissions: references', () => {
  it('an unknown application', () => {
    const payload = validPayload();
    payload.identity_to_permissions![0]!.application_permissions![0]!.application = 'Store';
    expectOnlyError(payload, { path: `${AP}.application`, code: 'unknown_application', names: '"Store"' });
  });

  it('an unknown application in a role assignment', () => {
    const payload = validPayload();
    payload.identity_to_permissions![1]!.role_assignments![0]!.application = 'Store';
    expectOnlyError(payload, { path: 'identity_to_permissions[1].role_assignments[0].application', code: 'unknown_application', names: '"Store"' });
  });

  it('an unknown permission', () => {
    const payload = validPayload();
    payload.identity_to_permissions![0]!.application_permissions![0]!.permission = 'fly';
    expectOnlyError(payload, { path: `${AP}.permission`, code: 'unknown_permission', names: '"fly"' });
  });

  it("an unknown role, with Veza's exact message", () => {
    const payload = validPayload();
    payload.identity_to_permissions![0]!.role_assignments![0]!.role = 'operator';
    const { errors } = expectOnlyError(payload, { path: `${RA}.role`, code: 'unknown_role' });
    expect(errors[0]!.message).toBe("Can't connect identity to role as role not found for application (application: Shop, role: operator, identity: u1)");
  });

  it('an unknown top-level resource key', () => {
    const payload = validPayload();
    payload.identity_to_permissions![0]!.role_assignments![0]!.resources = ['s1', 's3'];
    expectOnlyError(payload, { path: `${RA}.resources[1]`, code: 'unknown_resource', names: '"s3"' });
  });

  it('an unknown sub-resource dot path', () => {
    const payload = validPayload();
    payload.identity_to_permissions![0]!.role_assignments![0]!.resources = ['s1.crate'];
    expectOnlyError(payload, { path: `${RA}.resources[0]`, code: 'unknown_resource', names: '"s1.crate"' });
  });

  it('a sub-resource named by its own key alone (without its parent) is unknown', () => {
    const payload = validPayload();
    payload.identity_to_permissions![0]!.application_permissions![0]!.resources = ['box'];
    expectOnlyError(payload, { path: `${AP}.resources[0]`, code: 'unknown_resource', names: '"box"' });
  });

  it('a resource of another application is unknown in this one', () => {
    const payload = validPayload();
    payload.applications!.push(otherApplication());
    payload.identity_to_permissions![0]!.application_permissions![0]!.resources = ['r1'];
    expectOnlyError(payload, { path: `${AP}.resources[0]`, code: 'unknown_resource', names: '"r1"' });
  });

  it('resource keys and dot paths match ignoring case; repeats are fine', () => {
    const payload = validPayload();
    payload.identity_to_permissions![0]!.role_assignments![0]!.resources = ['S1', 's1', 'S2.BOX', 's2.box'];
    const { model } = expectValid(payload);
    expect(model.bindings[1]!.resources.map((r) => r.pathKey)).toEqual(['s1', 's2.box']);
  });
});

describe('identity_to_permissions: local identities', () => {
  function bind(payload: ApplicationPayload, identity: string, identityType: 'local_user' | 'local_group' | 'local_role' | 'local_access_creds') {
    payload.identity_to_permissions = [
      {
        identity,
        identity_type: identityType,
        application_permissions: [
          { application: 'Shop', permission: 'view', apply_to_application: true },
          { application: 'Shop', permission: 'edit', resources: ['s1'] },
        ],
        role_assignments: [{ application: 'Shop', role: 'r1', apply_to_application: true }],
      },
    ];
  }

  it.each([
    ['local_user', 'u1', 'local user'],
    ['local_group', 'managers', 'local group'],
    ['local_role', 'r2', 'local role'],
    ['local_access_creds', 'c1', 'access credential'],
  ] as const)('a defined %s is fine (matched ignoring case)', (type, key, _what) => {
    const payload = validPayload();
    bind(payload, key.toUpperCase(), type);
    expectValid(payload);
  });

  it.each([
    ['local_user', 'u9', 'local user'],
    ['local_group', 'board', 'local group'],
    ['local_role', 'r9', 'local role'],
    ['local_access_creds', 'c9', 'access credential'],
  ] as const)('an undefined %s is one error per entry, however many items', (type, key, what) => {
    const payload = validPayload();
    bind(payload, key, type);
    expectOnlyError(payload, { path: 'identity_to_permissions[0].identity', code: 'unknown_identity', names: `${what} "${key}"` });
  });

  it('a user keyed by id is not found by its name', () => {
    const payload = validPayload();
    bind(payload, 'ann', 'local_user');
    expectOnlyError(payload, { path: 'identity_to_permissions[0].identity', code: 'unknown_identity', names: '"ann"' });
  });

  it('an undefined local identity is reported once per application it is bound in', () => {
    const payload = validPayload();
    payload.applications!.push(otherApplication());
    bind(payload, 'u9', 'local_user');
    payload.identity_to_permissions![0]!.application_permissions!.push({ application: 'Depot', permission: 'view', apply_to_application: true });
    const { errors } = check(payload);
    expect(errors).toEqual([
      { path: 'identity_to_permissions[0].identity', code: 'unknown_identity', message: expect.stringContaining('"Shop"') },
      { path: 'identity_to_permissions[0].identity', code: 'unknown_identity', message: expect.stringContaining('"Depot"') },
    ]);
  });

  it('a local identity defined in another application only is an error in this one', () => {
    const payload = validPayload();
    payload.applications!.push(otherApplication());
    bind(payload, 'x1', 'local_user');
    expectOnlyError(payload, { path: 'identity_to_permissions[0].identity', code: 'unknown_identity', names: '"Shop"' });
  });

  it('an idp identity is never an error, with identity_type idp or by default', () => {
    const payload = validPayload();
    payload.identity_to_permissions!.push(
      { identity: 'nobody@nowhere.example', identity_type: 'idp', application_permissions: [{ application: 'Shop', permission: 'view', apply_to_application: true }] },
      { identity: 'Some IdP Group', identity_type: null, role_assignments: [{ application: 'Shop', role: 'r1', apply_to_application: true }] },
    );
    expectValid(payload);
  });
});

describe('identity_to_permissions: grants that grant nothing (warnings)', () => {
  it('an application permission with neither apply_to_application nor resources', () => {
    const payload = validPayload();
    payload.identity_to_permissions![0]!.application_permissions![0]!.apply_to_application = false;
    expectValid(payload, [{ path: AP, code: 'grants_nothing', names: 'apply_to_application' }]);
  });

  it('a role assignment with apply_to_application false and empty resources', () => {
    const payload = validPayload();
    payload.identity_to_permissions![0]!.role_assignments![0]!.resources = [];
    expectValid(payload, [{ path: RA, code: 'grants_nothing', names: 'apply_to_application' }]);
  });

  it('an entry with no items', () => {
    const payload = validPayload();
    payload.identity_to_permissions!.push({ identity: 'idle@corp.example' });
    payload.identity_to_permissions!.push({ identity: 'u2', identity_type: 'local_user', application_permissions: [], role_assignments: null });
    expectValid(payload, [
      { path: 'identity_to_permissions[2]', code: 'grants_nothing', names: '"idle@corp.example"' },
      { path: 'identity_to_permissions[3]', code: 'grants_nothing', names: '"u2"' },
    ]);
  });
});

describe('role-assignment custom properties', () => {
  it('a defined property of the right type is kept', () => {
    const { model } = expectValid(validPayload());
    expect(model.bindings[1]!.grant).toEqual({ kind: 'role', role: 'r1', properties: { customprop_approved: true } });
  });

  it('a wrong type is an error', () => {
    const payload = validPayload();
    payload.identity_to_permissions![0]!.role_assignments![0]!.custom_properties = { approved: 'yes' };
    expectOnlyError(payload, { path: `${RA}.custom_properties.approved`, code: 'property_type', names: '"yes"' });
  });

  it('a property defined only for local roles is not a role-assignment property', () => {
    const payload = validPayload();
    payload.identity_to_permissions![0]!.role_assignments![0]!.custom_properties = { level: 2 };
    expectOnlyError(payload, { path: `${RA}.custom_properties.level`, code: 'undefined_property', names: '"level"' });
  });
});
