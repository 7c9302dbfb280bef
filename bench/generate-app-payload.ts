import type { ApplicationPayload, OaaIdentityToPermission, OaaLocalGroup, OaaLocalRole, OaaLocalUser, OaaResource } from '@accessgraph/contract';

/** Sizes of a generated application payload. */
export interface AppPayloadShape {
  users: number;
  groups: number;
  roles: number;
  permissions: number;
  /** Permissions each role lists (default 2); every fourth role also includes the one before it. */
  permissionsPerRole?: number;
  /** Top-level resources; each gets `subResources` children, nested `resourceDepth` levels deep. */
  resources: number;
  subResources: number;
  resourceDepth: number;
  /** Role assignments and direct permissions per user, on resources picked at random. */
  assignmentsPerUser: number;
  /**
   * Resources listed by each of those assignments (default 1), as oaaclient gathers every
   * resource an identity holds a role or permission on into one entry.
   */
  resourcesPerAssignment?: number;
  /** Groups each user belongs to. */
  groupsPerUser: number;
  seed: number;
}

export const SMALL_SHAPE: AppPayloadShape = {
  users: 200,
  groups: 20,
  roles: 10,
  permissions: 12,
  resources: 50,
  subResources: 2,
  resourceDepth: 2,
  assignmentsPerUser: 4,
  groupsPerUser: 2,
  seed: 7,
};

/** Deterministic pseudo-random numbers (mulberry32), so a shape always yields the same payload. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CANONICAL = ['DataRead', 'DataWrite', 'DataCreate', 'DataDelete', 'MetadataRead', 'MetadataWrite', 'NonData'] as const;

/**
 * A realistic application payload: users in several groups, groups nested in a tree, roles
 * nesting other roles, resources with sub-resources, and a mix of role assignments and direct
 * permissions at application and resource scope, some inheritable, some limited by resource type.
 */
export function generateAppPayload(shape: AppPayloadShape): ApplicationPayload {
  const rnd = random(shape.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const pad = (n: number) => String(n).padStart(7, '0');
  const pad2 = (n: number) => String(n).padStart(2, '0');

  const permissions = Array.from({ length: shape.permissions }, (_, i) => ({
    name: `perm_${i}`,
    permission_type: CANONICAL.filter(() => rnd() < 0.4).concat(CANONICAL[i % CANONICAL.length]!).filter((v, j, a) => a.indexOf(v) === j),
    apply_to_sub_resources: i % 3 === 0,
    resource_types: i % 5 === 4 ? ['folder'] : [],
  }));
  const roles: OaaLocalRole[] = Array.from({ length: shape.roles }, (_, i) => ({
    name: `role_${i}`,
    id: `r${i}`,
    permissions: Array.from({ length: shape.permissionsPerRole ?? 2 }, () => pick(permissions).name),
    ...(i > 0 && i % 4 === 0 ? { roles: [`r${i - 1}`] } : {}),
  }));
  // A tree of groups: group i (i > 0) is a member of group floor((i - 1) / 4).
  const groups: OaaLocalGroup[] = Array.from({ length: shape.groups }, (_, i) => ({
    name: `group_${i}`,
    id: `g${i}`,
    ...(i > 0 ? { groups: [`g${Math.floor((i - 1) / 4)}`] } : {}),
  }));
  const users: OaaLocalUser[] = Array.from({ length: shape.users }, (_, i) => ({
    name: `user ${pad(i)}`,
    id: `u${pad(i)}`,
    email: `user${i}@example.com`,
    identities: [`user${i}@example.com`],
    groups: Array.from({ length: shape.groupsPerUser }, () => `g${Math.floor(rnd() * shape.groups)}`),
    is_active: rnd() > 0.05,
    created_at: '2024-01-02T03:04:05Z',
    last_login_at: `2025-${pad2(1 + (i % 12))}-${pad2(1 + (i % 28))}T${pad2(i % 24)}:${pad2(i % 60)}:00Z`,
    password_last_changed_at: `2024-${pad2(1 + (i % 12))}-${pad2(1 + (i % 28))}T00:00:00Z`,
    user_type: i % 40 === 39 ? 'service_account' : 'human',
  }));

  const paths: string[] = [];
  const makeResource = (key: string, depth: number, path: string): OaaResource => {
    paths.push(path);
    const children =
      depth < shape.resourceDepth
        ? Array.from({ length: shape.subResources }, (_, j) => makeResource(`${key}_${j}`, depth + 1, `${path}.${key}_${j}`))
        : [];
    return {
      name: `resource ${key}`,
      id: key,
      resource_type: depth === 1 ? 'repository' : 'folder',
      description: `${depth === 1 ? 'Repository' : 'Folder'} ${path}`,
      ...(children.length > 0 ? { sub_resources: children } : {}),
    };
  };
  const resources = Array.from({ length: shape.resources }, (_, i) => makeResource(`res${i}`, 1, `res${i}`));

  const appName = 'Generated App';
  const pickPaths = () => Array.from({ length: shape.resourcesPerAssignment ?? 1 }, () => pick(paths));
  const bindings: OaaIdentityToPermission[] = users.map((user, i) => ({
    identity: user.id!,
    identity_type: 'local_user' as const,
    role_assignments: Array.from({ length: Math.ceil(shape.assignmentsPerUser / 2) }, () => ({
      application: appName,
      role: pick(roles).id!,
      apply_to_application: false,
      resources: pickPaths(),
    })),
    application_permissions: Array.from({ length: Math.floor(shape.assignmentsPerUser / 2) }, (_, j) => ({
      application: appName,
      permission: pick(permissions).name,
      ...(i % 50 === 0 && j === 0 ? { apply_to_application: true } : { resources: pickPaths() }),
    })),
  }));
  // Some groups hold roles of their own: 50, or a tenth of them in larger payloads.
  for (const group of groups.slice(0, Math.min(groups.length, Math.max(50, Math.round(groups.length / 10))))) {
    bindings.push({
      identity: group.id!,
      identity_type: 'local_group',
      role_assignments: [{ application: appName, role: pick(roles).id!, apply_to_application: false, resources: [pick(paths)] }],
    });
  }

  return {
    applications: [
      {
        name: appName,
        application_type: 'generated',
        description: 'Generated for tests and benchmarks',
        local_users: users,
        local_groups: groups,
        local_roles: roles,
        resources,
      },
    ],
    permissions,
    identity_to_permissions: bindings,
  };
}
