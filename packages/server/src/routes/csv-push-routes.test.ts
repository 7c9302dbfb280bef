import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CsvMappingConfiguration, DataSource, Provider, PushRecord } from '@accessgraph/contract';
import { csvTarget, graphOf, pushCsv } from '../test-support/csv-push.js';
import { dataSourceUrl, providerUrl } from '../test-support/fixtures.js';
import { expectValue, expectValues } from '../test-support/http-expect.js';
import { allEffective, push, pushTarget, triples } from '../test-support/push.js';
import { createTestApp, type TestApp } from '../test-support/test-app.js';

/**
 * `:push_csv` end to end (spec §2.6): for each template, a CSV push gives the graph and effective
 * permissions that pushing the equivalent JSON payload gives.
 */

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

async function historyOf(providerId: string, dataSourceId: string): Promise<PushRecord[]> {
  return expectValues<PushRecord>(await t.call({ url: `${dataSourceUrl(providerId, dataSourceId)}/pushes` })).values;
}

const sorted = (rows: Array<[string, string, string[]]>) => rows.map(([p, target, perms]) => [p, target, [...perms].sort()]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

it('is in the OpenAPI document, with its body schema', async () => {
  const doc = (await t.call({ url: '/api/openapi.json', key: null })).json<{ paths: Record<string, Record<string, { requestBody?: unknown }>> }>();
  const operation = doc.paths['/api/v1/providers/custom/{id}/datasources/{data_source_id}:push_csv']?.post;
  expect(JSON.stringify(operation?.requestBody)).toContain('csv_data');
});

describe(':push_csv, application template', () => {
  const mapping: CsvMappingConfiguration = {
    template_type: 'application',
    application: { application_name: 'Wiki', application_type: 'wiki', okta_app_id: '0oa1wiki', resource_type: 'space', identity: ['email'] },
    advanced: { list_delimiter: ';' },
    column_mappings: [
      { column_name: 'User Id', destination_type: 'user', destination_property: 'id' },
      { column_name: 'Name', destination_type: 'user', destination_property: 'name' },
      { column_name: 'Email', destination_type: 'user', destination_property: 'email' },
      { column_name: 'Active', destination_type: 'user', destination_property: 'is_active' },
      { column_name: 'Groups', destination_type: 'user', destination_property: 'groups' },
      { column_name: 'Roles', destination_type: 'user', destination_property: 'roles' },
      { column_name: 'Role Permissions', destination_type: 'role', destination_property: 'permissions' },
      { column_name: 'Space', destination_type: 'resource', destination_property: 'name' },
      { column_name: 'Direct', destination_type: 'user', destination_property: 'permissions' },
      { column_name: 'Direct Types', destination_type: 'permission', destination_property: 'permission_type' },
      { column_name: 'Clearance', destination_type: 'user', custom_property: { name: 'clearance', type: 'NUMBER' } },
      { column_name: 'Note', destination_type: 'user', custom_property: { name: 'note', type: 'STRING' } },
    ],
  };
  // A BOM, CRLF line ends, a quoted field holding the delimiter, and one holding a line break.
  const csv = [
    '\uFEFFUser Id,Name,Email,Active,Groups,Roles,Role Permissions,Space,Direct,Direct Types,Clearance,Note',
    'u1,"Bob, Jr.",bob@example.com,yes,admins;devs,editor,read;write,,view,DataRead;MetadataRead,3,"line one, with a comma\r\nline two"',
    'u1,,,,ops,viewer,read,Finance,,,,',
    'u2,Jane,jane@example.com,no,,viewer,read,,,,1,',
  ].join('\r\n');
  // What the CSV means, written by hand as the JSON a connector would push.
  const json = {
    applications: [
      {
        name: 'Wiki',
        application_type: 'wiki',
        okta_app_id: '0oa1wiki',
        local_users: [
          {
            id: 'u1', name: 'Bob, Jr.', email: 'bob@example.com', is_active: true, identities: ['bob@example.com'], groups: ['admins', 'devs', 'ops'],
            custom_properties: { clearance: 3, note: 'line one, with a comma\r\nline two' },
          },
          { id: 'u2', name: 'Jane', email: 'jane@example.com', is_active: false, identities: ['jane@example.com'], custom_properties: { clearance: 1 } },
        ],
        local_groups: [{ name: 'admins' }, { name: 'devs' }, { name: 'ops' }],
        local_roles: [{ name: 'editor', permissions: ['read', 'write'] }, { name: 'viewer', permissions: ['read'] }],
        resources: [{ name: 'Finance', resource_type: 'space' }],
      },
    ],
    permissions: [
      { name: 'read', permission_type: ['Uncategorized'] },
      { name: 'write', permission_type: ['Uncategorized'] },
      { name: 'view', permission_type: ['DataRead', 'MetadataRead'] },
    ],
    identity_to_permissions: [
      {
        identity: 'u1', identity_type: 'local_user',
        role_assignments: [
          { application: 'Wiki', role: 'editor', apply_to_application: true },
          { application: 'Wiki', role: 'viewer', apply_to_application: false, resources: ['Finance'] },
        ],
        application_permissions: [{ application: 'Wiki', permission: 'view', apply_to_application: true }],
      },
      { identity: 'u2', identity_type: 'local_user', role_assignments: [{ application: 'Wiki', role: 'viewer', apply_to_application: true }] },
    ],
    custom_property_definition: { applications: [{ application_type: 'wiki', local_user_properties: { clearance: 'NUMBER', note: 'STRING' } }] },
  };

  it('gives the effective permissions and graph of the equivalent JSON push', async () => {
    const target = await csvTarget(t, 'application', mapping);
    const res = await pushCsv(t, target.url, csv);
    expect(res.statusCode).toBe(200);
    const reference = await pushTarget(t, 'application');
    const jsonRes = await push(t, reference.url, json);
    expect(jsonRes.statusCode).toBe(200);
    expect(res.json<{ warnings: Array<{ code: string }> }>().warnings.map((w) => w.code)).toEqual(jsonRes.json<{ warnings: Array<{ code: string }> }>().warnings.map((w) => w.code));

    const fromCsv = sorted(triples(await allEffective(t, target.provider.id, target.dataSource.id)));
    expect(fromCsv).toEqual(sorted(triples(await allEffective(t, reference.provider.id, reference.dataSource.id))));
    expect(fromCsv).toEqual([
      ['u1', 'Finance', ['read']],
      ['u1', 'Wiki', ['read', 'view', 'write']],
      ['u2', 'Wiki', ['read']],
    ]);
    expect(await graphOf(t, target.dataSource.id)).toEqual(await graphOf(t, reference.dataSource.id));
  });

  it('stores it as a push: recorded, the data source SUCCESS, the provider declaring its types', async () => {
    const { provider, dataSource, url } = await csvTarget(t, 'application', mapping);
    expect((await pushCsv(t, url, csv, { compression_type: 'GZIP', priority_push: true })).statusCode).toBe(200);
    const [record] = await historyOf(provider.id, dataSource.id);
    expect(record).toMatchObject({ outcome: 'SUCCESS', counts: expect.objectContaining({ local_users: 2, local_groups: 3, local_roles: 2, resources: 1 }) });
    expect(await expectValue<DataSource>(await t.call({ url: dataSourceUrl(provider.id, dataSource.id) }))).toMatchObject({ status: 'SUCCESS' });
    expect(await expectValue<Provider>(await t.call({ url: providerUrl(provider.id) }))).toMatchObject({ application_types: ['wiki'], resource_types: ['space'] });
  });

  it('names the application and its type after the push\'s name and type when it sends them', async () => {
    const { provider, dataSource, url } = await csvTarget(t, 'application', mapping);
    expect((await pushCsv(t, url, csv, { name: 'Wiki EU', type: 'wiki_eu' })).statusCode).toBe(200);
    const rows = await allEffective(t, provider.id, dataSource.id, '&target=Wiki+EU');
    expect(rows.map((r) => r.target.node_type)).toEqual(['OAA.wiki_eu.Application', 'OAA.wiki_eu.Application']);
  });
});

describe(':push_csv, identity provider template', () => {
  const mapping: CsvMappingConfiguration = {
    template_type: 'identity_provider',
    idp: { idp_type: 'ldap', domain: 'example.com' },
    advanced: { list_delimiter: '|' },
    column_mappings: [
      { column_name: 'login', destination_type: 'user', destination_property: 'identity' },
      { column_name: 'display', destination_type: 'user', destination_property: 'name' },
      { column_name: 'mail', destination_type: 'user', destination_property: 'email' },
      { column_name: 'active', destination_type: 'user', destination_property: 'is_active' },
      { column_name: 'teams', destination_type: 'user', destination_property: 'groups' },
      { column_name: 'group', destination_type: 'group', destination_property: 'identity' },
      { column_name: 'security', destination_type: 'group', destination_property: 'is_security_group' },
      { column_name: 'region', destination_type: 'group', custom_property: { name: 'region', type: 'STRING' } },
    ],
  };
  const csv = 'login,display,mail,active,teams,group,security,region\nbob,Bob B,bob@example.com,enabled,eng|ops,admins,y,EU\nbob,,,,,staff,n,\njane,Jane,jane@example.com,disabled,ops,,,\n';
  const json = {
    name: 'Directory',
    idp_type: 'ldap',
    domains: [{ name: 'example.com' }],
    users: [
      { identity: 'bob', name: 'Bob B', email: 'bob@example.com', is_active: true, groups: [{ identity: 'eng' }, { identity: 'ops' }, { identity: 'admins' }, { identity: 'staff' }] },
      { identity: 'jane', name: 'Jane', email: 'jane@example.com', is_active: false, groups: [{ identity: 'ops' }] },
    ],
    groups: [{ name: 'eng' }, { name: 'ops' }, { name: 'admins', is_security_group: true, custom_properties: { region: 'EU' } }, { name: 'staff', is_security_group: false }],
    custom_property_definition: { domain_properties: {}, user_properties: {}, group_properties: { region: 'STRING' }, app_properties: {}, app_assignment_properties: {} },
  };

  it('gives the graph of the equivalent JSON push', async () => {
    const target = await csvTarget(t, 'identity_provider', mapping, 'Directory');
    const res = await pushCsv(t, target.url, csv);
    expect(res.statusCode).toBe(200);
    const reference = await pushTarget(t, 'identity_provider');
    expect((await push(t, reference.url, json)).statusCode).toBe(200);
    const graph = await graphOf(t, target.dataSource.id);
    expect(graph).toEqual(await graphOf(t, reference.dataSource.id));
    expect(graph.map((n) => (n as { key: string }).key)).toEqual(['example.com', 'admins', 'eng', 'ops', 'staff', 'bob', 'jane']);
    expect((await historyOf(target.provider.id, target.dataSource.id))[0]).toMatchObject({ outcome: 'SUCCESS', counts: expect.objectContaining({ domains: 1, users: 2, groups: 4 }) });
    expect(await expectValue<Provider>(await t.call({ url: providerUrl(target.provider.id) }))).toMatchObject({ idp_types: ['ldap'] });
  });
});

describe(':push_csv, HRIS template', () => {
  const mapping: CsvMappingConfiguration = {
    template_type: 'hris',
    hris: { hris_name: 'Workday', hris_type: 'workday', hris_url: 'https://hr.example.com', hris_provisioning_source: true },
    column_mappings: [
      { column_name: 'Employee ID', destination_type: 'employee', destination_property: 'id' },
      { column_name: 'Number', destination_type: 'employee', destination_property: 'employee_number' },
      { column_name: 'First', destination_type: 'employee', destination_property: 'first_name' },
      { column_name: 'Last', destination_type: 'employee', destination_property: 'last_name' },
      { column_name: 'Email', destination_type: 'employee', destination_property: 'email' },
      { column_name: 'Status', destination_type: 'employee', destination_property: 'employment_status' },
      { column_name: 'Active', destination_type: 'employee', destination_property: 'is_active' },
      { column_name: 'Start', destination_type: 'employee', destination_property: 'start_date' },
      { column_name: 'Manager', destination_type: 'employee', destination_property: 'managers' },
      { column_name: 'Department', destination_type: 'employee', destination_property: 'department' },
      { column_name: 'Level', destination_type: 'employee', custom_property: { name: 'job_level', type: 'STRING' } },
    ],
  };
  const csv = [
    'Employee ID,Number,First,Last,Email,Status,Active,Start,Manager,Department,Level',
    'e1,E001,Ada,Lovelace,ada@example.com,ACTIVE,true,2020-01-06,,eng,L5',
    'e2,E002,,Turing,alan@example.com,ACTIVE,1,2021-03-01 08:00,e1,eng,L4',
  ].join('\n');
  const json = {
    name: 'Workday',
    hris_type: 'workday',
    system: { id: 'Workday', name: 'Workday', url: 'https://hr.example.com' },
    employees: [
      {
        id: 'e1', employee_number: 'E001', first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', employment_status: 'ACTIVE',
        is_active: true, start_date: '2020-01-06T00:00:00Z', department: { id: 'eng' }, custom_properties: { job_level: 'L5' },
      },
      {
        id: 'e2', employee_number: 'E002', last_name: 'Turing', email: 'alan@example.com', employment_status: 'ACTIVE',
        is_active: true, start_date: '2021-03-01T08:00:00Z', department: { id: 'eng' }, managers: [{ id: 'e1' }], custom_properties: { job_level: 'L4' },
      },
    ],
    groups: [{ id: 'eng', name: 'eng', group_type: 'DEPARTMENT' }],
    custom_property_definition: { system_properties: {}, employee_properties: { job_level: 'STRING' }, group_properties: {} },
  };

  it('gives the graph and warnings of the equivalent JSON push', async () => {
    const target = await csvTarget(t, 'hris', mapping);
    const res = await pushCsv(t, target.url, csv);
    expect(res.statusCode).toBe(200);
    const reference = await pushTarget(t, 'hris');
    const jsonRes = await push(t, reference.url, json);
    expect(jsonRes.statusCode).toBe(200);
    const warnings = res.json<{ warnings: Array<{ code: string; message: string }> }>().warnings;
    expect(warnings.map((w) => w.code)).toEqual(jsonRes.json<{ warnings: Array<{ code: string }> }>().warnings.map((w) => w.code));
    // Warnings about a part of the payload say which row it came from, after Veza's wording.
    expect(warnings.find((w) => w.code === 'missing_field')).toEqual({
      path: 'employees[1].first_name',
      code: 'missing_field',
      message: 'employee "e2" has no first_name, which the HRIS template lists as required (CSV row 2)',
    });
    const graph = await graphOf(t, target.dataSource.id);
    expect(graph).toEqual(await graphOf(t, reference.dataSource.id));
    expect(graph.map((n) => (n as { type: string }).type)).toEqual(['hris_employee', 'hris_employee', 'hris_group', 'hris_system']);
    expect(await expectValue<Provider>(await t.call({ url: providerUrl(target.provider.id) }))).toMatchObject({ hris_types: ['workday'] });
  });
});
