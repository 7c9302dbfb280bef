import { describe, expect, it } from 'vitest';
import { planIdpDelta } from './idp-delta-plan.js';

type Json = Record<string, unknown>;
const change = (body: Json): Json => ({ incremental_change: true, ...body });

describe('planIdpDelta: which identity provider changes are made by difference', () => {
  it('plans users with their operations and what they name: groups, apps, managers, AWS roles and owned entities', () => {
    const plan = planIdpDelta(
      change({
        name: 'Corp',
        domains: [],
        users: [
          {
            operation: 'add',
            identity: 'U3',
            name: 'cy',
            groups: [{ identity: 'Staff' }, 'ops'],
            manager_id: 'U1',
            app_assignments: [{ id: 'as1', name: 'a', app_id: 'App1' }],
            assumed_role_arns: { identity: ['arn:aws:iam::1:role/R1'] },
            entities_owned: { node_type: 'S3Bucket', id: 'Logs' },
          },
          { operation: 'remove_tag', name: 'bob', tags: [{ key: 'a' }] },
          { operation: 'delete', identity: 'u9', name: 'zed' },
        ],
      }),
    );
    expect(plan).toEqual({
      users: [
        { key: 'u3', operation: 'add' },
        { key: 'bob', operation: 'delete_tag' },
        { key: 'u9', operation: 'delete' },
      ],
      namedGroups: [],
      namedApps: [],
      groups: ['staff', 'ops'],
      apps: ['app1'],
      managers: ['u1'],
      externals: ['ext:awsiamrole:arn:aws:iam::1:role/r1', 'ext:s3bucket:logs'],
      repeated: { name: 'Corp' },
    });
  });

  it('takes the AWS roles in the list form and owned entities as a list', () => {
    const plan = planIdpDelta(change({ users: [{ operation: 'modify', identity: 'u1', name: 'ann', assumed_role_arns: [{ identity: 'arn:r' }], entities_owned: [{ node_type: 'T', id: 'x' }] }] }));
    expect(plan?.externals).toEqual(['ext:awsiamrole:arn:r', 'ext:t:x']);
  });

  it('plans groups with what they name; a modify that gives their groups moves them', () => {
    const plan = planIdpDelta(
      change({
        groups: [
          { operation: 'add', identity: 'Ops', name: 'ops', groups: ['Staff'], app_assignments: [{ id: 'as2', name: 'b', app_id: 'App2' }] },
          { operation: 'modify', identity: 'Staff', name: 'staff', groups: [] },
          { operation: 'modify', identity: 'Eng', name: 'eng', is_security_group: true },
          { operation: 'delete', identity: 'Old' },
        ],
      }),
    );
    expect(plan).toEqual({
      users: [],
      namedGroups: [
        { key: 'ops', operation: 'add' },
        { key: 'staff', operation: 'modify', parents: [] },
        { key: 'eng', operation: 'modify' },
        { key: 'old', operation: 'delete' },
      ],
      namedApps: [],
      groups: ['staff'],
      apps: ['app2'],
      managers: [],
      externals: [],
      repeated: {},
    });
    expect(planIdpDelta(change({ groups: [{ operation: 'delete', identity: 'g' }, { operation: 'add_tag', identity: 'G', tags: [] }] }))).toBeUndefined();
  });

  it('plans apps with the AWS roles they may assume, and the domain modified or re-tagged', () => {
    const plan = planIdpDelta(change({ apps: [{ operation: 'add', id: 'A9', name: 'a9', assumed_role_arns: [{ identity: 'arn:R9' }] }, { operation: 'delete', id: 'a1' }], domains: [{ operation: 'remove_tag', name: 'Corp', tags: [] }] }));
    expect(plan).toMatchObject({ users: [], namedGroups: [], namedApps: [{ key: 'a9', operation: 'add' }, { key: 'a1', operation: 'delete' }], externals: ['ext:awsiamrole:arn:r9'], domain: { key: 'corp', operation: 'delete_tag' } });
    expect(planIdpDelta(change({ domains: [{ operation: 'modify', name: 'corp', custom_properties: { region: 'us' } }] }))?.domain).toEqual({ key: 'corp', operation: 'modify' });
  });

  it('leaves to the whole-state way the mapping rules and definitions, a domain added or deleted, and entities it cannot key or whose operation it does not know', () => {
    const user = { operation: 'add', identity: 'u3', name: 'cy' };
    expect(planIdpDelta(change({ users: [user], domains: [{ operation: 'add', name: 'second' }] }))).toBeUndefined();
    expect(planIdpDelta(change({ domains: [{ operation: 'delete', name: 'corp' }] }))).toBeUndefined();
    expect(planIdpDelta(change({ domains: [{ operation: 'add_tag', name: 'a', tags: [] }, { operation: 'add_tag', name: 'b', tags: [] }] }))).toBeUndefined();
    expect(planIdpDelta(change({ apps: [{ operation: 'add', id: 'a1' }, { operation: 'add_tag', id: 'A1', tags: [] }] }))).toBeUndefined();
    expect(planIdpDelta(change({ apps: [{ operation: 'add', name: 'no id' }] }))).toBeUndefined();
    expect(planIdpDelta(change({ users: [user], identity_mapping_configuration: { operation: 'modify', mappings: [] } }))).toBeUndefined();
    expect(planIdpDelta(change({ users: [user], custom_property_definition: {} }))).toBeUndefined();
    expect(planIdpDelta(change({ users: [] }))).toBeUndefined();
    expect(planIdpDelta(change({ users: [user, { ...user }] }))).toBeUndefined();
    expect(planIdpDelta(change({ users: [{ operation: 'rename', identity: 'u3', name: 'cy' }] }))).toBeUndefined();
    expect(planIdpDelta(change({ users: [{ operation: 'add' }] }))).toBeUndefined();
    expect(planIdpDelta(change({ users: [{ ...user, groups: 'staff' }] }))).toBeUndefined();
    expect(planIdpDelta(change({ users: [{ ...user, entities_owned: [{ id: 'x' }] }] }))).toBeUndefined();
    expect(planIdpDelta(change({ users: ['u3'] }))).toBeUndefined();
  });
});
