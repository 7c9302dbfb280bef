import type { IdpPayload, OaaAppAssignment, OaaIdpGroup, OaaIdpUser, PropertyType } from '@accessgraph/contract';
import { references, type Reference } from '../application/keyed-collection.js';
import type { Entity } from '../application/model.js';
import { findCycles } from '../graph/cycles.js';
import { readCustomProperties, readDefinitions } from '../payload/custom-properties.js';
import { builtIns, readCommon } from '../payload/entity-common.js';
import { at, type IssueCollector } from '../payload/issues.js';
import { checkField, checkStrings } from '../payload/strings.js';
import { keyItems } from '../payload/unique-keys.js';
import { readIdentityMappings } from './identity-mappings.js';
import type { AppAssignment, ExternalRef, IdpAppEntity, IdpGroupEntity, IdpModel, IdpPrincipal, IdpUserEntity, SourceIdentity } from './model.js';

type Definitions = Record<'domain' | 'user' | 'group' | 'app' | 'appAssignment', Map<string, PropertyType>>;

const USER_FIELDS = ['email', 'full_name', 'department', 'is_active', 'is_guest', 'manager_id', 'identity_type'] as const;
const GROUP_FIELDS = ['full_name', 'is_security_group'] as const;

/**
 * Checks the meaning of a full Custom Identity Provider payload whose shape the schema has
 * accepted (spec §6, §12.1), reporting every problem with its JSON path, and returns the model.
 * References inside the payload (group memberships, app assignments) must resolve; a manager
 * that is not a user of the payload is a warning; references to other data sources
 * (source_identity, entities_owned) are resolved by identity linking.
 */
export function readIdpPayload(payload: IdpPayload, issues: IssueCollector): IdpModel {
  const name = required(payload.name, 'name', issues);
  const idpType = required(payload.idp_type, 'idp_type', issues);
  checkField(payload.idp_description, '', 'idp_description', issues);
  const definitions = readIdpDefinitions(payload, issues);
  const domain = readDomain(payload, definitions, issues);
  const apps = readApps(payload, definitions, issues);
  const groups = new Map<string, IdpGroupEntity>();
  for (const { item, path, key, localKey } of keyItems(payload.groups, 'groups', 'group', identityKey, issues)) {
    const properties = builtIns(item, GROUP_FIELDS);
    properties.identity = localKey;
    groups.set(key, readPrincipal(item, path, key, localKey, properties, definitions.group, 'groups', apps, definitions, issues));
  }
  const users = new Map<string, IdpUserEntity>();
  for (const { item, path, key, localKey } of keyItems(payload.users, 'users', 'user', identityKey, issues)) {
    checkField(item.email, path, 'email', issues);
    checkField(item.full_name, path, 'full_name', issues);
    checkField(item.manager_id, path, 'manager_id', issues);
    if (Array.isArray(item.department)) checkStrings(item.department, path, 'department', issues);
    else checkField(item.department, path, 'department', issues);
    const properties = builtIns(item, USER_FIELDS);
    properties.identity = localKey;
    const principal = readPrincipal(item, path, key, localKey, properties, definitions.user, 'users', apps, definitions, issues);
    users.set(key, { ...principal, email: item.email ?? null, manager: item.manager_id ? item.manager_id.toLowerCase() : null });
  }
  checkMemberships(users, groups, issues);
  checkManagers(users, issues);
  const mappings = readIdentityMappings(payload.identity_mapping_configuration, issues);
  return { name: name ?? '', idpType: idpType ?? '', domain, users, groups, apps, mappings };
}

function required(value: string | null | undefined, field: string, issues: IssueCollector): string | undefined {
  if (value === null || value === undefined || value === '') {
    issues.error(field, 'required', `${field} is required in a full identity provider payload`);
    return undefined;
  }
  checkField(value, '', field, issues);
  return value;
}

/** A user or group is known by its identity, or its name when it has none (as oaaclient sends it). */
function identityKey(item: { identity?: string | null; name: string }): { value: string; field: string } {
  return item.identity ? { value: item.identity, field: 'identity' } : { value: item.name, field: 'name' };
}

function readIdpDefinitions(payload: IdpPayload, issues: IssueCollector): Definitions {
  const d = payload.custom_property_definition;
  const path = 'custom_property_definition';
  return {
    domain: readDefinitions(d?.domain_properties, at(path, 'domain_properties'), issues),
    user: readDefinitions(d?.user_properties, at(path, 'user_properties'), issues),
    group: readDefinitions(d?.group_properties, at(path, 'group_properties'), issues),
    app: readDefinitions(d?.app_properties, at(path, 'app_properties'), issues),
    appAssignment: readDefinitions(d?.app_assignment_properties, at(path, 'app_assignment_properties'), issues),
  };
}

/** "One domain is supported for each custom IdP" (spec §6.1): exactly one on a full push. */
function readDomain(payload: IdpPayload, definitions: Definitions, issues: IssueCollector): Entity {
  const domains = payload.domains ?? [];
  if (domains.length === 0) issues.error('domains', 'required', 'an identity provider payload must have exactly one domain; it has none');
  for (let i = 1; i < domains.length; i++) {
    issues.error(at('domains', i), 'one_domain', `an identity provider has exactly one domain; "${domains[i]!.name}" is one too many`);
  }
  const domain = domains[0];
  if (!domain) return { key: '', localKey: '', name: '', path: 'domains[0]', properties: {}, tags: [] };
  const path = at('domains', 0);
  checkField(domain.name, path, 'name', issues);
  const properties: Record<string, unknown> = {};
  const tags = readCommon(domain, path, definitions.domain, 'domains', issues, properties);
  return { key: domain.name.toLowerCase(), localKey: domain.name, name: domain.name, path, properties, tags };
}

function readApps(payload: IdpPayload, definitions: Definitions, issues: IssueCollector): Map<string, IdpAppEntity> {
  const apps = new Map<string, IdpAppEntity>();
  const keyOf = (app: { id: string }) => ({ value: app.id, field: 'id' });
  for (const { item, path, key, localKey } of keyItems(payload.apps, 'apps', 'app', keyOf, issues)) {
    checkField(item.name, path, 'name', issues);
    checkField(item.description, path, 'description', issues);
    const properties = builtIns(item, ['description']);
    const tags = readCommon(item, path, definitions.app, 'apps', issues, properties);
    apps.set(key, { key, localKey, name: item.name, path, properties, tags, assumedRoles: assumedRoles(item.assumed_role_arns, path, issues) });
  }
  return apps;
}

function readPrincipal(
  item: OaaIdpUser | OaaIdpGroup,
  path: string,
  key: string,
  localKey: string,
  properties: Record<string, unknown>,
  propertyDefinitions: Map<string, PropertyType>,
  what: string,
  apps: Map<string, IdpAppEntity>,
  definitions: Definitions,
  issues: IssueCollector,
): IdpPrincipal {
  checkField(item.name, path, 'name', issues);
  const sourceIdentity = readSourceIdentity(item, path, issues);
  if (sourceIdentity) properties.source_identity = { identity: sourceIdentity.identity, provider_type: sourceIdentity.providerType };
  const tags = readCommon(item, path, propertyDefinitions, what, issues, properties);
  return {
    key,
    localKey,
    name: item.name,
    path,
    properties,
    tags,
    groups: groupReferences(item.groups, path, issues),
    assumedRoles: assumedRoles(item.assumed_role_arns, path, issues),
    sourceIdentity,
    owned: ownedEntities(item.entities_owned, path, issues),
    appAssignments: readAppAssignments(item.app_assignments, path, apps, definitions, issues),
  };
}

/** Group references in either documented form: `{"identity": "g"}` or `"g"`. */
function groupReferences(groups: OaaIdpUser['groups'], path: string, issues: IssueCollector): Reference[] {
  if (!groups || groups.length === 0) return [];
  const identities = groups.map((g) => (typeof g === 'string' ? g : g.identity));
  checkStrings(identities, path, 'groups', issues);
  return references(identities);
}

/** AWS role ARNs in either documented form: `[{"identity": "arn"}]` or `{"identity": ["arn", ...]}`. */
function assumedRoles(value: OaaIdpUser['assumed_role_arns'], path: string, issues: IssueCollector): string[] {
  if (!value) return [];
  const arns = Array.isArray(value) ? value.map((r) => r.identity) : value.identity;
  checkStrings(arns, path, 'assumed_role_arns', issues);
  return [...new Set(arns)];
}

function readSourceIdentity(item: OaaIdpUser | OaaIdpGroup, path: string, issues: IssueCollector): SourceIdentity | null {
  const source = item.source_identity;
  if (!source) return null;
  checkField(source.identity, at(path, 'source_identity'), 'identity', issues);
  return { identity: source.identity, providerType: source.provider_type };
}

/** Owned entities, as a list or (one example of the docs) a single object. */
function ownedEntities(value: OaaIdpUser['entities_owned'], path: string, issues: IssueCollector): ExternalRef[] {
  if (!value) return [];
  const list = Array.isArray(value) ? value : [value];
  const owned = new Map<string, ExternalRef>();
  list.forEach((entity, i) => {
    const entityPath = Array.isArray(value) ? at(at(path, 'entities_owned'), i) : at(path, 'entities_owned');
    checkField(entity.node_type, entityPath, 'node_type', issues);
    checkField(entity.id, entityPath, 'id', issues);
    owned.set(`${entity.node_type.toLowerCase()}\u0000${entity.id.toLowerCase()}`, { nodeType: entity.node_type, id: entity.id });
  });
  return [...owned.values()];
}

function readAppAssignments(
  assignments: readonly OaaAppAssignment[] | null | undefined,
  path: string,
  apps: Map<string, IdpAppEntity>,
  definitions: Definitions,
  issues: IssueCollector,
): AppAssignment[] {
  const result: AppAssignment[] = [];
  const keyOf = (a: OaaAppAssignment) => ({ value: a.id, field: 'id' });
  for (const { item, path: itemPath } of keyItems(assignments, at(path, 'app_assignments'), 'app assignment', keyOf, issues)) {
    checkField(item.name, itemPath, 'name', issues);
    const app = item.app_id.toLowerCase();
    if (!apps.has(app)) {
      issues.error(at(itemPath, 'app_id'), 'unknown_reference', `app "${item.app_id}" is not defined in apps`);
      continue;
    }
    const properties = readCustomProperties(item.custom_properties, definitions.appAssignment, itemPath, 'app assignments', issues);
    result.push({ id: item.id, name: item.name, app, properties });
  }
  return result;
}

/** Users' and groups' groups must be groups of the payload; a group is not its own member, nor nested in a loop. */
function checkMemberships(users: Map<string, IdpUserEntity>, groups: Map<string, IdpGroupEntity>, issues: IssueCollector): void {
  for (const principal of [...users.values(), ...groups.values()]) {
    const isGroup = groups.get(principal.key) === principal;
    for (const { key, index } of principal.groups) {
      const path = at(at(principal.path, 'groups'), index);
      if (isGroup && key === principal.key) issues.error(path, 'self_reference', `group "${principal.localKey}" lists itself as one of its groups`);
      else if (!groups.has(key)) issues.error(path, 'unknown_reference', `group "${key}" is not defined in groups`);
    }
  }
  const parents = (key: string) => groups.get(key)!.groups.map((g) => g.key);
  for (const cycle of findCycles(groups.keys(), parents, (key) => groups.has(key))) {
    issues.error(groups.get(cycle[0]!)!.path, 'cycle', `group nesting loops: ${cycle.join(' -> ')}`);
  }
}

/** A manager must be a user of this identity provider; one that is not is kept as written, with a warning. */
function checkManagers(users: Map<string, IdpUserEntity>, issues: IssueCollector): void {
  for (const user of users.values()) {
    if (user.manager === null) continue;
    if (user.manager === user.key) {
      issues.error(at(user.path, 'manager_id'), 'self_reference', `user "${user.localKey}" is named as its own manager`);
    } else if (!users.has(user.manager)) {
      issues.warn(at(user.path, 'manager_id'), 'unresolved_manager', `manager "${user.properties.manager_id as string}" of user "${user.localKey}" is not a user of this identity provider`);
    }
  }
}
