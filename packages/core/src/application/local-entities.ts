import type { OaaApplication, OaaTag, PropertyType } from '@accessgraph/contract';
import { readCustomProperties } from '../payload/custom-properties.js';
import { at, type IssueCollector } from '../payload/issues.js';
import { checkField, checkStrings, checkTimestamp } from '../payload/strings.js';
import { readTags } from '../payload/tags.js';
import type { AppTypeDefinitions } from './definitions.js';
import { distinctValues, keyCollection, references } from './keyed-collection.js';
import type { Entity, GroupEntity, RoleEntity, UserEntity } from './model.js';
import { rejectOperation } from './permissions.js';

/**
 * Fields every entity shares: tags, custom properties, operation, dynamic properties. Owners and
 * custom properties are added to `properties` (which may already hold built-in fields), filling
 * one map per entity rather than spreading several; the tags are returned.
 */
export function readCommon(
  item: {
    tags?: OaaTag[] | null;
    owners?: { external_id: string; owner_type: string; primary?: boolean | null }[] | null;
    custom_properties?: Record<string, unknown> | null;
    operation?: string | null;
    dynamic_properties?: unknown;
  },
  path: string,
  definitions: ReadonlyMap<string, PropertyType> | undefined,
  what: string,
  issues: IssueCollector,
  properties: Record<string, unknown>,
): OaaTag[] {
  if (item.operation != null) rejectOperation(path, issues);
  if (item.dynamic_properties !== undefined && item.dynamic_properties !== null) {
    issues.warn(at(path, 'dynamic_properties'), 'deprecated', 'dynamic_properties is deprecated and ignored; use custom_properties');
  }
  // Owners are kept as given; resolving them to IdP identities is a cross-source link.
  if (item.owners && item.owners.length > 0) {
    properties.owners = item.owners.map((o, i) => {
      checkField(o.external_id, at(at(path, 'owners'), i), 'external_id', issues);
      checkField(o.owner_type, at(at(path, 'owners'), i), 'owner_type', issues);
      return { external_id: o.external_id, owner_type: o.owner_type, primary: o.primary === true };
    });
  }
  readCustomProperties(item.custom_properties, definitions, path, what, issues, properties);
  return readTags(item.tags, path, issues);
}

/** Copies the set built-in fields into a new property map (null means not set). */
export function builtIns(source: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const field of fields) if (source[field] !== undefined && source[field] !== null) result[field] = source[field];
  return result;
}

const USER_FIELDS = ['email', 'is_active', 'created_at', 'last_login_at', 'deactivated_at', 'password_last_changed_at', 'user_type'] as const;
const USER_TIMESTAMPS = ['created_at', 'last_login_at', 'deactivated_at', 'password_last_changed_at'] as const;

export function readUsers(app: OaaApplication, path: string, defs: AppTypeDefinitions | undefined, issues: IssueCollector) {
  const users = new Map<string, UserEntity>();
  const usersPath = at(path, 'local_users');
  for (const { item, path: itemPath, key, localKey } of keyCollection(app.local_users, usersPath, 'local user', issues)) {
    checkStrings(item.identities, itemPath, 'identities', issues);
    checkField(item.email, itemPath, 'email', issues);
    checkField(item.user_type, itemPath, 'user_type', issues);
    for (const field of USER_TIMESTAMPS) checkTimestamp(item[field], itemPath, field, issues);
    const properties = builtIns(item, USER_FIELDS);
    const tags = readCommon(item, itemPath, defs?.localUser, 'local users', issues, properties);
    users.set(key, {
      key,
      localKey,
      name: item.name,
      path: itemPath,
      tags,
      properties,
      groups: references(item.groups),
      creds: references(item.access_creds),
      identities: distinctValues(item.identities),
    });
  }
  return users;
}

const GROUP_FIELDS = ['created_at'] as const;

export function readGroups(app: OaaApplication, path: string, defs: AppTypeDefinitions | undefined, issues: IssueCollector) {
  const groups = new Map<string, GroupEntity>();
  for (const { item, path: itemPath, key, localKey } of keyCollection(app.local_groups, at(path, 'local_groups'), 'local group', issues)) {
    checkStrings(item.identities, itemPath, 'identities', issues);
    checkTimestamp(item.created_at, itemPath, 'created_at', issues);
    const properties = builtIns(item, GROUP_FIELDS);
    const tags = readCommon(item, itemPath, defs?.localGroup, 'local groups', issues, properties);
    groups.set(key, {
      key,
      localKey,
      name: item.name,
      path: itemPath,
      tags,
      properties,
      parents: references(item.groups),
      identities: distinctValues(item.identities),
    });
  }
  return groups;
}

export function readRoles(app: OaaApplication, path: string, defs: AppTypeDefinitions | undefined, issues: IssueCollector) {
  const roles = new Map<string, RoleEntity>();
  for (const { item, path: itemPath, key, localKey } of keyCollection(app.local_roles, at(path, 'local_roles'), 'local role', issues)) {
    const properties = {};
    const tags = readCommon(item, itemPath, defs?.localRole, 'local roles', issues, properties);
    roles.set(key, {
      key,
      localKey,
      name: item.name,
      path: itemPath,
      properties,
      tags,
      permissions: references(item.permissions),
      roles: references(item.roles),
    });
  }
  return roles;
}

const CRED_FIELDS = ['is_active', 'created_at', 'expires_at', 'last_used_at', 'can_expire'] as const;
const CRED_TIMESTAMPS = ['created_at', 'expires_at', 'last_used_at'] as const;

export function readCreds(app: OaaApplication, path: string, defs: AppTypeDefinitions | undefined, issues: IssueCollector) {
  const creds = new Map<string, Entity>();
  // Access credentials are always keyed by their (required) id.
  const keyed = keyCollection(app.local_access_creds, at(path, 'local_access_creds'), 'access credential', issues, { uniqueIdAlias: false });
  for (const { item, path: itemPath, key, localKey } of keyed) {
    for (const field of CRED_TIMESTAMPS) checkTimestamp(item[field], itemPath, field, issues);
    const properties = builtIns(item, CRED_FIELDS);
    const tags = readCommon(item, itemPath, defs?.accessCred, 'access credentials', issues, properties);
    creds.set(key, { key, localKey, name: item.name, path: itemPath, tags, properties });
  }
  return creds;
}
