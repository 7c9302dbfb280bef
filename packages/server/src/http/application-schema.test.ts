import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { ApplicationPayload, CANONICAL_PERMISSIONS } from '@accessgraph/contract';
import { appOf, validPayload } from '../../../core/src/application/test-support/payloads.js';
import { REMOVE, withChanges } from '../test-support/json-changes.js';
import { schemaViolations, type SchemaError } from './ajv-errors.js';

/**
 * The strict shape check of a Custom Application payload (contract's ApplicationPayload), compiled
 * the way the server compiles body schemas: no coercion, unknown keys kept (so they are errors),
 * every error reported. It lives in the server package because Ajv 8 is the server's dependency
 * (from packages/contract, `ajv` resolves to the hoisted Ajv 6 of the lint tooling).
 * Meaning (references, ids, property types) is core's job: see core/src/application/validation*.test.ts.
 */

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const ajv = new Ajv({ allErrors: true, coerceTypes: false, removeAdditional: false, strict: false });
addFormats(ajv);
const validate = ajv.compile(ApplicationPayload);

/** The violations as the API reports them: OAA-style field paths and a description of the rule. */
function violations(payload: unknown) {
  if (validate(payload)) return [];
  return schemaViolations((validate.errors ?? []) as SchemaError[], 'body');
}

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../../../test/fixtures/${name}`, import.meta.url), 'utf8'));
}

/** A fresh valid payload with each `[dotPath, value]` applied (see `withChanges`). */
function changed(...changes: Array<[string, unknown]>): unknown {
  return withChanges(validPayload(), ...changes);
}

const unknownField = (name: string) => `unknown field "${name}" is not allowed`;

describe('ApplicationPayload schema: valid payloads', () => {
  it('accepts the small valid payload of the core tests', () => {
    expect(violations(validPayload())).toEqual([]);
  });

  it.each(['seed-app-simple.json', 'seed-app-roles.json', 'app-ledger.json'])('accepts fixture %s', (name) => {
    expect(violations(fixture(name))).toEqual([]);
  });

  it('accepts the seed minimal application (only applications)', () => {
    expect(violations({ applications: [{ name: 'Minimal', application_type: 'min' }] })).toEqual([]);
  });
});

describe('unknown keys are errors at every level', () => {
  it.each([
    ['the top level', ['bad_property', 1], 'bad_property'],
    ['applications[0] (oaaclient test_bad_payload)', ['applications.0.bad_property', 'x'], 'applications[0].bad_property'],
    ['a local user', ['applications.0.local_users.1.nickname', 'b'], 'applications[0].local_users[1].nickname'],
    ['a nested sub-resource', ['applications.0.resources.1.sub_resources.0.colour', 'red'], 'applications[0].resources[1].sub_resources[0].colour'],
    ['a connection', ['applications.0.resources.0.connections', [{ id: 'a', node_type: 'AwsIamRole', arn: 'x' }]], 'applications[0].resources[0].connections[0].arn'],
    ['a tag', ['applications.0.tags.0.colour', 'red'], 'applications[0].tags[0].colour'],
    ['a permission', ['permissions.0.description', 'x'], 'permissions[0].description'],
    ['an identity_to_permissions entry', ['identity_to_permissions.0.role', 'r1'], 'identity_to_permissions[0].role'],
    ['an application_permissions item', ['identity_to_permissions.0.application_permissions.0.scope', 'all'], 'identity_to_permissions[0].application_permissions[0].scope'],
    ['a role_assignments item', ['identity_to_permissions.0.role_assignments.0.expires', 'never'], 'identity_to_permissions[0].role_assignments[0].expires'],
    ['custom_property_definition', ['custom_property_definition.idp', {}], 'custom_property_definition.idp'],
    ['a property definition', ['custom_property_definition.applications.0.group_properties', {}], 'custom_property_definition.applications[0].group_properties'],
  ] as Array<[string, [string, unknown], string]>)('in %s', (_where, change, field) => {
    expect(violations(changed(change))).toEqual([{ field, description: unknownField(field.split('.').pop()!) }]);
  });

  it('reports every unknown key at once', () => {
    const payload = changed(['extra', 1], ['applications.0.bad_property', 2], ['identity_to_permissions.1.role_assignments.0.extra', 3]);
    expect(violations(payload).map((v) => v.field)).toEqual(['extra', 'applications[0].bad_property', 'identity_to_permissions[1].role_assignments[0].extra']);
  });
});

describe('required fields and JSON types', () => {
  it.each([
    ['application name missing', ['applications.0.name', REMOVE], 'applications[0].name', 'required field "name" is missing'],
    ['resource_type missing', ['applications.0.resources.1.sub_resources.0.resource_type', REMOVE], 'applications[0].resources[1].sub_resources[0].resource_type', 'required field "resource_type" is missing'],
    ['access credential id missing', ['applications.0.local_access_creds.0.id', REMOVE], 'applications[0].local_access_creds[0].id', 'required field "id" is missing'],
    ['binding identity missing', ['identity_to_permissions.1.identity', REMOVE], 'identity_to_permissions[1].identity', 'required field "identity" is missing'],
    ['permission_type missing', ['permissions.1.permission_type', REMOVE], 'permissions[1].permission_type', 'required field "permission_type" is missing'],
    ['name a number', ['applications.0.name', 5], 'applications[0].name', 'must be string'],
    ['name null (required, so not nullable)', ['applications.0.local_users.0.name', null], 'applications[0].local_users[0].name', 'must be string'],
    ['applications an object', ['applications', { name: 'Shop' }], 'applications', 'must be array'],
    ['is_active "true" (no coercion)', ['applications.0.local_users.0.is_active', 'true'], 'applications[0].local_users[0].is_active', 'must be boolean'],
    ['apply_to_application 1', ['identity_to_permissions.0.application_permissions.0.apply_to_application', 1], 'identity_to_permissions[0].application_permissions[0].apply_to_application', 'must be boolean'],
    ['permission_type a string, not a list', ['permissions.0.permission_type', 'DataRead'], 'permissions[0].permission_type', 'must be array'],
    ['identities a string', ['applications.0.local_users.0.identities', 'ann@corp.example'], 'applications[0].local_users[0].identities', 'must be array'],
    ['a group reference a number', ['applications.0.local_users.0.groups', [7]], 'applications[0].local_users[0].groups[0]', 'must be string'],
    ['an id a number (oaaclient stringifies ids)', ['applications.0.local_users.0.id', 1234], 'applications[0].local_users[0].id', 'must be string'],
    ['custom_properties a list', ['applications.0.custom_properties', ['a']], 'applications[0].custom_properties', 'must be object'],
    ['sub_resources an object', ['applications.0.resources.0.sub_resources', {}], 'applications[0].resources[0].sub_resources', 'must be array'],
    ['incremental_change "true"', ['incremental_change', 'true'], 'incremental_change', 'must be boolean'],
    ['an empty name', ['applications.0.local_roles.0.name', ''], 'applications[0].local_roles[0].name', 'must NOT have fewer than 1 characters'],
  ] as Array<[string, [string, unknown], string, string]>)('%s', (_what, change, field, description) => {
    expect(violations(changed(change))).toEqual([{ field, description: expect.stringContaining(description) }]);
  });
});

describe('null means not set for optional fields', () => {
  it('null is accepted for every optional field tried', () => {
    const payload = validPayload();
    const app = appOf(payload);
    Object.assign(app, { description: null, tags: null, owners: null, okta_app_id: null, local_groups: null, local_access_creds: null, operation: null });
    Object.assign(app.local_users![0]!, { id: null, unique_id: null, email: null, is_active: null, created_at: null, user_type: null, groups: null, access_creds: null, identities: null, custom_properties: null });
    Object.assign(app.resources![0]!, { description: null, sub_resources: null, connections: null, id: null, custom_properties: null });
    Object.assign(app.local_roles![0]!, { permissions: null, roles: null });
    Object.assign(payload.permissions![0]!, { apply_to_sub_resources: null, resource_types: null, application_type: null });
    Object.assign(payload.identity_to_permissions![0]!, { identity_type: null, role_assignments: null });
    Object.assign(payload.identity_to_permissions![0]!.application_permissions![0]!, { resources: null, apply_to_application: null });
    app.tags = [{ key: 'flag', value: null }];
    Object.assign(payload.custom_property_definition!.applications![0]!, { local_group_properties: null, resources: null });
    payload.incremental_change = null;
    expect(violations(payload)).toEqual([]);
  });

  it('top-level lists and the definition may be null', () => {
    expect(violations({ applications: [{ name: 'A', application_type: 'a' }], permissions: null, identity_to_permissions: null, custom_property_definition: null })).toEqual([]);
  });
});

describe('closed vocabularies', () => {
  it.each(['user', 'LocalUser', 'group', ''])('identity_type %j is outside the enum', (value) => {
    expect(violations(changed(['identity_to_permissions.1.identity_type', value]))).toEqual([{ field: 'identity_to_permissions[1].identity_type', description: expect.stringContaining('"local_access_creds"') }]);
  });

  it.each(['local_user', 'local_group', 'local_role', 'local_access_creds', 'idp'])('identity_type %s is accepted', (value) => {
    expect(violations(changed(['identity_to_permissions.1.identity_type', value]))).toEqual([]);
  });

  it.each(['dataread', 'DATAREAD', 'Data Read', 'Read', 'Admin'])('permission_type %j (not canonical spelling) is an error', (value) => {
    expect(violations(changed(['permissions.1.permission_type', ['DataWrite', value]]))).toEqual([{ field: 'permissions[1].permission_type[1]', description: expect.stringContaining('"MetadataRead"') }]);
  });

  it('every canonical permission type is accepted', () => {
    expect(CANONICAL_PERMISSIONS).toHaveLength(10);
    expect(violations(changed(['permissions.0.permission_type', [...CANONICAL_PERMISSIONS]]))).toEqual([]);
  });

  it('a custom property type outside BOOLEAN, NUMBER, STRING, STRING_LIST, TIMESTAMP is an error', () => {
    expect(violations(changed(['custom_property_definition.applications.0.local_user_properties.seats', 'INTEGER']))).toEqual([{ field: 'custom_property_definition.applications[0].local_user_properties.seats', description: expect.stringContaining('"STRING_LIST"') }]);
  });

  it('an unknown operation is an error (known ones pass the schema; core refuses them in a full payload)', () => {
    expect(violations(changed(['applications.0.local_users.0.operation', 'upsert']))).toEqual([
      { field: 'applications[0].local_users[0].operation', description: expect.stringContaining('"add_tag"') },
    ]);
    expect(violations(changed(['applications.0.local_users.0.operation', 'remove_tag']))).toEqual([]);
  });
});
