import type { ApplicationPayload, OaaIdentityToPermission } from '@accessgraph/contract';
import { readCustomProperties } from '../payload/custom-properties.js';
import { at, type IssueCollector } from '../payload/issues.js';
import { checkField } from '../payload/strings.js';
import type { AppTypeDefinitions } from './definitions.js';
import { referenceKeys } from './keyed-collection.js';
import type { AppEntity, Binding, IdentityType, PermissionEntity, ResourceEntity } from './model.js';
import { appliesTo, notForApp } from './references.js';
import { rejectOperation } from '../payload/entity-common.js';

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

/** The context, and the application name last looked up with what it named. */
interface Reader extends BindingContext {
  lastName: string | undefined;
  lastApp: AppEntity | undefined;
}

/**
 * Resolves `identity_to_permissions`: each application permission and role assignment becomes a
 * Binding whose application, permission or role, resources and local identity are known to
 * exist (errors otherwise). An item that grants nothing (no application, no resources) is a warning.
 *
 * A payload holds hundreds of thousands of these items, so this is written with plain loops,
 * no per-item arrays or closures, and JSON paths other than the binding's own built only to
 * report a problem.
 */
export function readBindings(payload: ApplicationPayload, context: BindingContext): Binding[] {
  const bindings: Binding[] = [];
  const reader: Reader = { ...context, lastName: undefined, lastApp: undefined };
  const entries = payload.identity_to_permissions ?? [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const path = at('identity_to_permissions', i);
    if (entry.operation != null) rejectOperation(path, reader.issues);
    checkField(entry.identity, path, 'identity', reader.issues);
    const identityType: IdentityType = entry.identity_type ?? 'idp';
    const state: EntryState = {
      entry,
      path,
      identityType,
      identity: identityType === 'idp' ? entry.identity : entry.identity.toLowerCase(),
      reported: undefined,
    };
    const permissions = entry.application_permissions ?? [];
    const roles = entry.role_assignments ?? [];
    if (permissions.length === 0 && roles.length === 0) {
      reader.issues.warn(path, 'grants_nothing', `identity "${entry.identity}" has no application_permissions or role_assignments`);
    }
    readItems(state, permissions, 'application_permissions', reader, bindings);
    readItems(state, roles, 'role_assignments', reader, bindings);
  }
  return bindings;
}

type BindingItem = PermissionItem | RoleItem;

interface EntryState {
  entry: OaaIdentityToPermission;
  path: string;
  identityType: IdentityType;
  /** The binding's identity: a local identity's lower-cased key, or the IdP identity as written. */
  identity: string;
  /** Applications in which this entry's unknown identity was already reported (made on the first). */
  reported: Set<string> | undefined;
}

type PermissionItem = NonNullable<OaaIdentityToPermission['application_permissions']>[number];
type RoleItem = NonNullable<OaaIdentityToPermission['role_assignments']>[number];

function readItems(state: EntryState, items: readonly BindingItem[], field: string, reader: Reader, bindings: Binding[]): void {
  if (items.length === 0) return;
  // `identity_to_permissions[i].field[` once per list: each item's path is then one join.
  const prefix = `${at(state.path, field)}[`;
  const role = field === 'role_assignments';
  for (let j = 0; j < items.length; j++) {
    const binding = readBinding(state, items[j]!, prefix + indexSuffix(j), role, reader);
    if (binding) bindings.push(binding);
  }
}

/** `3]` and the like, made once for the indexes most lists stay below. */
const INDEX_SUFFIXES: string[] = [];
const CACHED_SUFFIXES = 1024;

function indexSuffix(index: number): string {
  if (index >= CACHED_SUFFIXES) return `${index}]`;
  return (INDEX_SUFFIXES[index] ??= `${index}]`);
}

/** `role` says which list the item is in: the shape check has made role assignments the ones with a role. */
function readBinding(state: EntryState, item: BindingItem, path: string, role: boolean, reader: Reader): Binding | undefined {
  const { permissions, issues } = reader;
  if (item.operation != null) rejectOperation(path, issues);
  const app = findApp(item.application, reader);
  if (!app) {
    issues.error(at(path, 'application'), 'unknown_application', `application "${item.application}" is not in applications`);
    return undefined;
  }
  const { identityType, identity } = state;
  let ok = identityType === 'idp' || knownIdentity(state, app, issues);
  const keys = referenceKeys(item.resources);
  // Resolved here, where they are checked, so the derivation need not look them up again.
  // Made at its final size (cut if some are unknown): pushing onto [] would reserve 16 or more slots.
  const resources = new Array<ResourceEntity>(keys.length);
  let count = 0;
  for (const resource of keys) {
    const entity = app.resources.get(resource);
    if (entity) resources[count++] = entity;
    else {
      const index = item.resources!.findIndex((r) => r.toLowerCase() === resource);
      issues.error(at(at(path, 'resources'), index), 'unknown_resource', `resource "${resource}" is not in application "${app.name}" (sub-resources are named by their dot path, e.g. parent.child)`);
      ok = false;
    }
  }
  resources.length = count;
  const applyToApplication = item.apply_to_application === true;
  if (!applyToApplication && keys.length === 0) {
    issues.warn(path, 'grants_nothing', `grants nothing: apply_to_application is not true and no resources are listed`);
  }
  if (role) {
    const assignment = item as RoleItem;
    const key = assignment.role.toLowerCase();
    if (!app.roles.has(key)) {
      issues.error(at(path, 'role'), 'unknown_role', `Can't connect identity to role as role not found for application (application: ${app.name}, role: ${assignment.role}, identity: ${state.entry.identity})`);
      ok = false;
    }
    // Most assignments have no custom properties: skip looking up the definitions then.
    const properties = assignment.custom_properties
      ? readCustomProperties(assignment.custom_properties, reader.definitions.get(app.type.toLowerCase())?.roleAssignment, path, 'role assignments', issues)
      : {};
    return ok ? { path, identityType, identity, app, grant: { kind: 'role', role: key, properties }, applyToApplication, resources } : undefined;
  }
  const name = (item as PermissionItem).permission;
  const permission = permissions.get(name.toLowerCase());
  if (!permission) {
    issues.error(at(path, 'permission'), 'unknown_permission', `permission "${name}" is not defined in permissions`);
    return undefined;
  }
  if (!appliesTo(permission, app)) {
    notForApp(at(path, 'permission'), permission, app, issues);
    return undefined;
  }
  return ok ? { path, identityType, identity, app, grant: { kind: 'permission', permission: permission.key }, applyToApplication, resources } : undefined;
}

/**
 * The application an item names. Items nearly always name the application the previous one did:
 * comparing with that name spares lower-casing (a new string) and a map lookup per item.
 */
function findApp(name: string, reader: Reader): AppEntity | undefined {
  if (name !== reader.lastName) {
    reader.lastName = name;
    reader.lastApp = reader.apps.get(name.toLowerCase());
  }
  return reader.lastApp;
}

/** Whether the entry's local identity exists in `app`; reported once per entry and application. */
function knownIdentity(state: EntryState, app: AppEntity, issues: IssueCollector): boolean {
  const { field, what } = LOCAL_COLLECTION[state.identityType as Exclude<IdentityType, 'idp'>];
  if (app[field].has(state.identity)) return true;
  state.reported ??= new Set();
  if (!state.reported.has(app.key)) {
    state.reported.add(app.key);
    issues.error(at(state.path, 'identity'), 'unknown_identity', `${what} "${state.entry.identity}" is not defined in application "${app.name}"`);
  }
  return false;
}
