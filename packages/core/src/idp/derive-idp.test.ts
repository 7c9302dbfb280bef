import { describe, expect, it } from 'vitest';
import type { DerivedGraph } from '../graph/derived-graph.js';
import { tableRows } from '../graph/graph-tables.js';
import { checkTemplate } from '../test-support/template-check.js';
import { validIdpPayload } from './test-support/idp-payloads.js';

/** The identity provider graph of the test payload, worked out by hand from its description. */

function derive(): DerivedGraph {
  return checkTemplate('identity_provider', validIdpPayload()).graph();
}

const ROLE1 = 'ext:awsiamrole:arn:aws:iam::1:role/role1';
const ROLE2 = 'ext:awsiamrole:arn:aws:iam::1:role/role2';

function edgesByKey(graph: DerivedGraph): string[] {
  return tableRows(graph.edges).map((e) => `${e.kind} ${graph.nodes[e.from]!.key} -> ${graph.nodes[e.to]!.key}`).sort();
}

describe('identity provider graph', () => {
  it('has the domain, apps, groups, users and one external node per entity of another system', () => {
    const graph = derive();
    expect(graph.nodes.map((n) => [n.kind, n.key, n.nodeType]).sort()).toEqual(
      [
        ['idp_domain', 'domain:corp.example', 'OAA.corp_ldap.IDPDomain'],
        ['idp_app', 'app:app1', 'OAA.corp_ldap.IDPApp'],
        ['idp_app', 'app:app2', 'OAA.corp_ldap.IDPApp'],
        ['idp_group', 'group:staff', 'OAA.corp_ldap.IDPGroup'],
        ['idp_group', 'group:admins', 'OAA.corp_ldap.IDPGroup'],
        ['idp_group', 'group:ops', 'OAA.corp_ldap.IDPGroup'],
        ['idp_user', 'user:u1', 'OAA.corp_ldap.IDPUser'],
        ['idp_user', 'user:u2', 'OAA.corp_ldap.IDPUser'],
        ['idp_user', 'user:cy', 'OAA.corp_ldap.IDPUser'],
        // role1 is named by ann, ops and app1: one node.
        ['external', ROLE1, 'AwsIamRole'],
        ['external', ROLE2, 'AwsIamRole'],
        ['external', 'ext:s3bucket:arn:aws:s3:::reports', 'S3Bucket'],
        ['external', 'ext:s3bucket:arn:aws:s3:::logs', 'S3Bucket'],
      ].sort(),
    );
  });

  it('has memberships (both reference forms), the manager, assumed roles (both forms), owned entities and app assignments', () => {
    const graph = derive();
    const contained = ['app:app1', 'app:app2', 'group:admins', 'group:ops', 'group:staff', 'user:cy', 'user:u1', 'user:u2'];
    expect(edgesByKey(graph)).toEqual(
      [
        ...contained.map((key) => `contains domain:corp.example -> ${key}`),
        'member_of user:u1 -> group:staff',
        'member_of user:u2 -> group:admins',
        'member_of group:admins -> group:staff',
        'member_of group:ops -> group:admins',
        'manages user:u2 -> user:u1',
        `can_assume user:u1 -> ${ROLE1}`,
        `can_assume group:ops -> ${ROLE1}`,
        `can_assume group:ops -> ${ROLE2}`,
        `can_assume app:app1 -> ${ROLE1}`,
        'owns user:u1 -> ext:s3bucket:arn:aws:s3:::reports',
        'owns user:cy -> ext:s3bucket:arn:aws:s3:::logs',
        'assigned_app user:u1 -> app:app1',
      ].sort(),
    );
    const assignment = tableRows(graph.edges).find((e) => e.kind === 'assigned_app')!;
    expect(assignment.properties).toEqual({ assignment_id: 'as1', name: 'App One access', customprop_approved: true });
  });

  it('has no reach rows: its groups hold no grant in it, and memberships are the member_of edges', () => {
    expect(derive().reach.length).toBe(0);
  });

  it('keeps built-in and custom properties and tags, grants nothing, and counts the entities', () => {
    const graph = derive();
    const ann = graph.nodes.find((n) => n.key === 'user:u1')!;
    expect(ann.name).toBe('ann');
    expect(ann.localKey).toBe('u1');
    expect(ann.properties).toEqual({
      identity: 'u1',
      email: 'ann@corp.example',
      full_name: 'Ann Archer',
      department: 'Sales',
      is_active: true,
      is_guest: false,
      manager_id: 'u2',
      source_identity: { identity: 'ann@okta.example', provider_type: 'okta' },
      customprop_badge: 7,
      customprop_hired_at: '2020-01-02T03:04:05Z',
    });
    expect(ann.tags).toEqual([{ key: 'team', value: 'north' }]);
    expect(graph.nodes.find((n) => n.key === 'domain:corp.example')!.properties).toEqual({
      customprop_region: 'eu',
      identity_mappings: [
        {
          destinationType: 'CUSTOM_APPLICATION',
          destinationAppType: 'shop',
          matchers: [{ source: 'email', sourceName: null, destination: 'email', destinationName: null }],
          requireAll: false,
          transformations: ['IGNORE_DOMAIN'],
        },
      ],
    });
    expect(graph.grants.length).toBe(0);
    expect(graph.ancestry.length).toBe(0);
    expect(graph.types.idp_types).toEqual(['corp_ldap']);
    expect(graph.counts).toEqual({ domains: 1, users: 3, groups: 3, apps: 2, mappings: 1 });
  });
});

describe('identity strings for linking', () => {
  it('offers users by identity, email and name, groups by identity and name; asks for source identities and owned entities', () => {
    const graph = derive();
    const refs = graph.identityRefs.map((r) => `${graph.nodes[r.node]!.key} ${r.source} ${r.identity}`);
    expect(refs.sort()).toEqual(
      [
        'user:u1 idp_user_identity u1',
        'user:u1 idp_user_name ann',
        'user:u1 idp_user_email ann@corp.example',
        'user:u1 user_source_identity/okta ann@okta.example',
        'user:u1 owned/S3Bucket arn:aws:s3:::reports',
        'user:u2 idp_user_identity u2',
        'user:u2 idp_user_name bob',
        'user:u2 idp_user_email bob@corp.example',
        // cy has no identity: its name is its key, offered once.
        'user:cy idp_user_identity cy',
        'user:cy idp_user_email cy@corp.example',
        'user:cy owned/S3Bucket arn:aws:s3:::logs',
        'group:staff idp_group_identity staff',
        'group:admins idp_group_identity admins',
        'group:ops idp_group_identity ops',
      ].sort(),
    );
  });

  it("offers the user properties its mapping rules compare", () => {
    const payload = validIdpPayload();
    payload.identity_mapping_configuration!.mappings![0]!.property_matchers = [
      { source_property: 'CUSTOM_PROPERTY', custom_source_property: 'Badge', destination_property: 'UNIQUE_ID' },
      { source_property: 'property', custom_source_property: 'department', destination_property: 'EMAIL' },
    ];
    const graph = checkTemplate('identity_provider', payload).graph();
    const refs = graph.identityRefs.filter((r) => r.source.startsWith('idp_user_property/')).map((r) => `${graph.nodes[r.node]!.key} ${r.source} ${r.identity}`);
    expect(refs.sort()).toEqual(['user:u1 idp_user_property/customprop_badge 7', 'user:u1 idp_user_property/department Sales']);
  });
});
