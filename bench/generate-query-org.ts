import type { ApplicationPayload, OaaIdentityToPermission, OaaLocalGroup, OaaLocalUser, OaaResource } from '@accessgraph/contract';
import { identityShape, type IdentityShape } from './generate-identity-payloads.js';

/**
 * The organisation of the query benchmark (issue 6): the identity suite's identity provider
 * (100k users in 10k nested groups) and HRIS (100k employees), and 50 applications, each with
 * 20k local users (every one linked by email to an IdP user, ten accounts per person), 200 local
 * groups (one in ten linked to an IdP group) and 20k resources: 4,000 parents with 4 children.
 *
 * Grants, every one reaching a parent and through it its 4 children:
 * - group k holds the role `reader` (read) on parent k: its 100 members reach 5 resources;
 * - local user j holds the role `editor` (read, write) on parent 200 + j % 3,800 directly.
 * So each local user reaches 10 resources: 200k (principal, resource) pairs per application and
 * 10M in all, besides the groups' own. The peer (casbin-peer.ts) is given exactly these edges.
 */
export interface QueryOrgShape extends IdentityShape {
  parents: number;
  childrenPerParent: number;
}

export function queryOrgShape(scale: number): QueryOrgShape {
  const identities = identityShape(scale);
  return { ...identities, parents: Math.max(1, Math.round(4_000 * scale)), childrenPerParent: 4 };
}

export const QUERY_ORG = {
  readerPermission: 'read',
  editorPermissions: ['read', 'write'],
} as const;

/** The IdP user (index) behind application `app`'s local user `k`: the identity suite's mapping. */
export function idpUserOf(shape: QueryOrgShape, app: number, k: number): number {
  return (app * shape.localUsersPerApp + k) % shape.users;
}

/** The IdP group local group `k` of application `app` is linked to, or undefined (nine in ten). */
export function idpGroupOf(shape: QueryOrgShape, app: number, k: number): number | undefined {
  return k % 10 === 0 ? (app * shape.localGroupsPerApp + k) % shape.groups : undefined;
}

/** The parent resource local user `k` holds `editor` on (groups hold `reader` on parents 0..groups-1). */
export function editorParentOf(shape: QueryOrgShape, k: number): number {
  const first = shape.localGroupsPerApp;
  return first + (k % Math.max(1, shape.parents - first));
}

export const resourceName = (parent: number) => `res${parent}`;
export const childName = (child: number) => `part${child}`;

export function generateQueryApp(index: number, shape: QueryOrgShape): ApplicationPayload {
  const application = `App ${index}`;
  const groups: OaaLocalGroup[] = Array.from({ length: shape.localGroupsPerApp }, (_, k) => {
    const idpGroup = idpGroupOf(shape, index, k);
    return { name: `team${k}`, ...(idpGroup === undefined ? {} : { identities: [`g${idpGroup}`] }) };
  });
  const users: OaaLocalUser[] = new Array<OaaLocalUser>(shape.localUsersPerApp);
  const direct: OaaIdentityToPermission[] = new Array<OaaIdentityToPermission>(shape.localUsersPerApp);
  for (let k = 0; k < shape.localUsersPerApp; k++) {
    const email = `user${idpUserOf(shape, index, k)}@corp.example`;
    users[k] = { name: `account${k}`, id: `a${k}`, email, identities: [email], groups: [`team${k % shape.localGroupsPerApp}`] };
    direct[k] = {
      identity: `a${k}`,
      identity_type: 'local_user',
      role_assignments: [{ application, role: 'editor', resources: [resourceName(editorParentOf(shape, k))] }],
    };
  }
  const resources: OaaResource[] = Array.from({ length: shape.parents }, (_, p) => ({
    name: resourceName(p),
    resource_type: 'folder',
    sub_resources: Array.from({ length: shape.childrenPerParent }, (_, c) => ({ name: childName(c), resource_type: 'document' })),
  }));
  return {
    applications: [
      {
        name: application,
        application_type: 'bench_app',
        local_users: users,
        local_groups: groups,
        local_roles: [
          { name: 'reader', permissions: [QUERY_ORG.readerPermission] },
          { name: 'editor', permissions: [...QUERY_ORG.editorPermissions] },
        ],
        resources,
      },
    ],
    permissions: [
      { name: 'read', permission_type: ['DataRead'], apply_to_sub_resources: true },
      { name: 'write', permission_type: ['DataWrite'], apply_to_sub_resources: true },
    ],
    identity_to_permissions: [
      ...groups.map((g, k) => ({
        identity: g.name,
        identity_type: 'local_group' as const,
        role_assignments: [{ application, role: 'reader', resources: [resourceName(k % shape.parents)] }],
      })),
      ...direct,
    ],
  };
}
