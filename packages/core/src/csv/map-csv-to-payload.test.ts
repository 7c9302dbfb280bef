import { describe, expect, it } from 'vitest';
import type { CsvMappingConfiguration, CustomTemplate } from '@accessgraph/contract';
import { mapCsvToPayload, type CsvMapped, type CsvToPayloadInput } from './map-csv-to-payload.js';

type Column = NonNullable<CsvMappingConfiguration['column_mappings']>[number];
const col = (column_name: string, destination_type: string, destination_property: string, extra: Partial<Column> = {}): Column => ({
  column_name,
  destination_type,
  destination_property,
  ...extra,
});

function run(template: CustomTemplate, mapping: CsvMappingConfiguration, csv: string, extra: Partial<CsvToPayloadInput> = {}): CsvMapped {
  return mapCsvToPayload({ template, mapping, csvData: Buffer.from(csv, 'utf8').toString('base64'), compressionType: undefined, providerName: 'Provider', ...extra });
}

function payloadOf(template: CustomTemplate, mapping: CsvMappingConfiguration, csv: string, extra: Partial<CsvToPayloadInput> = {}): Record<string, unknown> {
  const result = run(template, mapping, csv, extra);
  if (!result.ok) throw new Error(`expected the CSV to map: ${JSON.stringify(result.issues)}`);
  return result.payload;
}

function issuesOf(template: CustomTemplate, mapping: CsvMappingConfiguration, csv: string): { stage: string; issues: Array<{ path: string; code: string; message: string }> } {
  const result = run(template, mapping, csv);
  if (result.ok) throw new Error(`expected the CSV to be refused, got ${JSON.stringify(result.payload)}`);
  return { stage: result.stage, issues: result.issues };
}

const APP_MAPPING: CsvMappingConfiguration = {
  template_type: 'application',
  application: { application_name: 'Wiki', application_type: 'wiki', okta_app_id: '0oa1abc', identity: ['email'] },
  advanced: { list_delimiter: ';' },
  column_mappings: [
    col('User Id', 'user', 'unique_id'),
    col('Name', 'user', 'name'),
    col('Email', 'user', 'email'),
    col('Active', 'user', 'is_active'),
    col('Last Login', 'user', 'last_login_at'),
    col('Groups', 'user', 'groups'),
    col('Role', 'role', 'name'),
    col('Role Permissions', 'role', 'permissions'),
    { column_name: 'Department', destination_type: 'user', custom_property: { name: 'department', type: 'STRING' } },
  ],
};

describe('mapCsvToPayload: application', () => {
  const csv = [
    'User Id,Name,Email,Active,Last Login,Groups,Role,Role Permissions,Department',
    'u1,Bob,bob@example.com,yes,2024-05-01 09:30,admins;devs,editor,read;write,R&D',
    'u1,Ignored,other@example.com,no,,ops,viewer,read,Sales',
    'u2,Jane,jane@example.com,false,,,viewer,read,',
  ].join('\r\n');

  it('makes one application with the settings, users from the first row, lists added from every row', () => {
    const payload = payloadOf('application', APP_MAPPING, csv) as { applications: Array<Record<string, unknown>> };
    const app = payload.applications[0]!;
    expect(app).toMatchObject({ name: 'Wiki', application_type: 'wiki', okta_app_id: '0oa1abc' });
    expect(app.local_users).toEqual([
      {
        id: 'u1', name: 'Bob', email: 'bob@example.com', is_active: true, last_login_at: '2024-05-01T09:30:00Z',
        custom_properties: { department: 'R&D' }, identities: ['bob@example.com', 'other@example.com'], groups: ['admins', 'devs', 'ops'],
      },
      { id: 'u2', name: 'Jane', email: 'jane@example.com', is_active: false, identities: ['jane@example.com'] },
    ]);
    expect(app.local_groups).toEqual([{ name: 'admins' }, { name: 'devs' }, { name: 'ops' }]);
    expect(app.local_roles).toEqual([{ name: 'editor', permissions: ['read', 'write'] }, { name: 'viewer', permissions: ['read'] }]);
  });

  it('defines every permission a role names, and binds each user to its roles on the application', () => {
    const payload = payloadOf('application', APP_MAPPING, csv);
    expect(payload.permissions).toEqual([
      { name: 'read', permission_type: ['Uncategorized'] },
      { name: 'write', permission_type: ['Uncategorized'] },
    ]);
    expect(payload.identity_to_permissions).toEqual([
      {
        identity: 'u1', identity_type: 'local_user',
        role_assignments: [
          { application: 'Wiki', role: 'editor', apply_to_application: true },
          { application: 'Wiki', role: 'viewer', apply_to_application: true },
        ],
      },
      { identity: 'u2', identity_type: 'local_user', role_assignments: [{ application: 'Wiki', role: 'viewer', apply_to_application: true }] },
    ]);
    expect(payload.custom_property_definition).toEqual({ applications: [{ application_type: 'wiki', local_user_properties: { department: 'STRING' } }] });
  });

  it('takes the name and type of the push over the configured ones', () => {
    const payload = payloadOf('application', APP_MAPPING, csv, { overrides: { name: 'Wiki EU', type: 'wiki_eu' } }) as { applications: Array<Record<string, unknown>> };
    expect(payload.applications[0]).toMatchObject({ name: 'Wiki EU', application_type: 'wiki_eu' });
  });

  it('applies a row\'s roles and permissions to its resources, of the configured resource_type', () => {
    const mapping: CsvMappingConfiguration = {
      application: { application_name: 'Drive', resource_type: 'folder' },
      column_mappings: [
        col('user', 'local_user', 'name'),
        col('roles', 'local_user', 'roles'),
        col('permission', 'permission', 'name'),
        col('types', 'permission', 'permission_type'),
        col('folder', 'resource', 'name'),
        { column_name: 'private', destination_type: 'resource', custom_property: { name: 'private', type: 'BOOLEAN' } },
      ],
    };
    const payload = payloadOf('application', mapping, 'user,roles,permission,types,folder,private\nbob,owner,view,"dataread,MetadataRead",Finance,yes\nbob,owner,,,,\n') as { applications: unknown[]; [field: string]: unknown };
    expect(payload.applications[0]).toMatchObject({
      name: 'Drive',
      application_type: 'Drive',
      resources: [{ name: 'Finance', resource_type: 'folder', custom_properties: { private: true } }],
    });
    expect(payload.permissions).toEqual([{ name: 'view', permission_type: ['DataRead', 'MetadataRead'] }]);
    expect(payload.identity_to_permissions).toEqual([
      {
        identity: 'bob', identity_type: 'local_user',
        role_assignments: [{ application: 'Drive', role: 'owner', apply_to_application: true, resources: ['Finance'] }],
        application_permissions: [{ application: 'Drive', permission: 'view', resources: ['Finance'] }],
      },
    ]);
    expect(payload.custom_property_definition).toEqual({ applications: [{ application_type: 'Drive', resources: [{ resource_type: 'folder', properties: { private: 'BOOLEAN' } }] }] });
  });

  it('reads several groups from one cell of a group key column with as_list, matching ids to names item by item', () => {
    const mapping: CsvMappingConfiguration = {
      column_mappings: [
        col('user', 'user', 'name'),
        col('group ids', 'group', 'id', { as_list: true }),
        col('group names', 'group', 'name', { as_list: true }),
      ],
    };
    const payload = payloadOf('application', mapping, 'user,group ids,group names\nbob,"g1,g2","One,Two"\n') as { applications: unknown[]; [field: string]: unknown };
    expect(payload.applications[0]).toMatchObject({
      application_type: 'Provider',
      local_groups: [{ id: 'g1', name: 'One' }, { id: 'g2', name: 'Two' }],
      local_users: [{ name: 'bob', groups: ['g1', 'g2'] }],
    });
    expect(issuesOf('application', mapping, 'user,group ids,group names\nbob,"g1,g2",One\n').issues).toEqual([
      { path: 'row 1, column "group names"', code: 'list_length', message: expect.stringContaining('has 1 local_group names but column "group ids" has 2 ids') },
    ]);
  });

  it('lets group, role and permission columns without a key column describe what the user\'s lists name', () => {
    const mapping: CsvMappingConfiguration = {
      column_mappings: [
        col('user', 'user', 'name'),
        col('groups', 'user', 'groups'),
        col('group source', 'group', 'identities'),
        col('roles', 'user', 'roles'),
        { column_name: 'tier', destination_type: 'role', custom_property: { name: 'tier' } },
        col('permissions', 'user', 'permissions'),
        col('types', 'permission', 'permission_type'),
      ],
    };
    const payload = payloadOf('application', mapping, 'user,groups,group source,roles,tier,permissions,types\nbob,eng,Engineering,admin,gold,view,\njane,eng,,admin,silver,view,DataRead\n') as { applications: Array<Record<string, unknown>>; permissions: unknown };
    expect(payload.applications[0]).toMatchObject({
      local_groups: [{ name: 'eng', identities: ['Engineering'] }],
      local_roles: [{ name: 'admin', custom_properties: { tier: 'gold' } }],
    });
    // The first row that gives a permission's types sets them, though another row named it first.
    expect(payload.permissions).toEqual([{ name: 'view', permission_type: ['DataRead'] }]);
  });

  it('notes where each part of the payload came from', () => {
    const result = run('application', APP_MAPPING, csv);
    if (!result.ok) throw new Error('expected the CSV to map');
    expect(result.sources.locate('applications[0].local_users[1].email')).toEqual({ row: 3, column: 'Email' });
    expect(result.sources.locate('applications[0].local_users[0].groups[2]')).toEqual({ row: 2, column: 'Groups' });
    expect(result.sources.locate('applications[0].local_users[0].custom_properties.department')).toEqual({ row: 1, column: 'Department' });
    expect(result.sources.locate('identity_to_permissions[0].role_assignments[1].role')).toEqual({ row: 2, column: 'Role' });
    expect(result.sources.locate('permissions[1].permission_type[0]')).toEqual({ row: 1, column: 'Role Permissions' });
    expect(result.sources.locate('applications[0].name')).toBeUndefined();
  });

  it('records no sources when told not to, and maps the same payload', () => {
    const untracked = run('application', APP_MAPPING, csv, { trackSources: false });
    if (!untracked.ok) throw new Error('expected the CSV to map');
    expect(untracked.sources.locate('applications[0].local_users[1].email')).toBeUndefined();
    expect(untracked.payload).toEqual(payloadOf('application', APP_MAPPING, csv));
  });
});

describe('mapCsvToPayload: CSV errors name the row and column', () => {
  it('a required column missing from the header', () => {
    expect(issuesOf('application', APP_MAPPING, 'Name,Email\nBob,bob@example.com\n')).toEqual({
      stage: 'data',
      issues: [{ path: 'column "User Id"', code: 'missing_column', message: expect.stringContaining('local_user.id and which is required') }],
    });
  });

  it('a column mapped with is_required missing from the header; other mapped columns may be absent', () => {
    const mapping: CsvMappingConfiguration = { column_mappings: [col('user', 'user', 'name'), col('mail', 'user', 'email', { is_required: true }), col('title', 'user', 'user_type')] };
    expect(issuesOf('application', mapping, 'user\nbob\n').issues.map((i) => i.path)).toEqual(['column "mail"']);
    expect(run('application', mapping, 'user,MAIL\nbob,bob@example.com\n')).toMatchObject({ ok: true });
  });

  it('every bad value, not only the first', () => {
    const csv = 'User Id,Name,Email,Active,Last Login,Groups,Role,Role Permissions,Department\n,Bob,,maybe,2024-02-30,,,,\nu2,Jane,,yes,noon,,,,\n';
    expect(issuesOf('application', APP_MAPPING, csv)).toEqual({
      stage: 'data',
      issues: [
        { path: 'row 1, column "User Id"', code: 'required', message: 'is empty, but local_user.id is required on every row' },
        { path: 'row 1, column "Active"', code: 'invalid_value', message: expect.stringContaining('"maybe" is not a boolean') },
        { path: 'row 1, column "Last Login"', code: 'invalid_value', message: expect.stringContaining('"2024-02-30" is not a timestamp') },
        { path: 'row 2, column "Last Login"', code: 'invalid_value', message: expect.stringContaining('"noon" is not a timestamp') },
      ],
    });
  });

  it('a custom NUMBER that is not a number', () => {
    const mapping: CsvMappingConfiguration = { column_mappings: [col('user', 'user', 'name'), { column_name: 'level', destination_type: 'user', custom_property: { name: 'level', type: 'number' } }] };
    expect(issuesOf('application', mapping, 'user,level\nbob,3\njane,high\n').issues).toEqual([
      { path: 'row 2, column "level"', code: 'invalid_value', message: '"high" is not a number' },
    ]);
  });

  it('a file whose rows are all empty', () => {
    expect(issuesOf('application', APP_MAPPING, 'User Id,Name,Email,Active,Last Login,Groups,Role,Role Permissions,Department\n,,,,,,,,\n').issues).toEqual([
      { path: 'csv_data', code: 'no_rows', message: expect.any(String) },
    ]);
  });
});

describe('mapCsvToPayload: a mapping that cannot work is a configuration problem', () => {
  const csv = 'user\nbob\n';
  it.each<[string, CsvMappingConfiguration, string, string]>([
    ['an unknown destination_type', { column_mappings: [col('user', 'user', 'name'), col('x', 'account', 'name')] }, 'csv_mapping_configuration.column_mappings[1].destination_type', 'unknown_destination'],
    ['an unknown property', { column_mappings: [col('user', 'user', 'name'), col('x', 'user', 'shoe_size')] }, 'csv_mapping_configuration.column_mappings[1].destination_property', 'unknown_property'],
    ['as_list on a one-value property', { column_mappings: [col('user', 'user', 'name'), col('x', 'user', 'email', { as_list: true })] }, 'csv_mapping_configuration.column_mappings[1].as_list', 'not_a_list'],
    ['a numeric custom property type', { column_mappings: [col('user', 'user', 'name'), { column_name: 'x', destination_type: 'user', custom_property: { name: 'x', type: 3 } }] }, 'csv_mapping_configuration.column_mappings[1].custom_property.type', 'unknown_type'],
    ['a destination filled twice', { column_mappings: [col('user', 'user', 'name'), col('x', 'user', 'email'), col('y', 'users', 'EMAIL')] }, 'csv_mapping_configuration.column_mappings[2]', 'duplicate_destination'],
    ['no column for the user key', { column_mappings: [col('user', 'user', 'email')] }, 'csv_mapping_configuration.column_mappings', 'missing_key'],
    ['another template_type', { template_type: 'hris', column_mappings: [col('user', 'user', 'name')] }, 'csv_mapping_configuration.template_type', 'template_mismatch'],
    ['resources without a resource_type', { column_mappings: [col('user', 'user', 'name'), col('x', 'resource', 'name')] }, 'csv_mapping_configuration.application.resource_type', 'required'],
    ['an identity setting that is not a user property', { application: { identity: ['shoe'] }, column_mappings: [col('user', 'user', 'name')] }, 'csv_mapping_configuration.application.identity[0]', 'unknown_property'],
  ])('%s', (_, mapping, path, code) => {
    expect(issuesOf('application', mapping, csv)).toEqual({ stage: 'configuration', issues: [{ path, code, message: expect.any(String) }] });
  });

  it('an identity provider mapping without idp_type and domain', () => {
    const issues = issuesOf('identity_provider', { column_mappings: [col('user', 'user', 'name')] }, csv);
    expect(issues.stage).toBe('configuration');
    expect(issues.issues.map((i) => i.path)).toEqual(['csv_mapping_configuration.idp.idp_type', 'csv_mapping_configuration.idp.domain']);
  });
});

describe('mapCsvToPayload: identity provider', () => {
  const mapping: CsvMappingConfiguration = {
    template_type: 'identity_provider',
    idp: { idp_type: 'ldap', domain: 'example.com' },
    advanced: { list_delimiter: '|' },
    column_mappings: [
      col('login', 'idp_user', 'id'),
      col('display', 'idp_user', 'name'),
      col('mail', 'idp_user', 'email'),
      col('guest', 'idp_user', 'is_guest'),
      col('teams', 'idp_user', 'groups'),
      col('group', 'idp_group', 'identity'),
      col('security', 'idp_group', 'is_security_group'),
      { column_name: 'region', destination_type: 'group', custom_property: { name: 'region' } },
    ],
  };

  it('makes users and groups of one domain, memberships from list and group columns', () => {
    const csv = 'login,display,mail,guest,teams,group,security,region\nbob,Bob B,bob@example.com,n,eng|ops,admins,yes,EU\nbob,,,,,staff,no,\njane,Jane,jane@example.com,y,ops,,,\n';
    expect(payloadOf('identity_provider', mapping, csv)).toEqual({
      name: 'Provider',
      idp_type: 'ldap',
      domains: [{ name: 'example.com' }],
      users: [
        { identity: 'bob', name: 'Bob B', email: 'bob@example.com', is_guest: false, groups: [{ identity: 'eng' }, { identity: 'ops' }, { identity: 'admins' }, { identity: 'staff' }] },
        { identity: 'jane', name: 'Jane', email: 'jane@example.com', is_guest: true, groups: [{ identity: 'ops' }] },
      ],
      groups: [{ name: 'eng' }, { name: 'ops' }, { name: 'admins', is_security_group: true, custom_properties: { region: 'EU' } }, { name: 'staff', is_security_group: false }],
      custom_property_definition: { domain_properties: {}, user_properties: {}, group_properties: { region: 'STRING' }, app_properties: {}, app_assignment_properties: {} },
    });
  });
});

describe('mapCsvToPayload: HRIS', () => {
  const mapping: CsvMappingConfiguration = {
    template_type: 'HRIS',
    hris: { hris_name: 'Workday', hris_type: 'workday', hris_url: 'https://hr.example.com' },
    column_mappings: [
      col('Employee ID', 'employee', 'id'),
      col('Number', 'employee', 'employee_number'),
      col('First', 'employee', 'first_name'),
      col('Last', 'employee', 'last_name'),
      col('Email', 'employee', 'email'),
      col('Status', 'employee', 'employment_status'),
      col('Active', 'employee', 'is_active'),
      col('Start', 'employee', 'start_date'),
      col('Manager', 'employee', 'managers'),
      col('Department', 'employee', 'department'),
      col('Team', 'hris_group', 'id'),
      { column_name: 'Level', destination_type: 'employee', custom_property: { name: 'job_level', type: 'STRING' } },
    ],
  };

  it('makes the system, employees with their managers, and the groups their cells name', () => {
    const csv = [
      'Employee ID,Number,First,Last,Email,Status,Active,Start,Manager,Department,Team,Level',
      'e1,E001,Ada,Lovelace,ada@example.com,ACTIVE,true,2020-01-06,,eng,platform,L5',
      'e2,E002,Alan,Turing,alan@example.com,ACTIVE,1,2021-03-01,e1,eng,,L4',
    ].join('\n');
    expect(payloadOf('hris', mapping, csv)).toEqual({
      name: 'Workday',
      hris_type: 'workday',
      system: { id: 'Workday', name: 'Workday', url: 'https://hr.example.com' },
      employees: [
        {
          id: 'e1', employee_number: 'E001', first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com',
          employment_status: 'ACTIVE', is_active: true, start_date: '2020-01-06T00:00:00Z',
          custom_properties: { job_level: 'L5' }, department: { id: 'eng' }, groups: [{ id: 'platform' }],
        },
        {
          id: 'e2', employee_number: 'E002', first_name: 'Alan', last_name: 'Turing', email: 'alan@example.com',
          employment_status: 'ACTIVE', is_active: true, start_date: '2021-03-01T00:00:00Z',
          custom_properties: { job_level: 'L4' }, department: { id: 'eng' }, managers: [{ id: 'e1' }],
        },
      ],
      groups: [{ id: 'eng', name: 'eng', group_type: 'DEPARTMENT' }, { id: 'platform', name: 'platform' }],
      custom_property_definition: { system_properties: {}, employee_properties: { job_level: 'STRING' }, group_properties: {} },
    });
  });

  it('keys employees by employee_number when no id column is mapped', () => {
    const payload = payloadOf('hris', { column_mappings: [col('Number', 'employee', 'employee_number'), col('Email', 'employee', 'email')] }, 'Number,Email\nE1,a@example.com\n');
    expect(payload.employees).toEqual([{ employee_number: 'E1', email: 'a@example.com' }]);
    expect(payload).toMatchObject({ name: 'Provider', system: { id: 'Provider', name: 'Provider' } });
  });
});
