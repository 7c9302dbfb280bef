import type { ApplicationPayload, HrisPayload, IdpPayload, OaaHrisEmployee, OaaIdpUser, OaaLocalGroup, OaaLocalUser } from '@accessgraph/contract';
import { random } from './generate-app-payload.js';

/**
 * The identity workload (issue 5): an identity provider of `users` users in `groups` nested
 * groups, an HRIS of as many employees, and `apps` applications of `localUsersPerApp` local
 * users each, every local user linked to an IdP user by its email (`identities`), every tenth
 * local group to an IdP group. At scale 1: 100k IdP users, 10k groups, 100k employees, and 50
 * applications with 1M local users in all.
 */
export interface IdentityShape {
  users: number;
  groups: number;
  groupsPerUser: number;
  apps: number;
  localUsersPerApp: number;
  localGroupsPerApp: number;
  seed: number;
}

export function identityShape(scale: number): IdentityShape {
  const scaled = (n: number) => Math.max(1, Math.round(n * scale));
  return { users: scaled(100_000), groups: scaled(10_000), groupsPerUser: 3, apps: 50, localUsersPerApp: scaled(20_000), localGroupsPerApp: scaled(200), seed: 11 };
}

const email = (i: number) => `user${i}@corp.example`;
/** Groups form a tree of fan-out 8: group j's parent is group (j - 1) / 8. */
const parentGroup = (j: number) => Math.floor((j - 1) / 8);

export function generateIdpPayload(shape: IdentityShape): IdpPayload {
  const rnd = random(shape.seed);
  const users: OaaIdpUser[] = new Array<OaaIdpUser>(shape.users);
  for (let i = 0; i < shape.users; i++) {
    const groups = new Set<number>();
    while (groups.size < Math.min(shape.groupsPerUser, shape.groups)) groups.add(Math.floor(rnd() * shape.groups));
    users[i] = {
      name: `user${i}`,
      identity: `u${i}`,
      email: email(i),
      full_name: `User ${i}`,
      department: `dept${i % 1000}`,
      is_active: i % 50 !== 0,
      is_guest: false,
      groups: [...groups].map((g) => ({ identity: `g${g}` })),
      ...(i > 0 ? { manager_id: `u${Math.floor(i / 10)}` } : {}),
    };
  }
  return {
    name: 'Bench IdP',
    idp_type: 'bench_idp',
    domains: [{ name: 'corp.example' }],
    users,
    groups: Array.from({ length: shape.groups }, (_, j) => ({
      name: `group ${j}`,
      identity: `g${j}`,
      ...(j > 0 ? { groups: [{ identity: `g${parentGroup(j)}` }] } : {}),
    })),
  };
}

export function generateHrisPayload(shape: IdentityShape): HrisPayload {
  const departments = Math.max(1, Math.round(shape.users / 100));
  const employees: OaaHrisEmployee[] = new Array<OaaHrisEmployee>(shape.users);
  for (let i = 0; i < shape.users; i++) {
    employees[i] = {
      id: `e${i}`,
      name: `User ${i}`,
      employee_number: `N${i}`,
      first_name: 'User',
      last_name: String(i),
      email: email(i),
      // Nine in ten employees carry their IdP id; the others are matched by email.
      ...(i % 10 !== 0 ? { idp_id: `u${i}` } : {}),
      employment_status: 'ACTIVE',
      is_active: true,
      start_date: '2020-01-01T00:00:00Z',
      groups: [{ id: `dept${i % departments}` }],
      ...(i > 0 ? { managers: [{ id: `e${Math.floor(i / 10)}` }] } : {}),
    };
  }
  return {
    name: 'Bench HRIS',
    hris_type: 'bench_hris',
    system: { id: 'bench', name: 'Bench HRIS', url: 'https://hris.example', idp_providers: ['custom'] },
    employees,
    groups: [
      ...Array.from({ length: 20 }, (_, k) => ({ id: `div${k}`, name: `Division ${k}`, group_type: 'BUSINESS_UNIT' })),
      ...Array.from({ length: departments }, (_, k) => ({ id: `dept${k}`, name: `Department ${k}`, group_type: 'DEPARTMENT', parent: `div${k % 20}` })),
    ],
  };
}

/**
 * Application `index` of the workload: its local users are IdP users index * localUsersPerApp
 * onwards (wrapping around), each linked by email; its groups link, one in ten, to IdP groups.
 * Every local user holds the role member on the application.
 */
export function generateLinkedApp(index: number, shape: IdentityShape): ApplicationPayload {
  const users: OaaLocalUser[] = new Array<OaaLocalUser>(shape.localUsersPerApp);
  const groups: OaaLocalGroup[] = Array.from({ length: shape.localGroupsPerApp }, (_, k) => ({
    name: `team${k}`,
    ...(k % 10 === 0 ? { identities: [`g${(index * shape.localGroupsPerApp + k) % shape.groups}`] } : {}),
  }));
  for (let k = 0; k < shape.localUsersPerApp; k++) {
    const idp = (index * shape.localUsersPerApp + k) % shape.users;
    users[k] = { name: `account${k}`, id: `a${k}`, email: email(idp), identities: [email(idp)], groups: [`team${k % shape.localGroupsPerApp}`] };
  }
  return {
    applications: [{ name: `App ${index}`, application_type: 'bench_app', local_users: users, local_groups: groups, local_roles: [{ name: 'member', permissions: ['use'] }] }],
    permissions: [{ name: 'use', permission_type: ['DataRead'] }],
    identity_to_permissions: groups.map((g) => ({
      identity: g.name,
      identity_type: 'local_group',
      role_assignments: [{ application: `App ${index}`, role: 'member', apply_to_application: true }],
    })),
  };
}
