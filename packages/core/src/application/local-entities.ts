import type { OaaApplication } from '@accessgraph/contract';
import { builtIns, readCommon } from '../payload/entity-common.js';
import { type IssueCollector, at } from '../payload/issues.js';
import { checkField, checkStrings, checkTimestamp } from '../payload/strings.js';
import type { AppTypeDefinitions } from './definitions.js';
import { distinctValues, keyCollection, references } from './keyed-collection.js';
import type { Entity, GroupEntity, RoleEntity, UserEntity } from './model.js';

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
