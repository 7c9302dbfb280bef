import type { AccessReviewRow, EffectivePermission, EntityRef, GrantPath } from '@accessgraph/contract';
import type { PersonBehind } from './people-behind.js';

/** What the row needs of the data source's own principal: the fallbacks when it is linked to no person. */
export interface PrincipalFacts {
  email: string | null;
  active: boolean | null;
  lastLoginAt: string | null;
  ssoLastLoginAt: string | null;
}

/** A review row with the key that orders it among the rows of its (principal, target) pair. */
export interface KeyedReviewRow {
  /** '' for the row of a principal linked to nobody; else its identity's data source, type and key. */
  identityKey: string;
  row: AccessReviewRow;
}

/**
 * The access review rows of one effective-permission row of a local principal: one per IdP user
 * or group the principal is linked to (each a person a reviewer decides about), or one for the
 * principal itself when it is linked to none; ordered by `identityKey`. Pure: the reads are done.
 */
export function reviewRows(access: EffectivePermission, people: readonly PersonBehind[], principal: PrincipalFacts, dataSourceId: string): KeyedReviewRow[] {
  const target = access.target;
  const common = {
    application: target.type === 'application' ? target.name : (target.application ?? ''),
    resource: target.type === 'application' ? null : target.key,
    permissions: access.permissions,
    canonical_types: access.canonical_types,
    principal: access.principal.key,
    principal_type: access.principal.type,
    principal_name: access.principal.name,
    data_source_id: dataSourceId,
    // The account's own sign-ins, whoever the row is about: the review decides about this account's access.
    last_login_at: principal.lastLoginAt,
    sso_last_login_at: principal.ssoLastLoginAt,
  };
  if (people.length === 0) {
    return [
      {
        identityKey: '',
        row: {
          identity: access.principal.key,
          display_name: access.principal.name,
          email: principal.email,
          manager: null,
          manager_identity: null,
          hr_status: null,
          terminated: false,
          active: principal.active,
          ...common,
          via: vias(access.paths, null),
          identity_type: access.principal.type,
          identity_data_source_id: dataSourceId,
          employee: null,
        },
      },
    ];
  }
  const rows = people.map((person): KeyedReviewRow => {
    const employees = [...person.employees].sort((a, b) => order(a.employee.data_source_id ?? '', b.employee.data_source_id ?? '') || order(a.employee.key, b.employee.key));
    const first = employees[0];
    const manager = person.manager ?? first?.manager ?? null;
    const identity = person.identity;
    return {
      identityKey: `${identity.data_source_id ?? ''}\u0000${identity.type}\u0000${identity.key}`,
      row: {
        identity: identity.key,
        display_name: person.fullName ?? identity.name,
        email: person.email ?? principal.email,
        manager: manager?.displayName ?? null,
        manager_identity: manager?.ref.key ?? null,
        hr_status: first?.employment_status ?? null,
        terminated: employees.some((e) => e.terminated),
        active: person.active,
        ...common,
        via: vias(access.paths, access.principal),
        identity_type: identity.type,
        identity_data_source_id: identity.data_source_id ?? dataSourceId,
        employee: first?.employee.key ?? null,
      },
    };
  });
  return rows.sort((a, b) => order(a.identityKey, b.identityKey));
}

/** Bytewise order, as both engines sort key columns and as page cursors compare. */
export function order(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Words for the kinds of node a path names, as a reviewer reads them. */
const KIND_WORDS: Record<string, string> = {
  local_user: 'local account',
  local_group: 'group',
  access_cred: 'credential',
  local_role: 'role',
  idp_identity: 'idp binding',
};

const word = (ref: EntityRef) => KIND_WORDS[ref.type] ?? ref.type.replace(/_/g, ' ');

/**
 * Each path in words, distinct and in path order: `view: role viewer`, `edit: group clerks, role
 * editor, inherited from Shop`, `view: direct`. A row about a person linked to the principal starts
 * each with the principal (`linked local account ann-local`), so the line says how the person gets it.
 */
function vias(paths: readonly GrantPath[], linked: EntityRef | null): string[] {
  const seen = new Set<string>();
  for (const path of paths) {
    const how: string[] = [];
    if (path.through !== null) how.push(`${word(path.through)} ${path.through.name}`);
    if (path.role !== null) how.push(`role ${path.role.name}`);
    if (path.inherited_from !== null) how.push(`inherited from ${path.inherited_from.key}`);
    if (how.length === 0) how.push('direct');
    if (linked !== null) how.unshift(`linked ${linked.type === 'local_group' ? 'local group' : word(linked)} ${linked.name}`);
    seen.add(`${path.permission}: ${how.join(', ')}`);
  }
  return [...seen];
}
