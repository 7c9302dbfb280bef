import { findCycles } from '../graph/cycles.js';
import { at, type IssueCollector } from '../payload/issues.js';
import type { AppEntity, PermissionEntity } from './model.js';

/**
 * Checks the references inside one application: users' groups and credentials, groups' parent
 * groups, roles' permissions and nested roles. Missing targets, self-references and cycles are
 * errors; a role that grants nothing is a warning with Veza's "Role is missing permission" prefix.
 */
export function checkReferences(app: AppEntity, permissions: Map<string, PermissionEntity>, issues: IssueCollector): void {
  for (const user of app.users.values()) {
    for (const { key, index } of user.groups) {
      if (!app.groups.has(key)) missing(at(at(user.path, 'groups'), index), 'local group', key, app, issues);
    }
    for (const { key, index } of user.creds) {
      if (!app.creds.has(key)) missing(at(at(user.path, 'access_creds'), index), 'access credential', key, app, issues);
    }
  }
  for (const group of app.groups.values()) {
    for (const { key: parent, index } of group.parents) {
      const path = at(at(group.path, 'groups'), index);
      if (parent === group.key) issues.error(path, 'self_reference', `local group "${group.localKey}" lists itself as a parent group`);
      else if (!app.groups.has(parent)) missing(path, 'local group', parent, app, issues);
    }
  }
  for (const role of app.roles.values()) {
    for (const { key: permission, index } of role.permissions) {
      const path = at(at(role.path, 'permissions'), index);
      const found = permissions.get(permission);
      if (!found) issues.error(path, 'unknown_permission', `permission "${permission}" is not defined in permissions`);
      else if (!appliesTo(found, app)) notForApp(path, found, app, issues);
    }
    for (const { key: nested, index } of role.roles) {
      const path = at(at(role.path, 'roles'), index);
      if (nested === role.key) issues.error(path, 'self_reference', `local role "${role.localKey}" includes itself`);
      else if (!app.roles.has(nested)) missing(path, 'local role', nested, app, issues);
    }
    if (role.permissions.length === 0 && role.roles.length === 0) {
      issues.warn(role.path, 'role_without_permissions', `Role is missing permission: role "${role.localKey}" of application "${app.name}" grants no permission`);
    }
  }
  reportCycles(app, 'groups', issues);
  reportCycles(app, 'roles', issues);
}

/** Whether a permission limited by application_type may be used in this application. */
export function appliesTo(permission: PermissionEntity, app: AppEntity): boolean {
  return permission.applicationTypes.length === 0 || permission.applicationTypes.includes(app.type.toLowerCase());
}

export function notForApp(path: string, permission: PermissionEntity, app: AppEntity, issues: IssueCollector): void {
  issues.error(
    path,
    'permission_not_for_application',
    `permission "${permission.name}" applies only to application types ${permission.applicationTypes.join(', ')}, not "${app.type}"`,
  );
}

function missing(path: string, what: string, key: string, app: AppEntity, issues: IssueCollector): void {
  issues.error(path, 'unknown_reference', `${what} "${key}" is not defined in application "${app.name}"`);
}

/** Group nesting and role nesting must not loop; each cycle is reported once, at one member. */
function reportCycles(app: AppEntity, kind: 'groups' | 'roles', issues: IssueCollector): void {
  const entities = kind === 'groups' ? app.groups : app.roles;
  const next = (key: string): string[] =>
    (kind === 'groups' ? (app.groups.get(key)?.parents ?? []) : (app.roles.get(key)?.roles ?? [])).map((r) => r.key);
  for (const cycle of findCycles(entities.keys(), next, (key) => entities.has(key))) {
    issues.error(entities.get(cycle[0]!)!.path, 'cycle', `local ${kind === 'groups' ? 'group nesting' : 'role nesting'} loops: ${cycle.join(' -> ')}`);
  }
}
