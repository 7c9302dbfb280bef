import type { IdpPayload, OaaIdpGroup, OaaIdpUser } from '@accessgraph/contract';

/**
 * A small identity provider payload that breaks no rule, built fresh on every call so a test can
 * break one rule in place. Users: ann (identity u1, in staff, managed by bob, assigned app1),
 * bob (u2, in admins, written in the string form), cy (no identity: keyed by name). Groups:
 * staff, admins (nested in staff), ops (nested in admins, may assume an AWS role in the
 * dictionary form). Apps: app1 (may assume role1), app2.
 */
export function validIdpPayload(): IdpPayload {
  return {
    name: 'Corp IdP',
    idp_type: 'corp_ldap',
    custom_property_definition: {
      domain_properties: { region: 'STRING' },
      user_properties: { badge: 'NUMBER', hired_at: 'TIMESTAMP' },
      group_properties: { cost_center: 'STRING' },
      app_properties: { tier: 'STRING' },
      app_assignment_properties: { approved: 'BOOLEAN' },
    },
    domains: [{ name: 'corp.example', custom_properties: { region: 'eu' }, tags: [{ key: 'env', value: 'prod' }] }],
    users: [
      {
        name: 'ann',
        identity: 'u1',
        email: 'ann@corp.example',
        full_name: 'Ann Archer',
        department: 'Sales',
        is_active: true,
        is_guest: false,
        groups: [{ identity: 'staff' }],
        manager_id: 'u2',
        assumed_role_arns: [{ identity: 'arn:aws:iam::1:role/role1' }],
        source_identity: { identity: 'ann@okta.example', provider_type: 'okta' },
        entities_owned: [{ node_type: 'S3Bucket', id: 'arn:aws:s3:::reports' }],
        app_assignments: [{ id: 'as1', name: 'App One access', app_id: 'app1', custom_properties: { approved: true } }],
        custom_properties: { badge: 7, hired_at: '2020-01-02T03:04:05Z' },
        tags: [{ key: 'team', value: 'north' }],
      },
      { name: 'bob', identity: 'u2', email: 'bob@corp.example', groups: ['admins'], identity_type: 'HUMAN' },
      { name: 'cy', email: 'cy@corp.example', entities_owned: { node_type: 'S3Bucket', id: 'arn:aws:s3:::logs' } },
    ],
    groups: [
      { name: 'staff', identity: 'staff', full_name: 'All staff', custom_properties: { cost_center: 'cc1' } },
      { name: 'admins', identity: 'admins', is_security_group: true, groups: [{ identity: 'staff' }] },
      { name: 'ops', identity: 'ops', groups: ['admins'], assumed_role_arns: { identity: ['arn:aws:iam::1:role/role1', 'arn:aws:iam::1:role/role2'] } },
    ],
    apps: [
      { id: 'app1', name: 'App One', description: '', assumed_role_arns: [{ identity: 'arn:aws:iam::1:role/role1' }], custom_properties: { tier: 'gold' } },
      { id: 'app2', name: 'App Two' },
    ],
    identity_mapping_configuration: {
      mappings: [
        {
          destination_datasource_type: 'CUSTOM_APPLICATION',
          destination_datasource_oaa_app_type: 'Shop',
          property_matchers: [{ source_property: 'email', destination_property: 'EMAIL' }],
          transformations: ['IGNORE_DOMAIN'],
        },
      ],
    },
  };
}

export function userOf(payload: IdpPayload, index: number): OaaIdpUser {
  return payload.users![index]!;
}

export function groupOf(payload: IdpPayload, index: number): OaaIdpGroup {
  return payload.groups![index]!;
}
