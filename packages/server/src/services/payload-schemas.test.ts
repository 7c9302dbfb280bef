import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IssueCollector, normaliseHrisPayload } from '@accessgraph/core';
import { validHrisPayload } from '../../../core/src/hris/test-support/hris-payloads.js';
import { validIdpPayload } from '../../../core/src/idp/test-support/idp-payloads.js';
import { REMOVE, withChanges } from '../test-support/json-changes.js';
import { payloadShapeViolations } from './payload-schemas.js';

/**
 * The strict shape check of identity provider and HRIS payloads, as the push compiles it (the
 * application template's is in http/application-schema.test.ts). Meaning is core's job: see
 * core/src/idp and core/src/hris.
 */

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../../../test/fixtures/${name}`, import.meta.url), 'utf8'));
}

const idp = (...changes: Array<[string, unknown]>) => payloadShapeViolations('identity_provider', withChanges(validIdpPayload(), ...changes));
const hris = (...changes: Array<[string, unknown]>) => payloadShapeViolations('hris', withChanges(validHrisPayload(), ...changes));

describe('identity provider schema', () => {
  it.each(['seed-idp-simple.json', 'seed-idp-mapping-config.json', 'seed-idp-mapping-incremental.json'])('accepts %s', (name) => {
    expect(payloadShapeViolations('identity_provider', fixture(name))).toEqual([]);
  });

  it('accepts the core tests\' payload, with both forms of groups and assumed_role_arns and a single owned entity', () => {
    expect(idp()).toEqual([]);
  });

  it('names each field of the wrong type', () => {
    expect(idp(['users.0.is_active', 'yes'])).toEqual([{ field: 'users[0].is_active', description: 'must be boolean,null' }]);
    expect(idp(['groups.0.is_security_group', 1])).toEqual([{ field: 'groups[0].is_security_group', description: 'must be boolean,null' }]);
  });

  it('refuses unknown fields anywhere, including the docs\' {"group_1_identity": "parent"} typo', () => {
    expect(idp(['users.1.nickname', 'b'])).toEqual([{ field: 'users[1].nickname', description: 'unknown field "nickname" is not allowed' }]);
    const typo = idp(['groups.1.groups', [{ group_1_identity: 'parent' }]]);
    expect(typo).toContainEqual({ field: 'groups[1].groups[0].group_1_identity', description: 'unknown field "group_1_identity" is not allowed' });
  });

  it('names the allowed values of provider_type, identity_type and transformations', () => {
    expect(idp(['users.0.source_identity.provider_type', 'ldap'])).toEqual([
      { field: 'users[0].source_identity.provider_type', description: expect.stringContaining('"okta"') },
    ]);
    expect(idp(['users.1.identity_type', 'ROBOT'])).toEqual([{ field: 'users[1].identity_type', description: expect.stringContaining('"NONHUMAN"') }]);
    expect(idp(['identity_mapping_configuration.mappings.0.transformations', ['IGNORE_CASE']])).toEqual([
      { field: 'identity_mapping_configuration.mappings[0].transformations[0]', description: expect.stringContaining('"IGNORE_SPECIAL"') },
    ]);
  });

  it('requires what identifies an entity: a user name, an app id, an assignment app_id', () => {
    expect(idp(['users.2.name', REMOVE])).toEqual([{ field: 'users[2].name', description: 'required field "name" is missing' }]);
    expect(idp(['apps.1.id', REMOVE])).toEqual([{ field: 'apps[1].id', description: 'required field "id" is missing' }]);
    expect(idp(['users.0.app_assignments.0.app_id', REMOVE])).toEqual([
      { field: 'users[0].app_assignments[0].app_id', description: 'required field "app_id" is missing' },
    ]);
  });
});

describe('HRIS schema', () => {
  it('accepts the BambooHR example and the normalised Title-Case one', () => {
    expect(payloadShapeViolations('hris', fixture('seed-hris-bamboo.json'))).toEqual([]);
    const normalised = normaliseHrisPayload(fixture('seed-hris-titlecase.json'), new IssueCollector());
    expect(payloadShapeViolations('hris', normalised)).toEqual([]);
  });

  it('is_active must be a boolean (spec §12.1)', () => {
    expect(hris(['employees.0.is_active', 'true'])).toEqual([{ field: 'employees[0].is_active', description: 'must be boolean,null' }]);
  });

  it('references are {"id": ...} objects once normalised, and idp_providers are provider types', () => {
    expect(hris(['employees.0.managers', [{ employee: 'e2' }]])).toEqual([
      { field: 'employees[0].managers[0].id', description: 'required field "id" is missing' },
      { field: 'employees[0].managers[0].employee', description: 'unknown field "employee" is not allowed' },
    ]);
    expect(hris(['system.idp_providers', ['ldap']])).toEqual([{ field: 'system.idp_providers[0]', description: expect.stringContaining('"azure_ad"') }]);
  });

  it('refuses unknown fields', () => {
    expect(hris(['groups.0.members', []])).toEqual([{ field: 'groups[0].members', description: 'unknown field "members" is not allowed' }]);
  });
});
