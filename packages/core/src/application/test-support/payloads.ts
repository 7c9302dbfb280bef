import type { ApplicationPayload, OaaApplication, OaaResource } from '@accessgraph/contract';

/**
 * A small payload that breaks no rule, built fresh on every call so a test can break one rule
 * in place. It deliberately mixes key strategies the spec allows (§5.10, §15.8-9): users and
 * roles keyed by id, groups by name, `shelf` resources with ids and `box` sub-resources without;
 * and it has a `box` under each shelf (the same key under two parents is allowed).
 *
 * Keys: users u1 (ann) and u2 (bob); groups staff and managers (managers is a member of staff);
 * roles r1 (clerk: view) and r2 (boss: edit, includes r1); credential c1 (held by ann);
 * resources s1, s1.box, s2, s2.box; permissions view, edit.
 */
export function validPayload(): ApplicationPayload {
  return {
    custom_property_definition: {
      applications: [
        {
          application_type: 'shop',
          application_properties: { region: 'STRING' },
          local_user_properties: { is_guest: 'BOOLEAN', seats: 'NUMBER', nickname: 'STRING', aliases: 'STRING_LIST', hired_at: 'TIMESTAMP' },
          local_group_properties: { cost_center: 'STRING' },
          local_role_properties: { level: 'NUMBER' },
          role_assignment_properties: { approved: 'BOOLEAN' },
          local_access_creds_properties: { is_oauth: 'BOOLEAN' },
          resources: [
            { resource_type: 'shelf', properties: { private: 'BOOLEAN' } },
            { resource_type: 'box', properties: { size: 'NUMBER' } },
          ],
        },
      ],
    },
    applications: [
      {
        name: 'Shop',
        application_type: 'shop',
        description: 'A small shop',
        custom_properties: { region: 'eu-west' },
        tags: [{ key: 'tier', value: 'gold' }],
        local_users: [
          {
            name: 'ann',
            id: 'u1',
            identities: ['ann@corp.example'],
            groups: ['staff'],
            access_creds: ['c1'],
            is_active: true,
            created_at: '2022-01-26T20:48:12.460Z',
            custom_properties: { is_guest: false, seats: 2 },
          },
          { name: 'bob', id: 'u2', identities: ['bob@corp.example'], groups: ['managers'] },
        ],
        local_groups: [
          { name: 'staff', custom_properties: { cost_center: 'cc-1' } },
          { name: 'managers', groups: ['staff'] },
        ],
        local_roles: [
          { name: 'clerk', id: 'r1', permissions: ['view'], custom_properties: { level: 1 } },
          { name: 'boss', id: 'r2', permissions: ['edit'], roles: ['r1'] },
        ],
        local_access_creds: [{ id: 'c1', name: 'token', is_active: true, custom_properties: { is_oauth: true } }],
        resources: [
          withSubResources({ name: 'shelf one', id: 's1', resource_type: 'shelf', custom_properties: { private: true } }, [
            { name: 'box', resource_type: 'box', custom_properties: { size: 3 } },
          ]),
          withSubResources({ name: 'shelf two', id: 's2', resource_type: 'shelf' }, [{ name: 'box', resource_type: 'box' }]),
        ],
      },
    ],
    permissions: [
      { name: 'view', permission_type: ['DataRead', 'MetadataRead'], apply_to_sub_resources: false, resource_types: [] },
      { name: 'edit', permission_type: ['DataWrite'], apply_to_sub_resources: true, resource_types: [] },
    ],
    identity_to_permissions: [
      {
        identity: 'u1',
        identity_type: 'local_user',
        application_permissions: [{ application: 'Shop', permission: 'view', apply_to_application: true }],
        role_assignments: [
          { application: 'Shop', role: 'r1', apply_to_application: false, resources: ['s1', 's1.box'], custom_properties: { approved: true } },
        ],
      },
      {
        identity: 'ops@corp.example',
        role_assignments: [{ application: 'Shop', role: 'r2', apply_to_application: true }],
      },
    ],
  };
}

/** A second application of another type, with one user `x1` and one resource `r1`. */
export function otherApplication(): OaaApplication {
  return {
    name: 'Depot',
    application_type: 'depot',
    local_users: [{ name: 'xavier', id: 'x1' }],
    resources: [{ name: 'rack', id: 'r1', resource_type: 'rack' }],
  };
}

/** The payload's application at `index` (default: the only one), for tests that edit it in place. */
export function appOf(payload: ApplicationPayload, index = 0): OaaApplication {
  const app = payload.applications?.[index];
  if (!app) throw new Error(`the payload has no applications[${index}]`);
  return app;
}

/**
 * The sub-resources of a resource, as a typed, mutable list (created if absent). Needed because
 * contract's static type of `sub_resources` is `never[]`: TypeBox's `Type.Recursive` loses the
 * self type through `Opt(Type.Array(Self))`, so `resource.sub_resources![0]!.name` does not compile.
 */
export function subResources(resource: OaaResource): OaaResource[] {
  const typed = resource as { sub_resources?: OaaResource[] | null };
  return (typed.sub_resources ??= []);
}

/** `resource` with `children` appended to its sub-resources. */
export function withSubResources(resource: OaaResource, children: OaaResource[]): OaaResource {
  subResources(resource).push(...children);
  return resource;
}
