import type { ApplicationPayload } from '@accessgraph/contract';

/**
 * An application of type shop whose identities link to the core tests' identity provider
 * (`validIdpPayload`) in every way an application can: ann-local by an identities entry (the IdP
 * user's email in another case), bob-local by the IdP's mapping rule only (same mailbox, another
 * domain), the group clerks by an identities entry naming an IdP group, an `idp` grant to the
 * IdP group staff; and zed and one `idp` grant that link to nothing.
 *
 * Access, all on the application: ann-local and zed hold the role viewer (view: DataRead),
 * bob-local the permission view directly, clerks the role editor (edit: DataWrite), the `idp`
 * identities staff and ghost@corp.example the role viewer.
 */
export function shopPayload(): ApplicationPayload {
  return {
    applications: [
      {
        name: 'Shop',
        application_type: 'shop',
        local_users: [
          // Linked by its identities entry (the IdP user's email, another case).
          { name: 'ann-local', identities: ['ANN@corp.example'] },
          // Linked by the mapping rule only: same mailbox, another domain.
          { name: 'bob-local', email: 'bob@shop.example' },
          // Linked to nothing.
          { name: 'zed', identities: ['zed@nowhere.example'], email: 'zed@shop.example' },
        ],
        local_groups: [{ name: 'clerks', identities: ['admins'] }],
        local_roles: [
          { name: 'viewer', permissions: ['view'] },
          { name: 'editor', permissions: ['edit'] },
        ],
      },
    ],
    permissions: [
      { name: 'view', permission_type: ['DataRead'] },
      { name: 'edit', permission_type: ['DataWrite'] },
    ],
    identity_to_permissions: [
      { identity: 'ann-local', identity_type: 'local_user', role_assignments: [{ application: 'Shop', role: 'viewer', apply_to_application: true }] },
      { identity: 'zed', identity_type: 'local_user', role_assignments: [{ application: 'Shop', role: 'viewer', apply_to_application: true }] },
      { identity: 'bob-local', identity_type: 'local_user', application_permissions: [{ application: 'Shop', permission: 'view', apply_to_application: true }] },
      { identity: 'clerks', identity_type: 'local_group', role_assignments: [{ application: 'Shop', role: 'editor', apply_to_application: true }] },
      // An idp grant to an IdP group, by its identity; and one to nobody.
      { identity: 'staff', identity_type: 'idp', role_assignments: [{ application: 'Shop', role: 'viewer', apply_to_application: true }] },
      { identity: 'ghost@corp.example', identity_type: 'idp', role_assignments: [{ application: 'Shop', role: 'viewer', apply_to_application: true }] },
    ],
  };
}

