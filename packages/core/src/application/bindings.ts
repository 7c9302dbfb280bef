import type { ApplicationPayload, OaaIdentityToPermission } from '@accessgraph/contract';
import { readCustomProperties } from '../payload/custom-properties.js';
import { at, type IssueCollector } from '../payload/issues.js';
import { checkString } from '../payload/strings.js';
import type { AppTypeDefinitions } from './definitions.js';
import { referenceKeys } from './keyed-collection.js';
import type { AppEntity, Binding, IdentityType, PermissionEntity } from './model.js';
import { appliesTo, notForApp } from './references.js';
import { rejectOperation } from './permissions.js';

const LOCAL_COLLECTION: Record<Exclude<IdentityType, 'idp'>, { field: 'users' | 'groups' | 'roles' | 'creds'; what: string }> = {
  local_user: { field: 'users', what: 'local user' },
  local_group: { field: 'groups', what: 'local group' },
  local_role: { field: 'roles', what: 'local role' },
  local_access_creds: { field: 'creds', what: 'access credential' },
};

interface BindingContext {
  apps: Map<string, AppEntity>;
  permissions: Map<string, PermissionEntity>;
  definitions: Map<string, AppTypeDefinitions>;
  issues: IssueCollector;
}

/**
 * Resolves `identity_to_permissions`: each application permission and role assignment becomes a
 * Binding whose application, permission or role, resources and local identity are known to
 * exist (errors otherwise). An item that grants nothing (no application, no resources) is a warning.
 */
export function readBindings(payload: ApplicationPayload, context: BindingContext): Binding[] {
  const bindings: Binding[] = [];
  payload.identity_to_permissions?.forEach((entry, i) => {
    const path = at('identity_to_permissions', i);
    if (entry.operation != null) rejectOperation(path, context.issues);
    checkString(entry.identity, at(path, 'identity'), context.issues);
    const identityType: IdentityType = entry.identity_type ?? 'idp';
    const items = [
      ...(entry.application_permissions ?? []).map((item, j) => ({ item, path: at(at(path, 'application_permissions'), j), role: false })),
      ...(entry.role_assignments ?? []).map((item, j) => ({ item, path: at(at(path, 'role_assignments'), j), role: true })),
    ];
    if (items.length === 0) {
      context.issues.warn(path, 'grants_nothing', `identity "${entry.identity}" has no application_permissions or role_assignments`);
    }
    const reported = new Set<string>();
    for (const { item, path: itemPath } of items) {
      const binding = readBinding({ entry, path, identityType, reported }, item, itemPath, context);
      if (binding) bindings.push(binding);
    }
  });
  return bindings;
}

type BindingItem = NonNullable<OaaIdentityToPermission['application_permissions']>[number] | NonNullable<OaaIdentityToPermission['role_assignments']>[number];

interface EntryContext {
  entry: OaaIdentityToPermission;
  path: string;
  identityType: IdentityType;
  /** Applications in which this entry's unknown identity was already reported. */
  reported: Set<string>;
}

function readBinding(
  { entry, path: entryPath, identityType, reported }: EntryContext,
  item: BindingItem,
  path: string,
  { apps, permissions, definitions, issues }: BindingContext,
): Binding | undefined {
  if (item.operation != null) rejectOperation(path, issues);
  const app = apps.get(item.application.toLowerCase());
  if (!app) {
    issues.error(at(path, 'application'), 'unknown_application', `application "${item.application}" is not in applications`);
    return undefined;
  }
  let ok = true;
  let identity = entry.identity;
  if (identityType !== 'idp') {
    const { field, what } = LOCAL_COLLECTION[identityType];
    identity = entry.identity.toLowerCase();
    if (!app[field].has(identity)) {
      if (!reported.has(app.key)) {
        reported.add(app.key);
        issues.error(at(entryPath, 'identity'), 'unknown_identity', `${what} "${entry.identity}" is not defined in application "${app.name}"`);
      }
      ok = false;
    }
  }
  const resources = referenceKeys(item.resources);
  resources.forEach((resource) => {
    if (!app.resources.has(resource)) {
      const index = (item.resources ?? []).findIndex((r) => r.toLowerCase() === resource);
      issues.error(at(at(path, 'resources'), index), 'unknown_resource', `resource "${resource}" is not in application "${app.name}" (sub-resources are named by their dot path, e.g. parent.child)`);
      ok = false;
    }
  });
  const applyToApplication = item.apply_to_application === true;
  if (!applyToApplication && resources.length === 0) {
    issues.warn(path, 'grants_nothing', `grants nothing: apply_to_application is not true and no resources are listed`);
  }
  if ('role' in item) {
    const role = item.role.toLowerCase();
    if (!app.roles.has(role)) {
      issues.error(at(path, 'role'), 'unknown_role', `Can't connect identity to role as role not found for application (application: ${app.name}, role: ${item.role}, identity: ${entry.identity})`);
      ok = false;
    }
    const properties = readCustomProperties(
      item.custom_properties,
      definitions.get(app.type.toLowerCase())?.roleAssignment,
      at(path, 'custom_properties'),
      'role assignments',
      issues,
    );
    return ok ? { path, identityType, identity, app, grant: { kind: 'role', role, properties }, applyToApplication, resources } : undefined;
  }
  const permission = permissions.get(item.permission.toLowerCase());
  if (!permission) {
    issues.error(at(path, 'permission'), 'unknown_permission', `permission "${item.permission}" is not defined in permissions`);
    return undefined;
  }
  if (!appliesTo(permission, app)) {
    notForApp(at(path, 'permission'), permission, app, issues);
    return undefined;
  }
  return ok ? { path, identityType, identity, app, grant: { kind: 'permission', permission: permission.key }, applyToApplication, resources } : undefined;
}
