import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { IdpPayload } from '@accessgraph/contract';
import { checkTemplate, expectOnlyTemplateError, expectTemplateValid, type ExpectedIssue } from '../test-support/template-check.js';
import { groupOf, userOf, validIdpPayload } from './test-support/idp-payloads.js';

/** Every rule of the Custom Identity Provider template that core checks (spec §6, §12). */

const only = (payload: IdpPayload, expected: ExpectedIssue) => expectOnlyTemplateError('identity_provider', payload, expected);
const valid = (payload: IdpPayload, warnings: ExpectedIssue[] = []) => expectTemplateValid('identity_provider', payload, warnings);

function fixture(name: string): IdpPayload {
  return JSON.parse(readFileSync(new URL(`../../../../test/fixtures/${name}`, import.meta.url), 'utf8')) as IdpPayload;
}

describe('valid identity provider payloads', () => {
  it('the test payload breaks no rule and warns about nothing', () => {
    valid(validIdpPayload());
  });

  it("the seeds' simple IdP (trailing commas fixed) is accepted without a warning", () => {
    valid(fixture('seed-idp-simple.json'));
  });
});

describe('top level', () => {
  it('name is required on a full push', () => {
    const payload = validIdpPayload();
    delete payload.name;
    only(payload, { path: 'name', code: 'required' });
  });

  it('idp_type is required on a full push', () => {
    const payload = validIdpPayload();
    payload.idp_type = '';
    only(payload, { path: 'idp_type', code: 'required' });
  });

  it('built-in strings are at most 256 bytes', () => {
    const payload = validIdpPayload();
    payload.idp_description = 'é'.repeat(129);
    only(payload, { path: 'idp_description', code: 'too_long', names: '258 bytes' });
  });

  it('exactly one domain: none is an error', () => {
    const payload = validIdpPayload();
    payload.domains = [];
    only(payload, { path: 'domains', code: 'required' });
  });

  it('exactly one domain: each extra one is an error naming it', () => {
    const payload = validIdpPayload();
    payload.domains!.push({ name: 'second.example' }, { name: 'third.example' });
    const { errors } = checkTemplate('identity_provider', payload);
    expect(errors.map((e) => [e.path, e.code])).toEqual([
      ['domains[1]', 'one_domain'],
      ['domains[2]', 'one_domain'],
    ]);
    expect(errors[0]!.message).toContain('"second.example"');
  });
});

describe('keys', () => {
  it('user identities are unique ignoring case', () => {
    const payload = validIdpPayload();
    userOf(payload, 1).identity = 'U1';
    only(payload, { path: 'users[1].identity', code: 'duplicate_key', names: '"U1"' });
  });

  it('a user without identity is keyed by its name, which must then be unique too', () => {
    const payload = validIdpPayload();
    payload.users!.push({ name: 'CY' });
    only(payload, { path: 'users[3].name', code: 'duplicate_key', names: 'users[2]' });
  });

  it('a user may carry the identity another user has as its name: keys are identities first', () => {
    const payload = validIdpPayload();
    payload.users!.push({ name: 'u1', identity: 'u9' });
    valid(payload);
  });

  it('group identities are unique ignoring case', () => {
    const payload = validIdpPayload();
    groupOf(payload, 2).identity = 'Staff';
    // ops is left out, so nothing else breaks.
    only(payload, { path: 'groups[2].identity', code: 'duplicate_key', names: '"Staff"' });
  });

  it('app ids are unique ignoring case', () => {
    const payload = validIdpPayload();
    payload.apps![1]!.id = 'APP1';
    only(payload, { path: 'apps[1].id', code: 'duplicate_key', names: '"APP1"' });
  });
});

describe('references inside the payload', () => {
  it("a user's group must be defined", () => {
    const payload = validIdpPayload();
    userOf(payload, 0).groups!.push({ identity: 'nobody' });
    only(payload, { path: 'users[0].groups[1]', code: 'unknown_reference', names: '"nobody"' });
  });

  it("a group's group must be defined (string form)", () => {
    const payload = validIdpPayload();
    groupOf(payload, 2).groups = ['admins', 'ghosts'];
    only(payload, { path: 'groups[2].groups[1]', code: 'unknown_reference', names: '"ghosts"' });
  });

  it('a group may not list itself', () => {
    const payload = validIdpPayload();
    groupOf(payload, 0).groups = [{ identity: 'STAFF' }];
    only(payload, { path: 'groups[0].groups[0]', code: 'self_reference', names: '"staff"' });
  });

  it('group nesting may not loop', () => {
    const payload = validIdpPayload();
    groupOf(payload, 0).groups = [{ identity: 'ops' }];
    only(payload, { path: 'groups[0]', code: 'cycle', names: 'staff -> ops -> admins -> staff' });
  });

  it("an app assignment's app must be defined", () => {
    const payload = validIdpPayload();
    userOf(payload, 0).app_assignments![0]!.app_id = 'app9';
    only(payload, { path: 'users[0].app_assignments[0].app_id', code: 'unknown_reference', names: '"app9"' });
  });

  it("app assignment ids are unique per principal (and may repeat across principals)", () => {
    const payload = validIdpPayload();
    groupOf(payload, 0).app_assignments = [{ id: 'as1', name: 'Staff access', app_id: 'app2' }];
    valid(payload);
    userOf(payload, 0).app_assignments!.push({ id: 'AS1', name: 'again', app_id: 'app2' });
    only(payload, { path: 'users[0].app_assignments[1].id', code: 'duplicate_key', names: '"AS1"' });
  });

  it('a manager that is not a user of the payload is a warning, not an error', () => {
    const payload = validIdpPayload();
    userOf(payload, 1).manager_id = 'u42';
    valid(payload, [{ path: 'users[1].manager_id', code: 'unresolved_manager', names: '"u42"' }]);
  });

  it('a user is not its own manager', () => {
    const payload = validIdpPayload();
    userOf(payload, 1).manager_id = 'U2';
    only(payload, { path: 'users[1].manager_id', code: 'self_reference', names: '"u2"' });
  });
});

describe('fields', () => {
  it('strings of users are checked: email', () => {
    const payload = validIdpPayload();
    userOf(payload, 0).email = 'x'.repeat(257);
    only(payload, { path: 'users[0].email', code: 'too_long' });
  });

  it('each assumed role ARN is checked, in both forms', () => {
    const payload = validIdpPayload();
    groupOf(payload, 2).assumed_role_arns = { identity: ['ok', 'x'.repeat(300)] };
    only(payload, { path: 'groups[2].assumed_role_arns[1]', code: 'too_long' });
  });

  it('owned entities are checked, in the single-object form too', () => {
    const payload = validIdpPayload();
    userOf(payload, 2).entities_owned = { node_type: 'S3Bucket', id: 'x'.repeat(300) };
    only(payload, { path: 'users[2].entities_owned.id', code: 'too_long' });
  });

  it('source_identity is checked', () => {
    const payload = validIdpPayload();
    userOf(payload, 0).source_identity!.identity = '\ud800';
    only(payload, { path: 'users[0].source_identity.identity', code: 'invalid_utf8' });
  });

  it('operation belongs to incremental payloads', () => {
    const payload = validIdpPayload();
    userOf(payload, 1).operation = 'add';
    only(payload, { path: 'users[1].operation', code: 'operation_not_incremental' });
  });

  it('dynamic_properties are accepted with a warning', () => {
    const payload = validIdpPayload();
    groupOf(payload, 0).dynamic_properties = { a: 1 };
    valid(payload, [{ path: 'groups[0].dynamic_properties', code: 'deprecated' }]);
  });

  it('tags follow the tag rules', () => {
    const payload = validIdpPayload();
    payload.apps![0]!.tags = [{ key: 'bad key' }];
    only(payload, { path: 'apps[0].tags[0].key', code: 'invalid_tag_key' });
  });
});

describe('custom properties of every entity kind', () => {
  const cases: Array<[string, (p: IdpPayload) => void, string]> = [
    ['domain', (p) => (p.domains![0]!.custom_properties = { region: 1 }), 'domains[0].custom_properties.region'],
    ['user', (p) => (userOf(p, 0).custom_properties = { badge: 'seven' }), 'users[0].custom_properties.badge'],
    ['group', (p) => (groupOf(p, 0).custom_properties = { cost_center: true }), 'groups[0].custom_properties.cost_center'],
    ['app', (p) => (p.apps![0]!.custom_properties = { tier: ['gold'] }), 'apps[0].custom_properties.tier'],
    ['app assignment', (p) => (userOf(p, 0).app_assignments![0]!.custom_properties = { approved: 'yes' }), 'users[0].app_assignments[0].custom_properties.approved'],
  ];
  for (const [kind, breakIt, path] of cases) {
    it(`a ${kind} property of the wrong type is an error`, () => {
      const payload = validIdpPayload();
      breakIt(payload);
      only(payload, { path, code: 'property_type' });
    });
  }

  it('a property not defined for the entity kind is an error (a user property on a group)', () => {
    const payload = validIdpPayload();
    groupOf(payload, 1).custom_properties = { badge: 1 };
    only(payload, { path: 'groups[1].custom_properties.badge', code: 'undefined_property', names: '"badge"' });
  });

  it('definition names follow the property name rule', () => {
    const payload = validIdpPayload();
    payload.custom_property_definition!.user_properties!['1st'] = 'STRING';
    only(payload, { path: 'custom_property_definition.user_properties.1st', code: 'invalid_property_name' });
  });
});

describe('identity_mapping_configuration', () => {
  it("the seeds' mapping configuration reads, property names in any case", () => {
    const payload = validIdpPayload();
    payload.identity_mapping_configuration = fixture('seed-idp-mapping-config.json').identity_mapping_configuration;
    valid(payload);
  });

  it('a property that is not UNIQUE_ID, EMAIL, PROPERTY or CUSTOM_PROPERTY is an error', () => {
    const payload = validIdpPayload();
    payload.identity_mapping_configuration!.mappings![0]!.property_matchers![0]!.source_property = 'PHONE';
    only(payload, { path: 'identity_mapping_configuration.mappings[0].property_matchers[0].source_property', code: 'invalid_value', names: '"PHONE"' });
  });

  it('a CUSTOM_PROPERTY matcher names its property', () => {
    const payload = validIdpPayload();
    payload.identity_mapping_configuration!.mappings![0]!.property_matchers = [{ source_property: 'CUSTOM_PROPERTY', destination_property: 'unique_id' }];
    only(payload, { path: 'identity_mapping_configuration.mappings[0].property_matchers[0].custom_source_property', code: 'required' });
  });

  it('property_match_operator is AND or OR', () => {
    const payload = validIdpPayload();
    payload.identity_mapping_configuration!.mappings![0]!.property_match_operator = 'XOR';
    only(payload, { path: 'identity_mapping_configuration.mappings[0].property_match_operator', code: 'invalid_value' });
  });

  it('a mapping without matchers is a warning: it links nothing', () => {
    const payload = validIdpPayload();
    delete payload.identity_mapping_configuration!.mappings![0]!.property_matchers;
    valid(payload, [{ path: 'identity_mapping_configuration.mappings[0]', code: 'mapping_without_matchers' }]);
  });

  it('operation on the configuration belongs to incremental payloads', () => {
    const payload = validIdpPayload();
    payload.identity_mapping_configuration!.operation = 'modify';
    only(payload, { path: 'identity_mapping_configuration.operation', code: 'operation_not_incremental' });
  });
});

describe('every error at once', () => {
  it('reports problems of users, groups, apps and the top level together', () => {
    const payload = validIdpPayload();
    delete payload.idp_type;
    userOf(payload, 0).groups = ['nobody'];
    groupOf(payload, 1).custom_properties = { nope: 1 };
    payload.apps![1]!.id = 'app1';
    const { errors } = checkTemplate('identity_provider', payload);
    expect(errors.map((e) => e.path).sort()).toEqual(['apps[1].id', 'groups[1].custom_properties.nope', 'idp_type', 'users[0].groups[0]']);
  });
});
