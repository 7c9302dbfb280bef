import type { OaaTag } from '@accessgraph/contract';
import type { Json } from './collection-spec.js';

/**
 * The part of an application data source's stored state that a change made by difference touches
 * (see `leaf-delta-plan.ts`), read from its graph by storage: the entities it names and the
 * entries it changes as they are, and what they refer to. `slicePayload` turns it back into a payload, small, that
 * the change is applied to and validated and derived as any payload is, so the same rules decide
 * what a valid change is whichever way it is stored.
 */
export interface StoredSlice {
  /** What the last full payload declared at its top level (`custom_property_definition`, `permissions`), kept with the state. */
  declarations: PayloadDeclarations;
  apps: SliceApp[];
  /** The first node id and grant id no row of the data source uses. */
  nextNodeId: number;
  nextGrantId: number;
  /**
   * Whether roles hold grants of their own (an entry of identity_type local_role): then the roles a
   * principal holds, and those they include, are part of its reach as its groups are; the users the
   * change names carry theirs (`SliceUser.heldRoles`), and `reach` holds the stored rows of the slice's roles.
   */
  rolesHoldGrants?: true;
}

/**
 * A payload's top-level fields other than its collections, kept with its state: an application's
 * custom property definitions and permissions; an identity provider's name, type, description and
 * custom property definitions; an HRIS' name, type and definitions.
 */
export interface PayloadDeclarations {
  custom_property_definition?: unknown;
  permissions?: unknown;
  name?: unknown;
  idp_type?: unknown;
  idp_description?: unknown;
  hris_type?: unknown;
  /** Of an application: the identities of its entries that hold no binding (`emptyEntryIdentities`), which the graph cannot show. */
  emptyEntries?: string[];
}

/** A stored node as the slice needs it. */
export interface SliceNode {
  id: number;
  key: string;
  localKey: string;
  name: string;
  properties: Record<string, unknown>;
  parentId: number | null;
  resourceType: string | null;
  /** Its tags, read for the nodes a change may re-tag (the leaves and entities it names). */
  tags?: OaaTag[];
  /** Its `identities` strings, read for the users and groups a change names. */
  identities?: string[];
}

export interface SliceApp {
  node: SliceNode;
  /** Whether the application's users, groups and roles carry ids (then they are keyed by id, else by name). */
  usersKeyedById: boolean;
  groupsKeyedById: boolean;
  rolesKeyedById: boolean;
  /**
   * The groups, roles and credentials the change names that exist, with their tags (and a group's
   * identities); those it moves or deletes with how many grants and bindings they hold, and where
   * roles hold grants (`StoredSlice.rolesHoldGrants`) a moved group with the roles it holds.
   */
  entities: Array<SliceNode & { segment: 'group' | 'role' | 'cred'; grants?: number; bindings?: number; heldRoles?: number[] }>;
  /**
   * The principals below the groups the change moves or deletes, the credentials it deletes and the
   * groups and credentials whose entries may come to hold grants or hold none any more (whose
   * breadth-first reach passes through them), but the users the change names: their parents
   * (the groups and credentials their `member_of` and `holds_cred` edges lead to, and where roles
   * hold grants, the roles they hold). There too, the entry holders whose roles the change may
   * change, and what is below them: their roles are the ones their entries hold once the change is
   * made, which the change gives (not in `parents`). Their reach is
   * worked out anew; `reach` holds their stored rows (one at depth 0 says a principal holds grants)
   * and those of their other parents.
   */
  below: Array<{ id: number; parents: number[] }>;
  /**
   * Where roles hold grants of their own: the roles including a role the change redefines or deletes
   * (or granting a permission it changes), at any depth: their reach is worked out anew from the
   * roles they include as the change leaves them.
   */
  rolesAnew?: number[];
  /**
   * Groups, credentials and IdP identities whose stored entries the change changes, with their
   * entries read back (as a user's `entry`) and their grant and binding counts. An IdP identity's
   * node holds its bindings (all in this application) and goes with the last of them.
   */
  entryEntities: Array<SliceNode & { segment: EntrySegment; entry: { role_assignments: Json[]; application_permissions: Json[] } | null; storedGrants: StoredGrant[]; additive?: AdditiveEntry; grants: number; bindings: number }>;
  /**
   * The users the change names that exist, and those whose entries it changes (with `entry`; read
   * without their memberships, tags and identity strings, which the change leaves as stored).
   */
  users: SliceUser[];
  groups: SliceNode[];
  creds: SliceNode[];
  /** Roles the bindings and the change name, those including a role it redefines or deletes, and every role nested in them, with what they list (local keys). */
  roles: Array<SliceNode & { permissions: string[]; roles: string[] }>;
  /** Resources the change names or adds under and those its bindings name, their ancestors, and the sub-resources of those it deletes. */
  resources: SliceNode[];
  /** The resource types (lower-cased) whose resources carry ids (the rest are keyed by name). */
  resourceIdTypes: string[];
  /** Permission nodes the bindings reach (directly or through the roles), for the grants' ids. */
  permissions: SliceNode[];
  /** The stored reach rows of the slice's groups and credentials (and roles, where they hold grants), of `below` and of their parents, by principal: [holder, depth] pairs. */
  reach: Map<number, Array<readonly [number, number]>>;
}

/** The holders of entries besides local users. */
export type EntrySegment = 'group' | 'cred' | 'idp';
/** Their entries' identity types. */
const ENTRY_TYPES: Record<EntrySegment, string> = { group: 'local_group', cred: 'local_access_creds', idp: 'idp' };

/** A stored grant, whole (`types` lower-cased; null for a grant without a type filter). */
export interface StoredGrant {
  id: number;
  permission: number;
  scope: number;
  role: number | null;
  self: boolean;
  descendants: boolean;
  types: string[] | null;
}

export interface SliceUser extends SliceNode {
  /** Local keys of the groups and credentials the user names. */
  groups: string[];
  creds: string[];
  tags: OaaTag[];
  /** The user's stored grants and bindings (has_role / has_permission edges). */
  grants: number;
  bindings: number;
  /** Where roles hold grants of their own (`StoredSlice.rolesHoldGrants`), the stored ids of the roles a named user holds: its reach goes through them. */
  heldRoles?: number[];
  /**
   * For a user whose stored entry the change changes (or that holds a role it redefines or deletes):
   * the entry's bindings in this application, read back from the user's binding edges and grants or
   * the scopes the edges keep (`readBackEntry` in storage), or them bare (`additive`); null when it
   * has no entry, which the change adds (its first).
   */
  entry?: { role_assignments: Json[]; application_permissions: Json[] } | null;
  /** With `entry`: its stored grants, of which those the change leaves as they are stay (`LeafDelta.ungranted`). */
  storedGrants?: StoredGrant[];
  /** With `entry`, when the change only adds bindings to it: see `AdditiveEntry`. */
  additive?: AdditiveEntry;
}

/**
 * An entry the change only adds bindings to (`additiveIdentities`, `entryEntities[].additive`): it
 * is read back with its stored bindings bare (each role and permission without scopes, so the
 * change's adds are checked against them and they derive nothing), which stay as stored; only the
 * added bindings are written, with their grants. `boundTo`: the stored ids of the roles and
 * permissions its stored bindings name (the added ones name others: an add of a binding it holds is
 * refused). The same holds of the bindings a change of roles or permissions leaves as they are in
 * the entries of their holders (`rebound`): a grant is keyed by its holder, permission, scope and
 * role, and those of bare bindings are none of the changed ones'.
 */
export interface AdditiveEntry {
  boundTo: number[];
  /**
   * Of an entry read in part (a holder of a role or permission the change redefines, which it does
   * not name otherwise): the roles and permissions whose bindings are read back whole (with their
   * grants, `storedGrants`) and derived anew, their edges written anew; the rest are bare.
   */
  rebound?: number[];
}

/** Properties of a resource node that are its payload fields as given (the rest are custom properties). */
const RESOURCE_FIELDS = new Set(['description', 'resource_type', 'connections', 'owners']);
/** Per collection, the properties of its nodes that are payload fields as given (the rest are custom properties, or enrichment). */
const USER_FIELDS: ReadonlySet<string> = new Set(['email', 'is_active', 'created_at', 'last_login_at', 'deactivated_at', 'password_last_changed_at', 'user_type', 'owners']);
const GROUP_FIELDS: ReadonlySet<string> = new Set(['created_at', 'owners']);
const ROLE_FIELDS: ReadonlySet<string> = new Set(['owners']);
const APP_FIELDS: ReadonlySet<string> = new Set(['application_type', 'description', 'okta_app_id']);
const CRED_FIELDS: ReadonlySet<string> = new Set(['is_active', 'created_at', 'expires_at', 'last_used_at', 'can_expire', 'owners']);
/** The prefix of a custom property's name among a node's (or an edge's) properties. */
export const CUSTOM = 'customprop_';

/** The slice as a full application payload (before the change is applied to it). */
export function slicePayload(slice: StoredSlice): Json {
  return {
    ...(slice.declarations.custom_property_definition !== undefined ? { custom_property_definition: slice.declarations.custom_property_definition } : {}),
    ...(slice.declarations.permissions !== undefined ? { permissions: slice.declarations.permissions } : {}),
    applications: slice.apps.map(appItem),
    identity_to_permissions: mergedEntries(
      slice.apps.flatMap((app) => [
        ...app.users.flatMap((user) => (user.entry ? [entryItem(user, user.entry)] : [])),
        ...app.entryEntities.flatMap((holder) => (holder.entry ? [{ identity: holder.localKey, identity_type: ENTRY_TYPES[holder.segment], ...holder.entry }] : [])),
      ]),
    ),
  };
}

/**
 * Entries read back per application, one per identity as the payload keys them: a local user's
 * identity in two applications is one entry with bindings in both. Parts of one identity that
 * disagree on its type are left apart (the small payload then holds the identity twice, which the
 * whole-state way decides).
 */
function mergedEntries(parts: readonly Json[]): Json[] {
  const byIdentity = new Map<string, Json>();
  const entries: Json[] = [];
  for (const part of parts) {
    const key = String(part.identity).toLowerCase();
    const merged = byIdentity.get(key);
    if (merged === undefined || merged.identity_type !== part.identity_type) {
      const entry = { ...part, role_assignments: [...(part.role_assignments as Json[])], application_permissions: [...(part.application_permissions as Json[])] };
      if (merged === undefined) byIdentity.set(key, entry);
      entries.push(entry);
      continue;
    }
    (merged.role_assignments as Json[]).push(...(part.role_assignments as Json[]));
    (merged.application_permissions as Json[]).push(...(part.application_permissions as Json[]));
  }
  return entries;
}

function entryItem(user: SliceUser, entry: NonNullable<SliceUser['entry']>): Json {
  return { identity: user.localKey, identity_type: 'local_user', ...entry };
}

/** The application's built-in fields as given; with its custom properties and (read when the change modifies or re-tags it) its tags. */
function appItem(app: SliceApp): Json {
  return {
    ...entityItem(app.node, false, APP_FIELDS),
    local_users: app.users.map((user) => userItem(user, app.usersKeyedById)),
    local_groups: app.groups.map((group) => entityItem(group, app.groupsKeyedById, GROUP_FIELDS)),
    local_access_creds: app.creds.map((cred) => entityItem(cred, true, CRED_FIELDS)),
    local_roles: app.roles.map((role) => ({ ...entityItem(role, app.rolesKeyedById, ROLE_FIELDS), permissions: role.permissions, roles: role.roles })),
    resources: resourceTree(app.resources, new Set(app.resourceIdTypes)),
  };
}

/**
 * A stored node back as its payload item: keyed as its collection is, its built-in fields and
 * owners as they were given, custom properties by their (lower-cased) names, and the tags and
 * identities read for it (the nodes a change names).
 */
function entityItem(node: SliceNode, keyedById: boolean, fields: ReadonlySet<string>): Json {
  const item: Json = keyedById ? { id: node.localKey, name: node.name } : { name: node.localKey };
  const custom: Json = {};
  for (const [name, value] of Object.entries(node.properties)) {
    if (fields.has(name)) item[name] = value;
    else if (name.startsWith(CUSTOM)) custom[name.slice(CUSTOM.length)] = value;
  }
  if (Object.keys(custom).length > 0) item.custom_properties = custom;
  if (node.identities !== undefined && node.identities.length > 0) item.identities = node.identities;
  if (node.tags !== undefined && node.tags.length > 0) item.tags = node.tags;
  return item;
}

/** A stored user back as its payload item, with the groups and credentials it names. */
function userItem(user: SliceUser, keyedById: boolean): Json {
  const item = entityItem(user, keyedById, USER_FIELDS);
  if (user.groups.length > 0) item.groups = user.groups;
  if (user.creds.length > 0) item.access_creds = user.creds;
  return item;
}

/** Resources (each with its ancestors among them) nested as the payload nests them; with ids where their type has them. */
function resourceTree(resources: readonly SliceNode[], idTypes: ReadonlySet<string>): Json[] {
  const byId = new Map(resources.map((r) => [r.id, r]));
  const items = new Map<number, Json>();
  const roots: Json[] = [];
  // Parents before children: a parent's local key (its dotted path) is a prefix of its children's.
  for (const resource of [...resources].sort((a, b) => a.localKey.length - b.localKey.length)) {
    const parent = resource.parentId === null ? undefined : byId.get(resource.parentId);
    const own = parent === undefined ? resource.localKey : resource.localKey.slice(parent.localKey.length + 1);
    const item: Json = idTypes.has(resource.resourceType!.toLowerCase()) ? { id: own, name: resource.name } : { name: resource.name };
    item.resource_type = resource.resourceType;
    for (const [name, value] of Object.entries(resource.properties)) {
      if (RESOURCE_FIELDS.has(name)) item[name] = value;
      else if (name.startsWith(CUSTOM)) ((item.custom_properties ??= {}) as Json)[name.slice(CUSTOM.length)] = value;
    }
    if (resource.tags !== undefined && resource.tags.length > 0) item.tags = resource.tags;
    items.set(resource.id, item);
    if (parent === undefined) roots.push(item);
    else ((items.get(parent.id)!.sub_resources ??= []) as Json[]).push(item);
  }
  return roots;
}
