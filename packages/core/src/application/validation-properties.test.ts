import { describe, expect, it } from 'vitest';
import type { ApplicationPayload, OaaApplicationPropertyDefinitions } from '@accessgraph/contract';
import { tableRows } from '../graph/graph-tables.js';
import { deriveApplicationGraph } from './derive-application.js';
import { check, expectOnlyError, expectValid } from './test-support/check.js';
import { appOf, subResources, validPayload } from './test-support/payloads.js';

/** Custom properties (spec §8) and tags (spec §9). */

const ANN = 'applications[0].local_users[0]';
const DEFS = 'custom_property_definition.applications[0]';

function definitions(payload: ApplicationPayload): OaaApplicationPropertyDefinitions {
  return payload.custom_property_definition!.applications![0]!;
}

/** Sets one custom property on ann (local user u1). */
function annWith(name: string, value: unknown): ApplicationPayload {
  const payload = validPayload();
  appOf(payload).local_users![0]!.custom_properties = { [name]: value };
  return payload;
}

describe('custom property values', () => {
  it('a property that is not defined', () => {
    expectOnlyError(annWith('shoe_size', 42), { path: `${ANN}.custom_properties.shoe_size`, code: 'undefined_property', names: '"shoe_size"' });
  });

  it('a property defined for another entity kind (a group property on a user)', () => {
    expectOnlyError(annWith('cost_center', 'cc-1'), { path: `${ANN}.custom_properties.cost_center`, code: 'undefined_property', names: '"cost_center"' });
  });

  it('a property defined for another application_type', () => {
    const payload = validPayload();
    payload.applications!.push({ name: 'Depot', application_type: 'depot', custom_properties: { region: 'eu' } });
    expectOnlyError(payload, { path: 'applications[1].custom_properties.region', code: 'undefined_property', names: '"region"' });
  });

  it.each([
    ['BOOLEAN given "yes"', 'is_guest', 'yes', '"yes"'],
    ['NUMBER given "1"', 'seats', '1', '"1"'],
    ['STRING given 5', 'nickname', 5, 'got 5'],
    ['STRING of 4097 characters', 'nickname', 'x'.repeat(4097), '4097 characters'],
    ['STRING_LIST given ["a", 1]', 'aliases', ['a', 1], 'a list'],
    ['STRING_LIST given a string', 'aliases', 'a', '"a"'],
    ['TIMESTAMP given "yesterday"', 'hired_at', 'yesterday', '"yesterday"'],
    ['TIMESTAMP given a number', 'hired_at', 1700000000, '1700000000'],
  ])('%s is a type error', (_what, name, value, named) => {
    const { errors } = expectOnlyError(annWith(name, value), { path: `${ANN}.custom_properties.${name}`, code: 'property_type', names: named });
    expect(errors[0]!.message).toContain(`"${name}"`);
  });

  it.each([
    ['BOOLEAN', 'is_guest', false],
    ['NUMBER (not only integers)', 'seats', 2.5],
    ['STRING of 4096 characters', 'nickname', 'x'.repeat(4096)],
    ['STRING_LIST', 'aliases', ['a', 'b']],
    ['empty STRING_LIST', 'aliases', []],
    ['TIMESTAMP with milliseconds', 'hired_at', '2001-01-01T01:01:01.001Z'],
    ['TIMESTAMP with centiseconds', 'hired_at', '2020-04-12T23:20:50.52Z'],
    ['TIMESTAMP with an offset', 'hired_at', '2021-01-01T22:47:31-07:00'],
    ['null (not set)', 'is_guest', null],
  ])('%s is accepted', (_what, name, value) => {
    expectValid(annWith(name, value));
  });

  // BUG: custom-properties.ts measures STRING values with String.length (UTF-16 code units), so
  // 4096 emoji — 4096 characters, within spec §8.2's "STRING (≤ 4096 chars)" — are refused as
  // "8192 characters".
  it('a STRING of 4096 characters outside the Basic Multilingual Plane is accepted', () => {
    expectValid(annWith('nickname', '😀'.repeat(4096)));
  });

  it('names are case-insensitive: define "testProp", set "testprop"; stored as customprop_testprop', () => {
    const payload = annWith('testprop', 'v');
    definitions(payload).local_user_properties = { testProp: 'STRING' };
    const { model } = expectValid(payload);
    expect(model.applications[0]!.users.get('u1')!.properties).toMatchObject({ customprop_testprop: 'v' });
    const node = deriveApplicationGraph(model).nodes.find((n) => n.key === 'app:shop/user:u1');
    expect(node?.properties).toMatchObject({ customprop_testprop: 'v' });
  });

  it('a role assignment keeps its custom properties on its has_role edge; its scope is in its grants', () => {
    const graph = deriveApplicationGraph(expectValid(validPayload()).model);
    const id = (key: string) => graph.nodes.findIndex((n) => n.key === key);
    const [ann, clerk, ops, boss] = [id('app:shop/user:u1'), id('app:shop/role:r1'), id('idp:ops@corp.example'), id('app:shop/role:r2')];
    const edges = tableRows(graph.edges).filter((e) => e.kind === 'has_role' || e.kind === 'has_permission');
    expect(edges).toEqual([
      { kind: 'has_permission', from: ann, to: id('app:shop/permission:view') },
      { kind: 'has_role', from: ann, to: clerk, properties: { customprop_approved: true } },
      { kind: 'has_role', from: ops, to: boss },
    ]);
    const clerkScopes = tableRows(graph.grants).filter((g) => g.holder === ann && g.role === clerk).map((g) => graph.nodes[g.scope]!.localKey);
    expect(clerkScopes.sort()).toEqual(['s1', 's1.box']);
  });

  it('application, group, role, credential and resource properties are stored under customprop_ names', () => {
    const { model } = expectValid(validPayload());
    const shop = model.applications[0]!;
    expect(shop.properties).toMatchObject({ customprop_region: 'eu-west' });
    expect(shop.groups.get('staff')!.properties).toMatchObject({ customprop_cost_center: 'cc-1' });
    expect(shop.roles.get('r1')!.properties).toMatchObject({ customprop_level: 1 });
    expect(shop.creds.get('c1')!.properties).toMatchObject({ customprop_is_oauth: true });
    expect(shop.resources.get('s1')!.properties).toMatchObject({ customprop_private: true });
    expect(shop.resources.get('s1.box')!.properties).toMatchObject({ customprop_size: 3 });
  });
});

describe('resource properties follow resource_type', () => {
  it('a shelf property on a box sub-resource is not defined', () => {
    const payload = validPayload();
    subResources(appOf(payload).resources![0]!)[0]!.custom_properties = { private: true };
    expectOnlyError(payload, { path: 'applications[0].resources[0].sub_resources[0].custom_properties.private', code: 'undefined_property', names: '"private"' });
  });

  it('a box property with the wrong type', () => {
    const payload = validPayload();
    subResources(appOf(payload).resources![1]!)[0]!.custom_properties = { SIZE: 'large' };
    expectOnlyError(payload, { path: 'applications[0].resources[1].sub_resources[0].custom_properties.SIZE', code: 'property_type', names: '"large"' });
  });

  it('a resource type with no definitions accepts no property', () => {
    const payload = validPayload();
    appOf(payload).resources!.push({ name: 'rack', id: 'k1', resource_type: 'rack', custom_properties: { private: true } });
    expectOnlyError(payload, { path: 'applications[0].resources[2].custom_properties.private', code: 'undefined_property', names: 'rack' });
  });
});

describe('custom property definitions', () => {
  it('two names equal ignoring case', () => {
    const payload = validPayload();
    definitions(payload).local_group_properties = { costCenter: 'STRING', COSTCENTER: 'NUMBER' };
    appOf(payload).local_groups![0]!.custom_properties = {};
    expectOnlyError(payload, { path: `${DEFS}.local_group_properties.COSTCENTER`, code: 'duplicate_property', names: '"COSTCENTER"' });
  });

  it.each(['1st', 'has-dash', 'has space', '_lead', 'é_accent', 'a'.repeat(257)])('invalid property name %s', (name) => {
    const payload = validPayload();
    definitions(payload).local_role_properties = { level: 'NUMBER', [name]: 'STRING' };
    expectOnlyError(payload, { path: `${DEFS}.local_role_properties.${name}`, code: 'invalid_property_name', names: name.slice(0, 20) });
  });

  it('valid names: letters, digits after the first letter, underscores', () => {
    const payload = validPayload();
    definitions(payload).local_role_properties = { level: 'NUMBER', Level2_b: 'STRING', x: 'BOOLEAN' };
    expectValid(payload);
  });

  it('the same application_type defined twice (ignoring case)', () => {
    const payload = validPayload();
    payload.custom_property_definition!.applications!.push({ application_type: 'SHOP', local_user_properties: { other: 'STRING' } });
    expectOnlyError(payload, { path: 'custom_property_definition.applications[1].application_type', code: 'duplicate_definition', names: '"SHOP"' });
  });

  it('the same resource_type defined twice within one application_type', () => {
    const payload = validPayload();
    definitions(payload).resources!.push({ resource_type: 'Shelf', properties: { other: 'STRING' } });
    expectOnlyError(payload, { path: `${DEFS}.resources[2].resource_type`, code: 'duplicate_definition', names: '"Shelf"' });
  });

  it('a definition for an application_type no application uses is fine', () => {
    const payload = validPayload();
    payload.custom_property_definition!.applications!.push({ application_type: 'unused', application_properties: { a: 'STRING' } });
    expectValid(payload);
  });
});

describe('tags', () => {
  const owners: Array<[string, (p: ApplicationPayload) => { tags?: unknown }, string]> = [
    ['application', (p) => appOf(p), 'applications[0]'],
    ['local user', (p) => appOf(p).local_users![1]!, 'applications[0].local_users[1]'],
    ['local group', (p) => appOf(p).local_groups![0]!, 'applications[0].local_groups[0]'],
    ['local role', (p) => appOf(p).local_roles![1]!, 'applications[0].local_roles[1]'],
    ['access credential', (p) => appOf(p).local_access_creds![0]!, 'applications[0].local_access_creds[0]'],
    ['sub-resource', (p) => subResources(appOf(p).resources![1]!)[0]!, 'applications[0].resources[1].sub_resources[0]'],
  ];

  it.each(owners)('an invalid key character on a %s', (_what, entity, path) => {
    const payload = validPayload();
    entity(payload).tags = [{ key: 'ok', value: '' }, { key: 'cost-center', value: 'x' }];
    expectOnlyError(payload, { path: `${path}.tags[1].key`, code: 'invalid_tag_key', names: '"cost-center"' });
  });

  it.each(owners)('an invalid value character on a %s', (_what, entity, path) => {
    const payload = validPayload();
    entity(payload).tags = [{ key: 'env', value: 'prod/eu' }];
    expectOnlyError(payload, { path: `${path}.tags[0].value`, code: 'invalid_tag_value', names: '"prod/eu"' });
  });

  it.each(['with space', 'dot.ted', 'at@', '', 'x'.repeat(256)])('invalid key %j', (key) => {
    const payload = validPayload();
    appOf(payload).tags = [{ key, value: 'v' }];
    const { errors } = check(payload);
    expect(errors).toEqual([expect.objectContaining({ path: 'applications[0].tags[0].key', code: 'invalid_tag_key' })]);
  });

  it.each(['a!', 'semi;colon', 'quote"', 'x'.repeat(4097)])('invalid value %j', (value) => {
    const payload = validPayload();
    appOf(payload).tags = [{ key: 'k', value }];
    expectOnlyError(payload, { path: 'applications[0].tags[0].value', code: 'invalid_tag_value', names: value.slice(0, 10) });
  });

  it('allowed: letters (accented too), digits, _, and in values spaces , @ . -', () => {
    const payload = validPayload();
    appOf(payload).tags = [
      { key: 'lettér123_', value: 'lettér123_' },
      { key: 'owner', value: 'Jane Doe, jane@corp.example - ops_team.eu' },
      { key: 'flag', value: '' },
      { key: 'flag2' },
      { key: 'flag3', value: null },
      { key: 'k', value: 'x'.repeat(4096) },
    ];
    const { model } = expectValid(payload);
    expect(model.applications[0]!.tags.map((t) => t.key)).toEqual(['lettér123_', 'owner', 'flag', 'flag2', 'flag3', 'k']);
  });

  it('duplicates (same key and value) collapse; same key with another value is a distinct tag', () => {
    const payload = validPayload();
    appOf(payload).local_users![1]!.tags = [
      { key: 'env', value: 'prod' },
      { key: 'env', value: 'prod' },
      { key: 'env', value: 'dev' },
      { key: 'solo', value: '' },
      { key: 'solo' },
    ];
    const { model } = expectValid(payload);
    expect(model.applications[0]!.users.get('u2')!.tags).toEqual([
      { key: 'env', value: 'prod' },
      { key: 'env', value: 'dev' },
      { key: 'solo', value: '' },
    ]);
  });
});
